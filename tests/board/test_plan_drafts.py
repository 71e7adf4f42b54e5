"""The plan form's draft, kept in the store per council and year through its use case:
who may submit the plan saves and finds it again (the last save wins), anyone else on the
council is refused, and submitting the plan drops it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import store
from application.audit import Actor
from application.context import Context
from application.errors import AppError
from application.permissions import load_viewer
from application.plan_drafts import drop_draft, load_draft, save_draft
from application.principal import Principal, Proof
from config import Settings

COUNCIL = "testcity-c1"
YEAR = 2026
SAVED = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


def _as(engine: Engine, person_id: str) -> Context:
    def run(_: Settings, work: Callable[[Session], object]) -> object:
        with store.session_scope(engine) as session:
            return work(session)

    with store.session_scope(engine) as session:
        viewer = load_viewer(session, person_id)
    principal = Principal(
        actor=Actor(id=f"person:{person_id}", client="test", person_id=person_id),
        viewer=viewer, may_act_on_behalf=False, proof=Proof.SESSION,
    )  # fmt: skip
    return Context(principal=principal, config=Settings(), run_in_session=run, clock=lambda: SAVED)


def test_a_draft_is_kept_replaced_and_dropped(testcity_engine: Engine) -> None:
    coord = _as(testcity_engine, "t-coord")
    assert load_draft(coord, COUNCIL, YEAR) is None
    save_draft(coord, COUNCIL, YEAR, {"rows": "1", "a1_title": "読み聞かせ", "csrf": "x"})
    save_draft(coord, COUNCIL, YEAR, {"rows": "2", "a1_title": "読み聞かせ", "a2_title": "見守り"})
    draft = load_draft(coord, COUNCIL, YEAR)
    assert draft is not None
    # Only the plan form's own fields are kept; the second save replaced the first.
    assert draft.fields == {"rows": "2", "a1_title": "読み聞かせ", "a2_title": "見守り"}
    assert (draft.saved_by, draft.saved_at) == ("t-coord", SAVED)
    assert (
        load_draft(coord, "testcity-c2", YEAR) is None
        and load_draft(coord, COUNCIL, YEAR + 1) is None
    )
    drop_draft(coord, COUNCIL, YEAR)
    assert load_draft(coord, COUNCIL, YEAR) is None


def test_only_who_may_submit_the_plan_keeps_a_draft(testcity_engine: Engine) -> None:
    member = _as(testcity_engine, "t-m1")
    with pytest.raises(AppError):
        save_draft(member, COUNCIL, YEAR, {"rows": "1", "a1_title": "x"})
    with pytest.raises(AppError):
        load_draft(member, COUNCIL, YEAR)
    with pytest.raises(AppError):
        drop_draft(member, COUNCIL, YEAR)

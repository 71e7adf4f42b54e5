"""Volunteer requests and the newsletter on the real store (SQLite, or PostgreSQL with
``TEST_DATABASE_URL``): the workflow's projection, notices filed once, applications from
the public page, signed links, and the newsletter naming only who agreed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

import store
from application import newsletter
from application import volunteer_public as visitor
from application import volunteer_requests as use
from application.errors import AppError
from config import Settings
from config.payload_keys import payload_keys_from
from config.reply_links import sign, verify
from contracts.activities import RecordCycleOpenedInput, RecordEventInput
from domain.base import Step
from domain.commands import RecordActivityInput
from domain.rules import execute, new_cycle
from domain.scenario import full_year
from domain.volunteer_requests import (
    NoticeKind,
    Place,
    Reply,
    RequestSpec,
    Status,
    answer,
    invite,
    open_request,
)
from store import volunteer_applications as apps
from store import volunteer_requests as rows
from store.erasure import erase_person
from tests.requests.support import operator_context, register_volunteers
from tests.workflows.conftest import FIXTURES

COUNCIL = "testcity-c2"
YEAR = 2031
NOW = datetime(2031, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def volunteers(engine: Engine) -> list[str]:
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))
    return register_volunteers(engine, "testcity", "sv", 4, date(2031, 4, 1))


def _spec(number: int, public: bool = True) -> RequestSpec:
    return RequestSpec(
        council_id=COUNCIL, fiscal_year=YEAR, number=number, activity_id="reading",
        title="読み聞かせ", needed=2, held_on=date(2031, 6, 20), place="図書室",
        reply_by=date(2031, 6, 10), public=public,
    )  # fmt: skip


def _stored(engine: Engine, spec: RequestSpec) -> int:
    with store.session_scope(engine) as session:
        return rows.insert_request(session, spec, "local:test", NOW)


def test_projection_keeps_the_newest_version_and_files_each_notice_once(
    engine: Engine, volunteers: list[str]
) -> None:
    v1, v2, v3, _ = volunteers
    spec = _spec(101)
    _stored(engine, spec)
    state = invite(open_request(spec, NOW), [v1, v2, v3], NOW).state
    for volunteer in (v1, v2, v3):
        state = answer(state, volunteer, Reply.CAN, NOW).state
    older = invite(open_request(spec, NOW), [v1], NOW).state
    with store.session_scope(engine) as session:
        assert rows.record_state(session, state, NOW)
        assert not rows.record_state(session, older, NOW)
        view = rows.request_view(session, spec.key)
        assert (view.fill.confirmed, view.fill.waiting, view.fill.needed) == (2, 1, 2)
        jobs = rows.file_notices(session, spec.key, 3, NoticeKind.CONFIRMED, (v1, v2), NOW)
        assert [j.address for j in jobs] == [f"{v1}@example.invalid", f"{v2}@example.invalid"]
        rows.mark_notice(session, jobs[0].notice_id, rows.NO_CHANNEL, None)
    with store.session_scope(engine) as session:
        again = rows.file_notices(session, spec.key, 3, NoticeKind.CONFIRMED, (v1, v2), NOW)
        assert [j.volunteer_id for j in again] == [v2]
        assert len(rows.notices(session, spec.key)) == 2
        held_on, confirmed = rows.confirmed_for_activity(session, COUNCIL, YEAR, "reading")
    assert held_on == date(2031, 6, 20) and confirmed[:2] == (v1, v2)


def test_public_application_is_filed_then_accepted_into_the_registry(
    engine: Engine, volunteers: list[str]
) -> None:
    spec = _spec(102)
    request_id = _stored(engine, spec)
    ctx = operator_context(engine)
    public = visitor.public_requests(ctx, "testcity")
    assert spec.key in {r.key for r in public}
    refused = visitor.Application(name="新規 花子", contact="h@example.invalid", consent=False)
    with pytest.raises(AppError):
        visitor.apply_public(ctx, request_id, refused)
    given = refused.model_copy(update={"consent": True, "name_public": True})
    visitor.apply_public(ctx, request_id, given)
    page = use.request_page(ctx, spec.key)
    [application] = page.applications
    assert application.name == "新規 花子"
    with store.session_scope(engine) as session:
        volunteer_id = apps.decide_application(
            session, spec.key, application.application_id, True, date(2031, 6, 1), NOW
        )
        assert volunteer_id is not None
        assert apps.pending_applications(session, spec.key) == []
        registered = {v.id: v for v in store.volunteers(session, "testcity")}[volunteer_id]
        assert (registered.name, registered.consent_to_contact) == ("新規 花子", True)
        assert apps.named_volunteers(session, [volunteer_id]) == {volunteer_id: "新規 花子"}


def test_a_private_or_closed_request_takes_no_application(engine: Engine) -> None:
    request_id = _stored(engine, _spec(103, public=False))
    ctx = operator_context(engine)
    with pytest.raises(store.NotFound):
        visitor.public_request(ctx, request_id)


def test_reply_links_are_signed_for_one_volunteer_and_request(volunteers: list[str]) -> None:
    keys = payload_keys_from(Settings())
    token = sign(keys, 7, volunteers[0])
    target = verify(keys, token)
    assert target is not None and (target.request_id, target.volunteer_id) == (7, volunteers[0])
    forged = token.replace(f"~7~{volunteers[0]}~", f"~7~{volunteers[1]}~")
    assert verify(keys, forged) is None
    assert verify(keys, token[:-2] + "AA") is None
    assert verify(keys, "nonsense") is None


def _record_year(engine: Engine, volunteers: list[str]) -> None:
    with store.session_scope(engine) as session:
        setup = store.council_setup(session, COUNCIL)
        store.record_cycle_opened(session, RecordCycleOpenedInput(
            council_id=COUNCIL, fiscal_year=YEAR, opened_at=NOW,
            workflow_id=f"council-cycle/{COUNCIL}/{YEAR}", run_id="run"))  # fmt: skip
    state = new_cycle(COUNCIL, YEAR, setup.roster, NOW, setup.vote_rule)
    year = full_year(setup.roster, YEAR, rejected_first=False)
    commands = [c for step in (Step.DISCUSS, Step.APPROVE, Step.PLAN, Step.COORDINATE)
                for c in year.of(step)]  # fmt: skip
    coordinator = year.of(Step.PLAN)[0].actor
    commands += [
        RecordActivityInput(actor=coordinator, activity_id="patrol", held_on=date(YEAR, 5, 1),
                            children=30, volunteer_ids=(volunteers[0], volunteers[1])),
        RecordActivityInput(actor=coordinator, activity_id="reading", held_on=date(YEAR, 6, 10),
                            children=20, volunteer_ids=(volunteers[1], volunteers[2])),
    ]  # fmt: skip
    for number, command in enumerate(commands):
        state, event = execute(state, command, NOW + timedelta(days=20, minutes=number))
        with store.session_scope(engine) as session:
            store.record_event(session, RecordEventInput(event=event, workflow_id="w", run_id="r"))


def test_newsletter_counts_the_year_and_names_only_who_agreed(
    engine: Engine, volunteers: list[str]
) -> None:
    _record_year(engine, volunteers)
    with store.session_scope(engine) as session:
        apps.give_name_consent(session, volunteers[1], NOW)
    ctx = operator_context(engine)
    page = newsletter.preview(ctx, COUNCIL, YEAR, "ありがとうございました")
    assert [(i.title, i.children, i.volunteers) for i in page.items] == [
        ("登下校見守り", 30, 2), ("読み聞かせ", 20, 2)]  # fmt: skip
    assert (page.activities, page.children, page.volunteers) == (2, 50, 3)
    assert page.thanked == ("試験 ボランティア2",) and page.unnamed_volunteers == 2
    with pytest.raises(store.NotFound):
        newsletter.public_newsletter(ctx, COUNCIL, YEAR)
    newsletter.publish(ctx, COUNCIL, YEAR, "ありがとうございました")
    published = newsletter.public_newsletter(ctx, COUNCIL, YEAR)
    assert published.thanked == page.thanked and published.message == "ありがとうございました"
    assert published.next_request is not None and published.next_request.title == "読み聞かせ"
    with pytest.raises(AppError):
        newsletter.preview(ctx, COUNCIL, YEAR, "x" * 601)
    # An erased volunteer is never named again, not even on the published page.
    with store.session_scope(engine) as session:
        erase_person(session, "testcity", volunteers[1], NOW, "local:test")
    again = newsletter.public_newsletter(ctx, COUNCIL, YEAR)
    assert again.thanked == () and again.unnamed_volunteers == 3


def test_states_stay_where_the_rules_put_them(engine: Engine, volunteers: list[str]) -> None:
    spec = _spec(104)
    _stored(engine, spec)
    state = answer(open_request(spec, NOW), volunteers[0], Reply.CAN, NOW).state
    with store.session_scope(engine) as session:
        rows.record_state(session, state, NOW)
        [line] = rows.answers(session, spec.key)
        assert line.place is Place.CONFIRMED
        assert rows.request_view(session, spec.key).status is Status.OPEN

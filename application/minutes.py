"""Publishing and correcting a meeting's public minutes, in the year and after it, as
one use case for the console and the CLI (``minutes publish|correct``).

In an open year the cycle decides: the command goes to its workflow like any other. Once
the year is closed the workflow has completed and takes no updates, yet publishing the
minutes is the chair's legal duty and usually falls after the meeting, often after the
year. So publication is not a step of the cycle: for a closed year this use case checks
the same rule the cycle would (``domain.meeting_call_rules.minutes_after_close``: the
council's chair as the directory has it now, a recorded meeting, not yet published) and
records the act in the store (``store.closed_minutes``) in one transaction, exactly once
per command id: the same form sent twice, or a CLI retried with ``--command-id``,
answers the first result and records nothing more.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

import store
from application import cycles
from application.commands import CommandRefused, check_command_id, new_command_id
from application.context import Context
from application.errors import AppError
from application.permissions import load_viewer, require_actor_on_council
from application.public_pages import public_page_path
from domain.base import Role, Step
from domain.meeting_call_rules import minutes_after_close
from domain.meeting_calls import CorrectMinutesInput, PublishMinutesInput
from domain.refusals import Refusal
from store.closed_minutes import (
    ClosedYearAct,
    YearMinutes,
    find_act,
    record_act,
    unpublished_in,
    year_minutes,
)

MinutesCommand = PublishMinutesInput | CorrectMinutesInput


class MinutesResult(BaseModel):
    """What publishing or correcting did: the meeting, the version now public, whether
    it was after the year closed, and the public page it shows on."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    action: str
    meeting_number: int
    version: int
    after_close: bool
    public_path: str


def _result(
    council_id: str, fiscal_year: int, action: str, number: int, version: int, after: bool
) -> MinutesResult:
    return MinutesResult(
        council_id=council_id,
        fiscal_year=fiscal_year,
        action=action,
        meeting_number=number,
        version=version,
        after_close=after,
        public_path=public_page_path(council_id, fiscal_year),
    )


async def give(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    command: MinutesCommand,
    command_id: str | None = None,
) -> MinutesResult:
    """Publish or correct minutes as ``command.actor``: through the cycle while the year
    is open, recorded in the store once it is closed. Raises ``CommandRefused`` (the rules
    said no; nothing changed) and the cycle's errors (``CycleNotStarted`` …)."""

    def read(session: Session) -> YearMinutes | None:
        # Nobody off the council learns anything of it, open or closed.
        require_actor_on_council(session, command.actor, council_id)
        return year_minutes(session, council_id, fiscal_year)

    year = await asyncio.to_thread(ctx.unit_of_work, read)
    if year is None:
        raise cycles.CycleNotStarted(council_id, fiscal_year)
    if year.step is not Step.CLOSED:
        client = await ctx.temporal()
        receipt = await cycles.send(client, council_id, fiscal_year, command, command_id=command_id)
        change = next(
            (c for c in receipt.changes if c.field == f"minutes:{command.meeting_number}"), None
        )
        version = int((change.after if change and change.after else "v1")[1:])
        return _result(
            council_id, fiscal_year, command.kind, command.meeting_number, version, False
        )
    key = new_command_id() if command_id is None else check_command_id(command_id)
    return await asyncio.to_thread(
        ctx.unit_of_work, lambda s: _after_close(ctx, s, council_id, fiscal_year, command, key)
    )


def _after_close(
    ctx: Context,
    session: Session,
    council_id: str,
    fiscal_year: int,
    command: MinutesCommand,
    command_id: str,
) -> MinutesResult:
    done = find_act(session, command_id)
    if done is not None:
        return _from_act(council_id, fiscal_year, done)
    year = year_minutes(session, council_id, fiscal_year)
    assert year is not None  # read just before, and cycles are never deleted
    try:
        new, corrected = minutes_after_close(
            year.step, _roles(session, command.actor, council_id), year.meetings,
            year.published, command, ctx.now(),
        )  # fmt: skip
    except Refusal as refusal:
        params = dict(refusal.params)
        if "actor" in params:
            # Named, not numbered (the cycle's refusals are named by the faces).
            names = store.person_names(session, [command.actor])
            params["actor"] = names.get(command.actor, params["actor"])
        raise CommandRefused(refusal.code, params) from refusal
    if not record_act(session, year, command_id, command.kind, new, corrected):
        # A concurrent request under the same id recorded it first: its answer is ours.
        again = find_act(session, command_id)
        assert again is not None
        return _from_act(council_id, fiscal_year, again)
    return _result(council_id, fiscal_year, command.kind, new.meeting_number, new.version, True)


def _roles(session: Session, actor: str, council_id: str) -> frozenset[Role]:
    viewer = load_viewer(session, actor)
    return frozenset() if viewer is None else viewer.council_roles.get(council_id, frozenset())


def _from_act(council_id: str, fiscal_year: int, act: ClosedYearAct) -> MinutesResult:
    return _result(council_id, fiscal_year, act.action, act.meeting_number, act.version, True)


@dataclass(frozen=True)
class ClosedYearMinutes:
    """What a closed year's minutes page shows, as the store holds it: the year's
    meetings and every published version (the after-close ones are not in the completed
    workflow's state), which meetings the asker may publish now (the chair, a recorded
    meeting with public minutes, not yet published) and whether they may correct (the
    chair now)."""

    year: YearMinutes | None
    publishable: frozenset[int]
    may_correct: bool


def closed_year_minutes(ctx: Context, council_id: str, fiscal_year: int) -> ClosedYearMinutes:
    """A closed year's minutes for its page, read in one transaction that only reads."""
    person = ctx.principal.person_id

    def read(session: Session) -> ClosedYearMinutes:
        year = year_minutes(session, council_id, fiscal_year)
        chair = person is not None and Role.CHAIR in _roles(session, person, council_id)
        publishable: frozenset[int] = frozenset()
        if chair and year is not None and year.step is Step.CLOSED:
            publishable = frozenset(n for n, _ in unpublished_in(year))
        return ClosedYearMinutes(year, publishable, chair)

    return ctx.read(read)


def actor_of(ctx: Context) -> str:
    """The person a console request or a CLI run acts as."""
    if ctx.principal.person_id is None:
        raise AppError("actor_needed")
    return ctx.principal.person_id

"""A council's cycle as a signed-in person reads it in the console, as a use case: the
council must be theirs (the same "no" as for an unknown one), the state comes from the
cycle, names and the volunteer registry from the store, what they may do from the rules;
the personal data the page will show (closed minutes, volunteers' contacts) is recorded
in the access audit, one row each."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.orm import Session

from application import audit, cycles
from application.console_reads import council_scope, cycle_people
from application.context import Context
from application.permissions import (
    allowed_commands,
    may_read_closed_minutes,
    may_read_contacts,
)
from domain.base import Role
from domain.model import CycleState
from domain.rules import task_actions
from store.volunteers import VolunteerRow


@dataclass(frozen=True)
class CycleRead:
    """What the asker may see of a cycle and do in it."""

    council_name: str
    state: CycleState
    roles: frozenset[Role]
    allowed: frozenset[str]
    names: dict[str, str]
    closed_minutes: bool
    contacts: bool
    volunteers: list[VolunteerRow]
    task_actions: dict[str, frozenset[str]]


def cycle_target(council_id: str, year: int) -> str:
    """The audit target of a council's cycle of ``year``; the parts are below it."""
    return f"councils/{council_id}/cycles/{year}"


def record_read(ctx: Context, target: str, via: str) -> None:
    """Record that the asker is shown the personal data ``target`` names, on ``via``."""
    action = audit.AuditAction.READ_PERSONAL_DATA
    detail = {"via": via[:200]}
    ctx.unit_of_work(
        lambda session: audit.record_in(session, ctx.principal.actor, action, target, detail)
    )


async def read_cycle(ctx: Context, council_id: str, year: int, via: str) -> CycleRead | None:
    """The cycle of ``council_id`` in ``year`` as the asker may see it, shown on the page
    ``via``; ``None`` when the council is not theirs or has no cycle that year."""
    viewer = ctx.principal.viewer
    person = ctx.principal.person_id
    if viewer is None or person is None:
        return None
    scope = await asyncio.to_thread(
        ctx.unit_of_work, lambda s: council_scope(s, viewer, council_id)
    )
    if not scope.roles:
        return None
    try:
        state = await cycles.state(await ctx.temporal(), council_id, year, answer_within=10)
    except (cycles.CycleNotStarted, cycles.CycleFailed):
        return None

    def people(session: Session) -> tuple[dict[str, str], list[VolunteerRow]]:
        return cycle_people(session, state)

    names, registry = await asyncio.to_thread(ctx.unit_of_work, people)
    allowed = allowed_commands(state, person)
    read = CycleRead(
        council_name=scope.council_name,
        state=state,
        roles=scope.roles,
        allowed=allowed,
        names=names,
        closed_minutes=may_read_closed_minutes(scope.roles),
        contacts=may_read_contacts(scope.roles),
        volunteers=registry,
        task_actions={t.task_id: task_actions(state, person, t) for t in state.tasks},
    )
    target = cycle_target(council_id, year)
    if read.closed_minutes and any(m.minutes_closed for m in state.meetings):
        await asyncio.to_thread(record_read, ctx, target + "/closed-minutes", via)
    if read.contacts and any(v.contact for v in registry):
        await asyncio.to_thread(record_read, ctx, target + "/volunteers", via)
    return read

"""A council's cycle as a signed-in person reads it in the console, as a use case: the
council must be theirs (the same "no" as for an unknown one), the state comes from the
store (``application.stored_cycles``: no workflow query, so a page never waits on the
worker; the workflow is asked only when the store cannot tell), names and the volunteer
registry from the store, what they may do from the rules; the personal data the page
will show (closed minutes, volunteers' contacts) is recorded in the access audit, one row
each, in the same transaction as the read."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from application import audit, cycles
from application.console_reads import CouncilScope, council_scope, cycle_people
from application.context import Context
from application.permissions import (
    allowed_commands,
    may_read_closed_minutes,
    may_read_contacts,
)
from application.restore import RestoreFailed
from application.stored_cycles import StoredState, keep_state, stored_state
from domain.base import Role
from domain.model import CycleState
from domain.rules import offered_commands, task_actions
from store.cycle_snapshots import stored_cycle_id
from store.volunteers import VolunteerRow

_LOG = logging.getLogger(__name__)


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
    # Commands the cycle accepted that the state shown does not include yet (they are
    # still being recorded in the store); 0 when the page is up to date.
    recording: int = 0


#: Names for the cycle's ids, and the volunteer registry (``cycle_people``).
People = tuple[dict[str, str], list[VolunteerRow]]


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


async def read_cycle(
    ctx: Context, council_id: str, year: int, via: str, seen: int = 0
) -> CycleRead | None:
    """The cycle of ``council_id`` in ``year`` as the asker may see it, shown on the page
    ``via``; ``None`` when the council is not theirs or has no cycle that year. ``seen``
    is the number of the last command the asker was answered for (its receipt): when the
    store does not include it yet, the read says so (``recording``)."""
    viewer = ctx.principal.viewer
    person = ctx.principal.person_id
    if viewer is None or person is None:
        return None
    now = ctx.now()

    target = cycle_target(council_id, year)
    actor, action = ctx.principal.actor, audit.AuditAction.READ_PERSONAL_DATA

    def from_store(session: Session) -> tuple[CouncilScope, StoredState | None, People]:
        # Only reads: a page never queues for the store's write lock behind the worker.
        scope = council_scope(session, viewer, council_id)
        if not scope.roles:
            return scope, None, ({}, [])
        try:
            stored = stored_state(session, council_id, year)
        except RestoreFailed as exc:
            # The rules decide a recorded event differently now: only the workflow knows.
            _LOG.warning("cycle state not rebuilt from the store: %s", exc.message("en"))
            return scope, None, ({}, [])
        if stored is None:
            return scope, None, ({}, [])
        return scope, stored, cycle_people(session, stored.state)

    scope, stored, (names, registry) = await asyncio.to_thread(ctx.read, from_store)
    if not scope.roles:
        return None
    if stored is not None:
        state = stored.state
        recording = max(stored.recording, seen - stored.seq, 0)
    else:
        # Not in the store yet (the cycle is opening) or not rebuildable: the workflow.
        try:
            state = await cycles.state(await ctx.temporal(), council_id, year, answer_within=10)
        except (cycles.CycleNotStarted, cycles.CycleFailed):
            return None
        names, registry = await asyncio.to_thread(
            ctx.read, lambda session: cycle_people(session, state)
        )
        recording = 0
    # What the page will show of personal data is recorded in the access audit, and the
    # rebuilt state kept when worth it: one write, and only when there is something.
    detail = {"via": via[:200]}
    reads = []
    if may_read_closed_minutes(scope.roles) and any(m.minutes_closed for m in state.meetings):
        reads.append(target + "/closed-minutes")
    if may_read_contacts(scope.roles) and any(v.contact for v in registry):
        reads.append(target + "/volunteers")
    keep = stored if stored is not None and stored.worth_keeping else None
    if reads or keep is not None:

        def write(session: Session) -> None:
            for read_target in reads:
                audit.record_in(session, actor, action, read_target, detail)
            if keep is not None:
                keep_state(session, keep, now)

        await asyncio.to_thread(ctx.unit_of_work, write)
    offered = offered_commands(state, person)
    allowed = allowed_commands(state, person, offered)
    return CycleRead(
        council_name=scope.council_name,
        state=state,
        roles=scope.roles,
        allowed=allowed,
        names=names,
        closed_minutes=may_read_closed_minutes(scope.roles),
        contacts=may_read_contacts(scope.roles),
        volunteers=registry,
        task_actions={t.task_id: task_actions(state, person, t, offered) for t in state.tasks},
        recording=recording,
    )


async def stored_states(ctx: Context, years: dict[str, int]) -> dict[str, CycleState]:
    """Each council's cycle of the year given, as the store holds it (one transaction,
    no workflow query); a cycle the store cannot give (not recorded yet, or not
    rebuildable) is left out."""
    now = ctx.now()

    def read(session: Session) -> dict[str, StoredState]:
        found: dict[str, StoredState] = {}
        for council_id, year in years.items():
            try:
                stored = stored_state(session, council_id, year)
            except RestoreFailed as exc:
                _LOG.warning("cycle state not rebuilt from the store: %s", exc.message("en"))
                continue
            if stored is not None:
                found[council_id] = stored
        return found

    found = await asyncio.to_thread(ctx.read, read)
    keep = [stored for stored in found.values() if stored.worth_keeping]
    if keep:

        def write(session: Session) -> None:
            for stored in keep:
                keep_state(session, stored, now)

        await asyncio.to_thread(ctx.unit_of_work, write)
    return {council_id: stored.state for council_id, stored in found.items()}


async def cycle_is_theirs(ctx: Context, council_id: str, year: int) -> bool:
    """Whether the asker may see the council and the store holds its cycle of ``year``:
    what a command's form needs before sending (the rules decide the rest), without
    rebuilding the state. A cycle the store has not recorded yet (opening) is asked of
    the workflow, as ``read_cycle`` does."""
    viewer = ctx.principal.viewer
    if viewer is None:
        return False

    def check(session: Session) -> tuple[bool, bool]:
        if not council_scope(session, viewer, council_id).roles:
            return False, False
        return True, stored_cycle_id(session, council_id, year) is not None

    theirs, recorded = await asyncio.to_thread(ctx.read, check)
    if theirs and not recorded:
        return await read_cycle(ctx, council_id, year, "") is not None
    return theirs

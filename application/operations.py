"""Who may run the cycles and the store, as use cases: each function takes the ``Context``
first, checks the
principal (``application.permissions``) before it reads or changes anything, and gives
the command what it needs (its targets, its rows).

- ``cycle start`` and ``cycle restore``: the board admin of the council's (or the named)
  municipality; the board runs the programme and designates the councils.
- ``doctor``: with ``--municipality`` its board admin; over every municipality the local
  operator only.
- ``audit verify``: the local operator or a board admin (row counts only, no content).
- ``cycle status``: a role on the council; closed minutes to its members and the board.
- A cycle command (``meeting``, ``vote cast`` …): the person it is sent as must sit on
  the council; ``remind`` (every council of a municipality): the person must be of the
  municipality. The rules still decide which role may give which command (exit 3).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session
from temporalio.client import Client

import store
from application import audit, cycles, doctor, restore, volunteer_requests
from application.context import Context
from application.cycles import StartOutcome
from application.errors import AppError, one_line
from application.permissions import (
    may_read_closed_minutes,
    require_actor_of_municipality,
    require_actor_on_council,
    require_auditor,
    require_board,
    require_board_of_council,
    require_council_reader,
    require_local_operator,
)
from application.restore import RestoreResult
from application.views import StartResult
from contracts.cycle import cycle_workflow_id
from domain.commands import Command
from domain.japan_time import current_fiscal_year
from domain.model import CycleState
from store.audit_anchor import Anchor
from store.recorded_years import held_years, open_cycles_of


def start_targets(ctx: Context, council_id: str | None, municipality_id: str | None) -> list[str]:
    """The councils ``cycle start`` may start for ``who``: the one named (its board's),
    or every council of the municipality (its board's; ``no_councils`` when it has none)."""
    who = ctx.principal

    def check(session: Session) -> list[str]:
        if council_id is not None:
            require_board_of_council(session, who, council_id)
            return [council_id]
        assert municipality_id is not None
        require_board(session, who, municipality_id)
        found = store.council_ids(session, municipality_id)
        if not found:
            raise AppError("no_councils", municipality=municipality_id)
        return found

    return ctx.unit_of_work(check)


def restore_targets(
    ctx: Context,
    council_id: str | None,
    municipality_id: str | None,
    fiscal_year: int | None,
    current_year: int,
) -> list[tuple[str, int]]:
    """The (council, year) pairs ``cycle restore`` may restore for ``who``."""
    who = ctx.principal

    def check(session: Session) -> list[tuple[str, int]]:
        if council_id is not None:
            require_board_of_council(session, who, council_id)
            return [(council_id, fiscal_year if fiscal_year is not None else current_year)]
        assert municipality_id is not None
        require_board(session, who, municipality_id)
        found = [
            (c, y)
            for c, y in open_cycles_of(session, municipality_id)
            if fiscal_year is None or y == fiscal_year
        ]
        if not found:
            raise AppError("no_councils", municipality=municipality_id)
        return found

    return ctx.unit_of_work(check)


def may_run_doctor(ctx: Context, municipality_id: str | None) -> None:
    """Refuse in one line unless ``who`` may compare (and repair) these cycles."""
    who = ctx.principal
    if municipality_id is None:
        require_local_operator(who)
        return
    ctx.unit_of_work(lambda session: require_board(session, who, municipality_id))


def verify_audit(ctx: Context) -> list[audit.ChainReport]:
    """``audit.verify`` for an auditor (``permissions.require_auditor``)."""
    who = ctx.principal
    require_auditor(who)
    return audit.verify(ctx.config)


def audit_anchors(ctx: Context) -> list[Anchor]:
    """``audit.anchors`` for an auditor (``permissions.require_auditor``)."""
    who = ctx.principal
    require_auditor(who)
    return audit.anchors(ctx.config)


def verify_audit_anchors(ctx: Context, kept: list[Anchor]) -> str | None:
    """``audit.verify_anchors`` for an auditor (``permissions.require_auditor``)."""
    who = ctx.principal
    require_auditor(who)
    return audit.verify_anchors(ctx.config, kept)


def may_read_cycle(ctx: Context, council_id: str) -> bool:
    """Refuse in one line unless the council is ``who``'s to see; whether they may read
    its closed minutes too."""
    who = ctx.principal
    return ctx.unit_of_work(
        lambda s: may_read_closed_minutes(require_council_reader(s, who, council_id))
    )


def cycle_as_seen(
    ctx: Context,
    state: CycleState,
    minutes_allowed: bool,
    command: str,
) -> CycleState:
    """The state as ``who`` may see it: closed minutes blanked for those who may not
    read them; when they are shown, the read is an audit row."""
    who = ctx.principal
    if not any(meeting.minutes_closed for meeting in state.meetings):
        return state
    if minutes_allowed:
        audit.record(
            ctx.config,
            who.actor,
            audit.AuditAction.READ_PERSONAL_DATA,
            f"councils/{state.council_id}/cycles/{state.fiscal_year}/closed-minutes",
            {"command": command},
        )
        return state
    meetings = [meeting.model_copy(update={"minutes_closed": ""}) for meeting in state.meetings]
    return state.model_copy(update={"meetings": meetings})


def may_run_demo(ctx: Context, council_id: str) -> None:
    """The demo speaks for every member of the council: a token that may act on behalf
    (a board admin's so flagged, or the local operator's), of the council's board."""
    who = ctx.principal
    if not who.may_act_on_behalf:
        raise AppError("on_behalf_refused")
    ctx.unit_of_work(lambda session: require_board_of_council(session, who, council_id))


def may_send(ctx: Context, actor_id: str, council_id: str) -> None:
    """Refuse in one line unless the person a cycle command is sent as sits on the
    council (or oversees it)."""
    ctx.unit_of_work(lambda session: require_actor_on_council(session, actor_id, council_id))


def may_remind(ctx: Context, actor_id: str, municipality_id: str) -> None:
    """Refuse in one line unless the person ``remind`` is sent as is of the
    municipality (the rules then refuse anyone but its board, as for every council)."""
    ctx.unit_of_work(
        lambda session: require_actor_of_municipality(session, actor_id, municipality_id),
    )


async def start_cycle_of(
    ctx: Context, client: Client, council_id: str, fiscal_year: int, in_store: set[str] | None
) -> StartResult:
    """Start the council's cycle of the year (a no-op when it runs or ran) and, when it
    started, wait until it has opened: an unknown council is an error here, not a silent
    failure later. The caller checked ``start_targets`` first; ``client`` is shared by the
    councils of one ``cycle start --municipality``."""
    outcome = await cycles.start_cycle(client, ctx.config, council_id, fiscal_year, in_store)
    if outcome is StartOutcome.STARTED:
        await cycles.state(client, council_id, fiscal_year)
    return StartResult(
        council_id=council_id,
        fiscal_year=fiscal_year,
        workflow_id=cycle_workflow_id(council_id, fiscal_year),
        outcome=outcome,
    )


#: How many cycles one start of many councils opens at once.
START_CONCURRENCY = 16


async def start_cycles(
    ctx: Context,
    council_ids: Sequence[str],
    fiscal_year: int,
    on_each: Callable[[], None] | None = None,
) -> tuple[list[StartResult], list[str]]:
    """Start every council's cycle of the year, a few at a time (``cycle start
    --municipality`` and the board's "open the year" page). Each start is idempotent
    (the workflow id is the council and year): starting again starts nothing twice. A
    council that fails does not stop the others; the failures come back, each named with
    its one-line cause, beside the results in the councils' order. ``on_each`` is called
    once per council done (a progress bar). The caller checked ``start_targets`` first."""
    client = await ctx.temporal()
    in_store = await asyncio.to_thread(
        ctx.unit_of_work, lambda session: held_years(session, list(council_ids), fiscal_year)
    )
    gate = asyncio.Semaphore(START_CONCURRENCY)
    failures: list[str] = []
    results: list[StartResult] = []

    async def one(council: str) -> None:
        async with gate:
            try:
                results.append(await start_cycle_of(ctx, client, council, fiscal_year, in_store))
            except Exception as exc:
                # Collected, not swallowed: every failure is named to the caller.
                failures.append(f"{council} ({type(exc).__name__}: {one_line(str(exc))})")
            if on_each is not None:
                on_each()

    await asyncio.gather(*(one(council) for council in council_ids))
    order = {council: i for i, council in enumerate(council_ids)}
    return sorted(results, key=lambda r: order[r.council_id]), sorted(failures)


async def send_command(
    ctx: Context,
    council_id: str,
    fiscal_year: int,
    command: Command,
    command_id: str | None = None,
) -> CycleState:
    """Send ``command`` to the council's cycle under ``command_id`` (a fresh one when
    left out), then read the state. Nothing reaches the cycle from someone who does not
    sit on the council (``may_send``); the rules decide the rest (``CommandRefused``)."""
    may_send(ctx, command.actor, council_id)
    client = await ctx.temporal()
    await cycles.send(client, council_id, fiscal_year, command, command_id=command_id)
    # A cancelled activity's volunteer requests are cancelled too (volunteers told).
    await volunteer_requests.activity_cancelled(ctx, council_id, fiscal_year, command)
    return await cycles.state(client, council_id, fiscal_year)


async def cycle_status(ctx: Context, council_id: str, fiscal_year: int) -> CycleState:
    """The cycle's state as the principal may see it (``cycle status``)."""
    minutes_allowed = may_read_cycle(ctx, council_id)
    state = await cycles.state(await ctx.temporal(), council_id, fiscal_year)
    return cycle_as_seen(ctx, state, minutes_allowed, "cycle status")


async def restore_cycles(
    ctx: Context,
    council_id: str | None,
    municipality_id: str | None,
    fiscal_year: int | None,
) -> list[RestoreResult]:
    """``cycle restore``: start again from the store the cycles the principal may restore
    (``restore_targets``) whose Temporal data was lost; one the engine has is left alone."""
    targets = restore_targets(
        ctx, council_id, municipality_id, fiscal_year, current_fiscal_year(ctx.now())
    )
    return await restore.restore_many(await ctx.temporal(), ctx.config, targets)


async def run_doctor(
    ctx: Context, municipality_id: str | None, include_closed: bool, repair: bool
) -> doctor.Checkup:
    """``doctor``: compare the store's projections with the cycles (and with ``repair``
    rewrite them), for those the principal may check (``may_run_doctor``)."""
    may_run_doctor(ctx, municipality_id)
    client = await ctx.temporal()
    return await doctor.check(client, ctx.config, municipality_id, include_closed, repair)


def remind_targets(ctx: Context, actor_id: str, municipality_id: str) -> list[str]:
    """The councils ``remind`` goes to: every council of the municipality, when the
    person it is sent as is of it (``may_remind``); ``no_councils`` when it has none."""
    may_remind(ctx, actor_id, municipality_id)
    found = ctx.unit_of_work(lambda session: store.council_ids(session, municipality_id))
    if not found:
        raise AppError("no_councils", municipality=municipality_id)
    return found

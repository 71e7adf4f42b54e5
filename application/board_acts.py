"""What a board admin does from the dashboard: remind every council waiting at a step
(after seeing how many it will reach), move a due date, pause and resume a cycle; and a
council's history as a timeline linked to its Temporal runs.

Each act is the cycle's own update (``application.cycles.send``), so its rules decide and
the act is in the cycle's history; ``actor`` is the signed-in board admin, decided by the
server. The CLI's ``remind`` (starter/commands/remind.py) calls the same
``remind_councils``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session
from temporalio.client import Client

import store
from application import cycles
from application.context import Context
from application.cycles import CommandRefused, CycleNotStarted
from application.errors import AppError, one_line
from application.permissions import require_board
from domain.base import STEP_OWNERS, Step
from domain.commands import PauseCycleInput, RemindInput, ResumeCycleInput, SetDeadlineInput
from domain.events import Change, CommandReceipt
from domain.refusals import ACTION_NAMES, Lang
from store.dashboard import RemindReach, event_runs, remind_reach
from store.notifications import hand_sent_reminder_receipts

#: Refusals that mean "nothing to remind here" (the CLI's ``remind`` skips the same).
SKIPPED = frozenset({"not_at_step", "already_reminded", "paused", "cycle_closed"})
#: Councils reminded at the same time.
CONCURRENCY = 16


def remind_preview(
    session: Session, municipality_id: str, fiscal_year: int, step: Step, now: datetime
) -> RemindReach:
    """How many councils (and people) a reminder at ``step`` would reach now, before it
    is sent; the page asks for confirmation with these numbers."""
    return remind_reach(session, municipality_id, fiscal_year, step, now)


class RemindOutcome(BaseModel):
    """What reminding one council did (the CLI's ``remind --json`` prints a list of these)."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    outcome: Literal["sent", "skipped", "not_started"]
    #: People reminded (the step's owners on the cycle's roster); 0 unless sent.
    recipients: int = 0
    #: Why it was skipped: the refusal code and its one-line message (in ``lang``).
    reason_code: str | None = None
    reason: str | None = None


class RemindReport(BaseModel):
    """Every council's outcome, in the order asked, and the councils that failed for
    another reason (each named with its one-line cause: collected, never swallowed)."""

    model_config = ConfigDict(frozen=True)

    outcomes: tuple[RemindOutcome, ...]
    failures: tuple[str, ...] = ()


async def remind_councils(
    client: Client,
    council_ids: Sequence[str],
    fiscal_year: int,
    actor: str,
    step: Step,
    *,
    lang: Lang = "ja",
    on_each: Callable[[], None] | None = None,
) -> RemindReport:
    """Send the ``remind`` update to each council (a few at a time), for the CLI's
    ``remind`` and the board's dashboard alike.

    The first council goes alone: a refusal that is not a skip (a person who is not a
    board admin) would be the same for every council, and is raised there, before any
    other council is tried. Councils the rules skip are reported as skipped; any other
    failure is collected in ``failures`` after every council was tried. ``on_each`` is
    called once per council done (a progress bar)."""
    if not council_ids:
        return RemindReport(outcomes=())
    command = RemindInput(actor=actor, step=step)
    first = council_ids[0]
    results = {first: await _remind_one(client, first, fiscal_year, command, lang)}
    if on_each is not None:
        on_each()
    gate = asyncio.Semaphore(CONCURRENCY)
    failures: list[str] = []

    async def one(council: str) -> None:
        async with gate:
            try:
                results[council] = await _remind_one(client, council, fiscal_year, command, lang)
            except Exception as exc:
                # Collected, not swallowed: every failure is named in the report.
                failures.append(f"{council} ({type(exc).__name__}: {one_line(str(exc))})")
            if on_each is not None:
                on_each()

    await asyncio.gather(*(one(council) for council in council_ids[1:]))
    return RemindReport(
        outcomes=tuple(results[c] for c in council_ids if c in results),
        failures=tuple(sorted(failures)),
    )


async def _remind_one(
    client: Client, council: str, fiscal_year: int, command: RemindInput, lang: Lang
) -> RemindOutcome:
    try:
        await cycles.send(client, council, fiscal_year, command)
    except CycleNotStarted:
        return RemindOutcome(council_id=council, fiscal_year=fiscal_year, outcome="not_started")
    except CommandRefused as refusal:
        if refusal.code not in SKIPPED:
            raise
        return RemindOutcome(
            council_id=council,
            fiscal_year=fiscal_year,
            outcome="skipped",
            reason_code=refusal.code,
            reason=refusal.message(lang),
        )
    # The roster as the cycle knows it: the receipt is small and carries no roster.
    state = await cycles.state(client, council, fiscal_year)
    owners = state.roster.holders_of(*STEP_OWNERS[command.step])
    return RemindOutcome(
        council_id=council, fiscal_year=fiscal_year, outcome="sent", recipients=len(owners)
    )


def remind_reach_now(
    ctx: Context, municipality_id: str, fiscal_year: int, step: Step
) -> RemindReach:
    """How many councils (and people) a reminder at ``step`` would reach now, for the
    municipality's board admin (asked before it is sent, and again when it is)."""

    def read(session: Session) -> RemindReach:
        require_board(session, ctx.principal, municipality_id)
        return remind_reach(session, municipality_id, fiscal_year, step, ctx.now())

    return ctx.unit_of_work(read)


class ReminderReceipt(BaseModel):
    """One person the board's hand-sent reminders at a step reached, and when they first
    read one (``None``: not yet), as the call page shows its readers."""

    model_config = ConfigDict(frozen=True)

    name: str
    read_at: datetime | None


def remind_receipts(
    session: Session, municipality_id: str, fiscal_year: int, step: Step
) -> list[ReminderReceipt]:
    """Who the hand-sent reminders at ``step`` reached in the municipality's councils
    this year and who has read one (既読 n/m with names), readers first."""
    seen = hand_sent_reminder_receipts(session, municipality_id, fiscal_year, step.value)
    names = store.person_names(session, list(seen))
    receipts = [
        ReminderReceipt(name=names.get(person, ""), read_at=at) for person, at in seen.items()
    ]
    return sorted(
        receipts,
        key=lambda r: (r.read_at is None, r.read_at or datetime.min.replace(tzinfo=UTC), r.name),
    )


def remind_receipts_now(
    ctx: Context, municipality_id: str, fiscal_year: int, step: Step
) -> list[ReminderReceipt]:
    """``remind_receipts`` for the municipality's board admin (the remind page)."""

    def read(session: Session) -> list[ReminderReceipt]:
        require_board(session, ctx.principal, municipality_id)
        return remind_receipts(session, municipality_id, fiscal_year, step)

    return ctx.unit_of_work(read)


async def remind_municipality(
    ctx: Context, municipality_id: str, fiscal_year: int, step: Step
) -> RemindReport:
    """Remind every council of the municipality waiting at ``step`` (those the reach
    counts now), as the board admin who asks; each council's rules decide."""
    actor = ctx.principal.person_id
    if actor is None:
        raise AppError("actor_needed")
    reach = await asyncio.to_thread(remind_reach_now, ctx, municipality_id, fiscal_year, step)
    client = await ctx.temporal()
    return await remind_councils(client, reach.council_ids, fiscal_year, actor, step)


async def move_due_date(
    client: Client, council_id: str, fiscal_year: int, actor: str, step: Step, due: date
) -> CommandReceipt:
    """Move ``step``'s due date; the cycle's reminders follow the new date."""
    return await cycles.send(
        client, council_id, fiscal_year, SetDeadlineInput(actor=actor, step=step, due=due)
    )


async def pause(
    client: Client, council_id: str, fiscal_year: int, actor: str, reason: str
) -> CommandReceipt:
    """Pause the cycle with a reason everyone on the council is told."""
    return await cycles.send(
        client, council_id, fiscal_year, PauseCycleInput(actor=actor, reason=reason)
    )


async def resume(client: Client, council_id: str, fiscal_year: int, actor: str) -> CommandReceipt:
    """Resume a paused cycle; pending due dates move by the time paused."""
    return await cycles.send(client, council_id, fiscal_year, ResumeCycleInput(actor=actor))


# --- history as a timeline ----------------------------------------------------------


class TimelineEntry(BaseModel):
    """One event of a council's history: who, what, when, old → new, and its run."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: datetime
    actor: str
    actor_name: str
    action: str
    action_ja: str
    step_before: Step
    step_after: Step
    changes: tuple[Change, ...]
    workflow_id: str
    run_id: str
    #: The run in the Temporal Web UI, for IT staff.
    temporal_link: str


def temporal_ui_link(ui_url: str, workflow_id: str, run_id: str, namespace: str = "default") -> str:
    """The Temporal Web UI page of one workflow run (``TEMPORAL_UI_URL``). The workflow
    id carries slashes (``council-cycle/<council>/<year>``): it is one path segment."""
    return (
        f"{ui_url.rstrip('/')}/namespaces/{quote(namespace, safe='')}/workflows/"
        f"{quote(workflow_id, safe='')}/{quote(run_id, safe='')}"
    )


def timeline(
    session: Session, council_id: str, fiscal_year: int, ui_url: str, namespace: str = "default"
) -> list[TimelineEntry]:
    """The council's history of ``fiscal_year`` in order, each event with its run and
    link. ``store.NotFound`` for an unknown council."""
    rows = store.history(session, council_id, fiscal_year)
    runs = event_runs(session, council_id, fiscal_year)
    names = store.person_names(session, sorted({row.actor for row in rows}))
    entries = []
    for row in rows:
        run = runs[row.seq]
        entries.append(
            TimelineEntry(
                seq=row.seq,
                at=row.at,
                actor=row.actor,
                # The system actor (deadline alerts) has no name in the directory.
                actor_name=names.get(row.actor, "システム" if row.actor == "system" else row.actor),
                action=row.action,
                action_ja=ACTION_NAMES.name(row.action, "ja"),
                step_before=row.step_before,
                step_after=row.step_after,
                changes=row.changes,
                workflow_id=run.workflow_id,
                run_id=run.run_id,
                temporal_link=temporal_ui_link(ui_url, run.workflow_id, run.run_id, namespace),
            )
        )
    return entries

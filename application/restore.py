"""Restore a cycle from the store after its Temporal data was lost.

The SQL store is the system of record: it keeps what each cycle opened with (set-up,
carried-over findings, the time) and every accepted command whole, in order. The state is
rebuilt by applying those commands again through the rules (``rebuild_state``, a pure
function), checking at each one that the rules decide exactly what was recorded. The
workflow is then started again with that state (``CycleInput.restored``) and carries on:
its next event is numbered after the last recorded one, because the rebuilt state counts
the accepted commands, so the audit trail continues without a gap or a collision and each
row names the run (``run_id``) that accepted it.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from application.cycles import ERRORS, CycleError, state
from application.errors import AppError
from application.records import with_session
from config import Settings
from contracts.cycle import WORKFLOW_NAME, CycleInput, cycle_workflow_id
from domain.commands import Command
from domain.model import CycleState, Step
from domain.refusals import Lang, Refusal
from domain.rules import findings_for_next_year, new_cycle, redo
from store.recorded_years import RecordedEvent, RecordedYear, open_cycles_of, recorded_year

_COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


class RestoreOutcome(StrEnum):
    """What ``restore_cycle`` did."""

    RESTORED = "restored"
    # The engine still has the cycle: nothing was lost, nothing is done.
    ENGINE_HAS_IT = "engine_has_it"
    # The store holds the year as closed (and its next year): nothing left to run.
    CLOSED = "closed"
    # The year is closed but its next year was lost with the engine before the store
    # recorded it: next year opened again, with this year's findings carried over.
    NEXT_YEAR_OPENED = "next_year_opened"


class RestoreResult(BaseModel):
    """One cycle's restore, as ``cycle restore --json`` prints it."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    outcome: RestoreOutcome


class RestoreFailed(CycleError):
    """The recorded year cannot be rebuilt faithfully; nothing was started."""

    def __init__(self, council_id: str, fiscal_year: int, seq: int, reason: str) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        self.seq = seq
        self.reason = reason
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text(
            "restore_failed",
            lang,
            council_id=self.council_id,
            fiscal_year=self.fiscal_year,
            seq=self.seq,
            reason=self.reason,
        )


def rebuild_state(year: RecordedYear) -> CycleState:
    """The cycle's state after every recorded command, rebuilt through the rules.

    Pure: the same recorded year always gives the same state. Raises ``RestoreFailed``
    when an event is missing (a gap in the numbers) or when the rules, applied again,
    do not decide exactly what was recorded (a changed rule, a changed record).
    """
    current = new_cycle(
        year.council_id,
        year.fiscal_year,
        year.setup.roster,
        year.started_at,
        vote_rule=year.setup.vote_rule,
        carried_over=list(year.carried_over),
        deadline_rules=year.setup.deadline_rules,
        rule_changes=year.setup.rule_changes,
    )
    for expected, row in enumerate(year.events, start=1):
        if row.seq != expected:
            raise RestoreFailed(year.council_id, year.fiscal_year, expected, "missing")
        current = redo_recorded(current, row)
    return current


def redo_recorded(current: CycleState, row: RecordedEvent) -> CycleState:
    """The state after the recorded event ``row`` (the next one after ``current``),
    applied again through the rules. ``RestoreFailed`` when the rules now refuse it or
    decide it differently from what was recorded."""

    def failed(reason: str) -> RestoreFailed:
        return RestoreFailed(current.council_id, current.fiscal_year, row.seq, reason)

    try:
        command = _COMMAND.validate_python(row.command)
        decision = redo(current, command, row.at)
    except ValidationError as exc:
        raise failed(f"unreadable command ({exc.error_count()} errors)") from exc
    except Refusal as refusal:
        raise failed(f"refused again: {refusal.code}") from refusal
    event = decision.event
    changes = [c.model_dump(mode="json") for c in event.changes]
    if (event.action, event.step_after, changes) != (row.action, row.step_after, row.changes):
        raise failed(f"the rules now decide {event.action} differently")
    return decision.state


async def restore_cycle(
    client: Client, settings: Settings, council_id: str, fiscal_year: int
) -> RestoreOutcome:
    """Start the council's cycle of ``fiscal_year`` again from the state rebuilt out of
    the store, and wait until it answers. Leaves a cycle the engine still has alone."""
    year = await asyncio.to_thread(
        with_session, settings, lambda session: recorded_year(session, council_id, fiscal_year)
    )
    rebuilt = rebuild_state(year)
    if rebuilt.step is Step.CLOSED:
        if year.next_year_recorded:
            return RestoreOutcome.CLOSED
        # What closing the year would have opened: next year, with the findings.
        opened = CycleInput(
            council_id=council_id,
            fiscal_year=fiscal_year + 1,
            carried_over=tuple(findings_for_next_year(rebuilt)),
        )
        if not await _start(client, settings, opened):
            return RestoreOutcome.ENGINE_HAS_IT
        await state(client, council_id, fiscal_year + 1)
        return RestoreOutcome.NEXT_YEAR_OPENED
    restored = CycleInput(
        council_id=council_id,
        fiscal_year=fiscal_year,
        carried_over=tuple(rebuilt.carried_over),
        restored=rebuilt,
    )
    if not await _start(client, settings, restored):
        return RestoreOutcome.ENGINE_HAS_IT
    await state(client, council_id, fiscal_year)
    return RestoreOutcome.RESTORED


async def _start(client: Client, settings: Settings, data: CycleInput) -> bool:
    """Start the cycle workflow for ``data``; False when the engine has it already."""
    try:
        await client.start_workflow(
            WORKFLOW_NAME,
            data,
            id=cycle_workflow_id(data.council_id, data.fiscal_year),
            task_queue=settings.task_queue,
            # A run that failed or was terminated may be replaced; a live or completed
            # one never is.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


class RestoresFailed(CycleError):
    """Some cycles of a municipality could not be restored (the others were)."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``, naming each council that failed."""
        details = "; ".join(self.failures)
        return ERRORS.text("restores_failed", lang, count=len(self.failures), details=details)


async def restore_many(
    client: Client, settings: Settings, targets: list[tuple[str, int]]
) -> list[RestoreResult]:
    """Restore each (council, year) in turn. One that fails does not stop the others;
    the failures are raised together at the end (``RestoresFailed``), after every other
    cycle was restored."""
    results: list[RestoreResult] = []
    failures: list[str] = []
    for council_id, fiscal_year in targets:
        try:
            outcome = await restore_cycle(client, settings, council_id, fiscal_year)
        except (CycleError, AppError) as exc:
            failures.append(f"{council_id} {fiscal_year} ({exc.message('en')})")
            continue
        results.append(
            RestoreResult(council_id=council_id, fiscal_year=fiscal_year, outcome=outcome)
        )
    if failures:
        raise RestoresFailed(failures)
    return results


def open_cycles(settings: Settings, municipality_id: str) -> list[tuple[str, int]]:
    """(council, year) of every cycle of the municipality the store holds as open."""
    return with_session(settings, lambda session: open_cycles_of(session, municipality_id))

"""What one council does in the benchmark, and how much Temporal work that is.

The command sequence is the one full-year scenario (``domain.scenario``), shortest form
(no rejected vote). ``shape`` counts, by
running the pure rules, the updates and activities the engine really executes for it, so
that the baseline workflow can do exactly the same number of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bench.population import council_id, roster
from domain.commands import Command
from domain.japan_time import current_fiscal_year, japan_date
from domain.model import Step
from domain.oversight import pending_alert
from domain.rules import execute, new_cycle, step_opened_notices
from domain.scenario import Year, full_year


def bench_fiscal_year(now: datetime) -> int:
    """The fiscal year after the current one: every deadline lies ahead, so no alert fires
    during the run and the engine does only what the commands ask."""
    return current_fiscal_year(now) + 1


def advance_commands(index: int, fiscal_year: int) -> list[Command]:
    """Discuss → approve: the scenario's meeting with the vision, then the chair closes
    discussion."""
    return list(_year(index, fiscal_year, None).of(Step.DISCUSS))


def cycle_commands(index: int, fiscal_year: int, today: date | None = None) -> list[Command]:
    """Every command of one full six-step cycle, discuss to the close of evaluate: the one
    full-year scenario (``domain.scenario``) with the policy passed at once, the shortest.
    Activities are held no later than ``today`` (Japan; default: now), and cancelled in a
    year whose window has not begun (the bench runs next year's cycle, so that no deadline
    alert fires): the same one update and one recording each."""
    return _year(index, fiscal_year, today or japan_date(now_utc())).commands()


def _year(index: int, fiscal_year: int, today: date | None) -> Year:
    return full_year(roster(index), fiscal_year, today=today, rejected_first=False)


@dataclass(frozen=True)
class Shape:
    """The Temporal work of one cycle: notify activities when it opens, and per update
    (each also records its event: one activity) the notify activities it starts."""

    opening_notices: int
    notices_per_update: tuple[int, ...]
    closes: bool

    @property
    def updates(self) -> int:
        """Updates sent to the workflow."""
        return len(self.notices_per_update)

    @property
    def activities(self) -> int:
        """Activities scheduled by the workflow: load, record opened, one record per
        update, and every notify."""
        return 2 + self.updates + self.opening_notices + sum(self.notices_per_update)


def shape(index: int, commands: list[Command], fiscal_year: int, now: datetime) -> Shape:
    """Run ``commands`` through the pure rules and count what the engine will execute.
    Refuses a plan under which a deadline alert would fire (the baseline has none)."""
    state = new_cycle(council_id(index), fiscal_year, roster(index), now)
    opening = sum(1 for n in step_opened_notices(state) if n.recipients)
    per_update: list[int] = []
    for command in commands:
        alert = pending_alert(state)
        if alert is not None and alert.at <= now:
            raise ValueError(f"deadline alert {alert.key} would fire; pick a later fiscal year")
        decision = execute(state, command, now)
        state = decision.state
        per_update.append(sum(1 for n in decision.event.notices if n.recipients))
    return Shape(opening, tuple(per_update), closes=state.step is Step.CLOSED)


def now_utc() -> datetime:
    """The wall clock, aware."""
    return datetime.now(UTC)

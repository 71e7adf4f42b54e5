"""What one council does in the benchmark, and how much Temporal work that is.

The command sequence is the shortest full cycle (no rejected vote). ``shape`` counts, by
running the pure rules, the updates and activities the engine really executes for it, so
that the baseline workflow can do exactly the same number of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bench.population import council_id, member_id, roster
from domain.commands import (
    CancelActivityInput,
    CastVoteInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteTaskInput,
    EvaluateAimInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.japan_time import JAPAN, current_fiscal_year
from domain.model import Aim, AimRating, Ballot, PlannedActivity, Step
from domain.oversight import pending_alert
from domain.rules import execute, new_cycle, step_opened_notices
from domain.sanity import year_window
from domain.tasks import CancelReason


def bench_fiscal_year(now: datetime) -> int:
    """The fiscal year after the current one: every deadline lies ahead, so no alert fires
    during the run and the engine does only what the commands ask."""
    return current_fiscal_year(now) + 1


def advance_commands(index: int, fiscal_year: int) -> list[Command]:
    """Discuss → approve: a meeting with the vision, then the chair closes discussion."""
    return [
        RecordMeetingInput(
            actor=member_id(index, "coord"),
            held_on=date(fiscal_year, 4, 18),
            attendance=tuple(member_id(index, s) for s in ("chair", "m1", "m2", "principal")),
            minutes_public="目指す子ども像について熟議した",
            vision_draft="ふるさとを誇り、自ら学ぶ子ども",
        ),
        CloseDiscussionInput(actor=member_id(index, "chair")),
    ]


#: The default checklists of the two planned activities (``domain.tasks``): coordinate
#: closes by itself when the last of these is completed.
TASK_IDS = ("reading-t1", "reading-t2", "reading-t3", "patrol-t1", "patrol-t2")


def cycle_commands(index: int, fiscal_year: int, today: date | None = None) -> list[Command]:
    """Every command of one full six-step cycle, discuss to the close of evaluate.
    Activities are recorded as held ``today`` (JST): a record may not lie in the future."""
    chair, coord = member_id(index, "chair"), member_id(index, "coord")
    held_on = today or now_utc().astimezone(JAPAN).date()
    plan = (
        PlannedActivity(
            activity_id="reading",
            title="読み聞かせ",
            kind="reading",
            planned_on=date(fiscal_year, 6, 10),
            aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
        ),
        PlannedActivity(
            activity_id="patrol",
            title="登下校見守り",
            kind="patrol",
            planned_on=date(fiscal_year, 5, 1),
            aims=(Aim(aim_id="patrol-1", text="安全な登下校"), Aim(aim_id="patrol-2", text="挨拶")),
        ),
    )
    return [
        *advance_commands(index, fiscal_year),
        SubmitPolicyInput(actor=member_id(index, "principal"), text="基本方針"),
        *[
            CastVoteInput(actor=member_id(index, s), ballot=Ballot.APPROVE)
            for s in ("chair", "m1", "m2", "m3")
        ],
        CloseVoteInput(actor=chair),
        SubmitPlanInput(actor=coord, activities=plan),
        *[CompleteTaskInput(actor=coord, task_id=t, outcome="手配済み") for t in TASK_IDS],
        *_act(coord, fiscal_year, held_on),
        EvaluateAimInput(actor=chair, aim_id="reading-1", rating=AimRating.MET),
        EvaluateAimInput(actor=chair, aim_id="patrol-1", rating=AimRating.PARTLY),
        EvaluateAimInput(actor=chair, aim_id="patrol-2", rating=AimRating.NOT_MET),
        CloseCycleInput(actor=chair),
    ]


def _act(coord: str, fiscal_year: int, today: date) -> list[Command]:
    """Both activities recorded as held ``today`` when today lies in the fiscal year's
    window; otherwise (the bench runs next year's cycle, whose window has not begun, so
    that no deadline alert fires) recorded as cancelled, which takes the same one update
    and one recording each."""
    earliest, latest = year_window(fiscal_year)
    if earliest <= today <= latest:
        return [
            RecordActivityInput(actor=coord, activity_id="reading", held_on=today, children=24),
            RecordActivityInput(actor=coord, activity_id="patrol", held_on=today, children=80),
        ]
    return [
        CancelActivityInput(actor=coord, activity_id=activity, reason=CancelReason.OTHER)
        for activity in ("reading", "patrol")
    ]


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

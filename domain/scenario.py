"""One council's full year as the list of its commands: the one scenario that the workflow
tests (and the replay histories they record), the benchmark and ``starter demo`` all run.

Pure: it reads a roster and the year, never a clock or the store. The year goes
discuss → approve → plan → coordinate → act → evaluate → closed:

- a meeting with the vision (recorded by the coordinator, a majority of the voters and the
  principal present), then the chair closes the discussion;
- a policy rejected once by a majority of the members, revised and passed by everyone
  (``rejected_first=False``: passed at once);
- the plan; every task completed by its owner, the last one waived by the chief
  coordinator when the council has one (a step-closing waiver);
- every activity recorded as held on its day, the last one (of two or more) cancelled for
  the weather; given ``today``, an activity is held no later than today, and cancelled when
  that day lies outside the fiscal year's window (a year that has not begun);
- every aim evaluated (met, partly, not met in turn), and the chair closes the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import cycle

from domain.base import Role, Step
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
    WaiveTaskInput,
)
from domain.model import Aim, AimRating, Ballot, PlannedActivity, RoleAssignment, Roster
from domain.sanity import year_window
from domain.task_rules import planned_tasks
from domain.tasks import CancelReason

#: The order aims are rated in, round and round.
RATINGS = (AimRating.MET, AimRating.PARTLY, AimRating.NOT_MET)


class MissingHolder(ValueError):
    """The roster has nobody in a role the year needs (chair, principal, coordinator)."""

    def __init__(self, role: Role) -> None:
        super().__init__(f"nobody holds the role {role.value}")
        self.role = role


@dataclass(frozen=True)
class Cast:
    """Who does what in the year, read from the roster: the first holder of each role."""

    chair: str
    principal: str
    coordinator: str
    voters: tuple[str, ...]
    #: The chief coordinator, who waives a task; ``None`` when the roster has none.
    overseer: str | None

    @classmethod
    def of(cls, roster: Roster) -> Cast:
        """The cast of ``roster``; ``MissingHolder`` when a needed role is empty."""

        def first(role: Role) -> str:
            holders = roster.holders_of(role)
            if not holders:
                raise MissingHolder(role)
            return holders[0]

        chiefs = roster.holders_of(Role.CHIEF_COORDINATOR)
        return cls(
            chair=first(Role.CHAIR),
            principal=first(Role.PRINCIPAL),
            coordinator=first(Role.COORDINATOR),
            voters=roster.voters(),
            overseer=chiefs[0] if chiefs else None,
        )

    @property
    def quorum(self) -> tuple[str, ...]:
        """A majority of the voters, in roster order."""
        return self.voters[: len(self.voters) // 2 + 1]


@dataclass(frozen=True)
class Texts:
    """The free texts of the year (Japanese by default; the demo passes its language's)."""

    minutes_public: str = "目指す子ども像について熟議した"
    minutes_closed: str = "個別の支援について（非公開）"
    vision: str = "ふるさとを誇り、自ら学ぶ子ども"
    first_policy: str = "基本方針 第1版"
    rejection: str = "地域の視点が足りない"
    revised_policy: str = "基本方針 第2版（地域との協働を追記）"
    task_done: str = "手配済み"
    waiver: str = "保険は学校で加入済み"
    held_notes: str = ""
    cancel_notes: str = ""
    #: The comment written with each rating (none for a rating not listed).
    comments: dict[AimRating, str] = field(default_factory=lambda: {AimRating.PARTLY: "人手不足"})


def example_plan(fiscal_year: int) -> tuple[PlannedActivity, ...]:
    """Two activities dated in ``fiscal_year``: a reading session (three default tasks)
    and a school-route patrol (two), with three aims between them."""
    return (
        PlannedActivity(
            activity_id="reading",
            title="読み聞かせ",
            kind="reading",
            planned_on=date(fiscal_year, 6, 10),
            aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
            roles=(RoleAssignment(party="地域学校協働本部", duty="読み手の募集"),),
        ),
        PlannedActivity(
            activity_id="patrol",
            title="登下校見守り",
            kind="patrol",
            planned_on=date(fiscal_year, 5, 1),
            aims=(
                Aim(aim_id="patrol-1", text="安全な登下校"),
                Aim(aim_id="patrol-2", text="挨拶"),
            ),
        ),
    )


@dataclass(frozen=True)
class Year:
    """The commands of a year, step by step (``commands`` gives them in order)."""

    steps: tuple[tuple[Step, tuple[Command, ...]], ...]

    def commands(self) -> list[Command]:
        """Every command of the year, in order."""
        return [command for _, commands in self.steps for command in commands]

    def of(self, step: Step) -> tuple[Command, ...]:
        """The commands sent while the cycle is at ``step``."""
        return next((commands for at, commands in self.steps if at is step), ())


def full_year(
    roster: Roster,
    fiscal_year: int,
    *,
    plan: tuple[PlannedActivity, ...] | None = None,
    today: date | None = None,
    rejected_first: bool = True,
    texts: Texts | None = None,
) -> Year:
    """Every command of the council's ``fiscal_year``, discuss to close (module docstring).
    ``plan`` defaults to ``example_plan``; ``today`` (Japan) keeps records out of the
    future. ``MissingHolder`` when the roster lacks a chair, principal or coordinator."""
    cast, words = Cast.of(roster), texts or Texts()
    activities = plan if plan is not None else example_plan(fiscal_year)
    return Year(
        steps=(
            (Step.DISCUSS, _discuss(cast, fiscal_year, words)),
            (Step.APPROVE, _approve(cast, rejected_first, words)),
            (Step.PLAN, (SubmitPlanInput(actor=cast.coordinator, activities=activities),)),
            (Step.COORDINATE, _coordinate(cast, roster, activities, words)),
            (Step.ACT, _act(cast, fiscal_year, activities, today, words)),
            (Step.EVALUATE, _evaluate(cast, activities, words)),
        )
    )


def _discuss(cast: Cast, fiscal_year: int, words: Texts) -> tuple[Command, ...]:
    return (
        RecordMeetingInput(
            actor=cast.coordinator,
            held_on=date(fiscal_year, 4, 18),
            attendance=(*cast.quorum, cast.principal),
            minutes_public=words.minutes_public,
            minutes_closed=words.minutes_closed,
            vision_draft=words.vision,
        ),
        CloseDiscussionInput(actor=cast.chair),
    )


def _approve(cast: Cast, rejected_first: bool, words: Texts) -> tuple[Command, ...]:
    commands: list[Command] = []
    if rejected_first:
        # Everyone but the chair votes; a majority of them rejects, the first with a reason.
        members = [v for v in cast.voters if v != cast.chair]
        rejecting = len(members) // 2 + 1
        commands.append(SubmitPolicyInput(actor=cast.principal, text=words.first_policy))
        for number, voter in enumerate(members):
            ballot = Ballot.REJECT if number < rejecting else Ballot.APPROVE
            comment = words.rejection if number == 0 else ""
            commands.append(CastVoteInput(actor=voter, ballot=ballot, comment=comment))
        commands.append(CloseVoteInput(actor=cast.chair))
    policy = words.revised_policy if rejected_first else words.first_policy
    commands.append(SubmitPolicyInput(actor=cast.principal, text=policy))
    commands += [CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in cast.voters]
    commands.append(CloseVoteInput(actor=cast.chair))
    return tuple(commands)


def _coordinate(
    cast: Cast, roster: Roster, activities: tuple[PlannedActivity, ...], words: Texts
) -> tuple[Command, ...]:
    tasks = [(ident, owner) for _, ident, _, owner in planned_tasks(roster, activities)]
    commands: list[Command] = [
        CompleteTaskInput(actor=owner or cast.coordinator, task_id=ident, outcome=words.task_done)
        for ident, owner in tasks
    ]
    if cast.overseer is not None and tasks:
        # The last task is waived by the chief coordinator: it closes the step all the same.
        commands[-1] = WaiveTaskInput(
            actor=cast.overseer, task_id=tasks[-1][0], reason=words.waiver
        )
    return tuple(commands)


def _act(
    cast: Cast,
    fiscal_year: int,
    activities: tuple[PlannedActivity, ...],
    today: date | None,
    words: Texts,
) -> tuple[Command, ...]:
    earliest, latest = year_window(fiscal_year)
    commands: list[Command] = []
    for number, activity in enumerate(activities):
        held_on = activity.planned_on if today is None else min(activity.planned_on, today)
        if not earliest <= held_on <= latest:
            # A year that has not begun: nothing can have been held yet.
            commands.append(
                CancelActivityInput(
                    actor=cast.coordinator,
                    activity_id=activity.activity_id,
                    reason=CancelReason.OTHER,
                    notes=words.cancel_notes,
                )
            )
        elif number == len(activities) - 1 and number > 0:
            commands.append(
                CancelActivityInput(
                    actor=cast.coordinator,
                    activity_id=activity.activity_id,
                    reason=CancelReason.WEATHER,
                    notes=words.cancel_notes,
                )
            )
        else:
            commands.append(
                RecordActivityInput(
                    actor=cast.coordinator,
                    activity_id=activity.activity_id,
                    held_on=held_on,
                    children=24 + 6 * number,
                    notes=words.held_notes,
                )
            )
    return tuple(commands)


def _evaluate(
    cast: Cast, activities: tuple[PlannedActivity, ...], words: Texts
) -> tuple[Command, ...]:
    ratings = cycle(RATINGS)
    commands: list[Command] = []
    for aim in (aim for activity in activities for aim in activity.aims):
        rating = next(ratings)
        comment = words.comments.get(rating, "")
        commands.append(
            EvaluateAimInput(actor=cast.chair, aim_id=aim.aim_id, rating=rating, comment=comment)
        )
    commands.append(CloseCycleInput(actor=cast.chair))
    return tuple(commands)

"""Commands to throw at a cycle: the ones likely to move it on, and any at all.

``likely_valid`` lists, for a state, commands a well-meaning council would send next (so
that a random walk gets through every step); ``any_command`` builds any command with any
actor and any values the models allow; ``invalid_payloads`` builds inputs the models do
not allow at all (out of range, over a maximum, missing or unknown fields), sent as raw
JSON because a client built on the models could not even make them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from domain.base import STEP_ORDER
from domain.commands import (
    CancelActivityInput,
    CastVoteInput,
    ClaimTaskInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteStepInput,
    CompleteTaskInput,
    EvaluateAimInput,
    PauseCycleInput,
    ReassignTaskInput,
    RecordActivityInput,
    RecordMeetingInput,
    RemindInput,
    ResumeCycleInput,
    SetDeadlineInput,
    SubmitPlanInput,
    SubmitPolicyInput,
    WaiveTaskInput,
)
from domain.limits import NOTES_MAX, OUTCOME_MAX, REASON_MAX
from domain.model import (
    Aim,
    AimRating,
    Ballot,
    CycleState,
    PlannedActivity,
    PolicyStatus,
    Role,
    Step,
)
from domain.rules import PERMISSIONS
from domain.tasks import CancelReason, PlannedTask

ROSTER = (
    "f-chair",
    "f-m1",
    "f-m2",
    "f-principal",
    "f-coord",
    "f-coord2",
    "f-coord-member",
    "f-chief",
    "f-board",
)
#: Everyone a command may come from: the roster, a person of the municipality who is not
#: on this council, and an id nobody has.
ACTORS = (*ROSTER, "f-outsider", "nobody")
#: The roles each person on the fuzz council's roster holds (tests/fixtures/fuzzcity.yaml).
ROLES: dict[str, frozenset[Role]] = {
    "f-chair": frozenset({Role.CHAIR}),
    "f-m1": frozenset({Role.MEMBER}),
    "f-m2": frozenset({Role.MEMBER}),
    "f-principal": frozenset({Role.PRINCIPAL}),
    "f-coord": frozenset({Role.COORDINATOR}),
    "f-coord2": frozenset({Role.COORDINATOR}),
    "f-coord-member": frozenset({Role.COORDINATOR, Role.MEMBER}),
    "f-chief": frozenset({Role.CHIEF_COORDINATOR}),
    "f-board": frozenset({Role.BOARD_ADMIN}),
}
VOTERS = ("f-chair", "f-m1", "f-m2", "f-coord-member")
COORDINATORS = ("f-coord", "f-coord2", "f-coord-member", "f-chief")

#: The plans, written for fiscal year 2026 (``plans_for`` moves them into a cycle's year:
#: the rules refuse dates outside it). In a past year they may be recorded as held.
PLANS: tuple[tuple[PlannedActivity, ...], ...] = (
    (
        PlannedActivity(
            activity_id="read",
            title="読み聞かせ",
            kind="reading",
            planned_on=date(2026, 6, 10),
            aims=(Aim(aim_id="read-1", text="本に親しむ"), Aim(aim_id="read-2", text="地域")),
        ),
        PlannedActivity(
            activity_id="watch",
            title="登下校見守り",
            kind="patrol",
            planned_on=date(2026, 5, 1),
            aims=(Aim(aim_id="watch-1", text="安全な登下校"),),
        ),
    ),
    (
        PlannedActivity(
            activity_id="fest",
            title="ふるさと祭り",
            kind="event",
            planned_on=date(2026, 9, 20),
            aims=(Aim(aim_id="fest-1", text="地域を知る"),),
            tasks=(
                PlannedTask(title="会場の予約", owner="f-coord2"),
                PlannedTask(title="保険の手配"),
            ),
        ),
    ),
)


def in_year(day: date, fiscal_year: int) -> date:
    """``day``, written for fiscal year 2026, moved into ``fiscal_year``."""
    return day.replace(year=day.year + fiscal_year - 2026)


def plans_for(fiscal_year: int) -> tuple[tuple[PlannedActivity, ...], ...]:
    """``PLANS`` with their dates in ``fiscal_year``."""
    return tuple(
        tuple(a.model_copy(update={"planned_on": in_year(a.planned_on, fiscal_year)}) for a in plan)
        for plan in PLANS
    )


AIM_IDS = ("read-1", "read-2", "watch-1", "fest-1", "no-such-aim")
ACTIVITY_IDS = ("read", "watch", "fest", "no-such-activity")
TASK_IDS = (
    *(f"read-t{n}" for n in (1, 2, 3)),
    *(f"watch-t{n}" for n in (1, 2)),
    *(f"fest-t{n}" for n in (1, 2)),
    "no-such-task",
)
PERSON_STEPS = [s for s in STEP_ORDER if s is not Step.CLOSED]


def likely_valid(state: CycleState) -> list[Command]:
    """Commands that would move ``state`` on, the most useful first (hypothesis starts
    from the first), then ones the board may send at any time."""
    board: list[Command] = [RemindInput(actor="f-board", step=state.step)]
    if state.step is not Step.CLOSED:
        due = date(state.fiscal_year + 1, 3, 1)
        board.append(SetDeadlineInput(actor="f-board", step=state.step, due=due))
    if state.paused is not None:
        return [ResumeCycleInput(actor="f-board"), *board]
    return [*moving_on(state), *board, PauseCycleInput(actor="f-board", reason="台風で休校")]


def moving_on(state: CycleState) -> list[Command]:
    """Commands that move ``state`` towards its next step, the surest first."""
    step = state.step
    if step is Step.DISCUSS:
        meeting = RecordMeetingInput(
            actor="f-coord",
            held_on=in_year(date(2026, 4, 20), state.fiscal_year),
            attendance=("f-chair", "f-m1", "f-principal"),
            minutes_public="熟議",
            vision_draft="ふるさとを誇れる子ども",
        )
        close = CloseDiscussionInput(actor="f-chair")
        return [close, meeting] if state.vision else [meeting, close]
    if step is Step.APPROVE:
        policy = state.current_policy
        if policy is None or policy.status is not PolicyStatus.VOTING:
            return [SubmitPolicyInput(actor="f-principal", text="基本方針")]
        votes: list[Command] = [
            CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS if v not in policy.ballots
        ]
        return [
            *votes,
            CloseVoteInput(actor="f-chair"),
            CastVoteInput(actor="f-m2", ballot=Ballot.REJECT),
        ]
    if step is Step.PLAN:
        return [
            SubmitPlanInput(actor="f-coord", activities=plan)
            for plan in plans_for(state.fiscal_year)
        ]
    if step is Step.COORDINATE:
        found: list[Command] = []
        for task in (t for t in state.tasks if t.is_open):
            owner = task.owner or "f-chief"
            found += [
                CompleteTaskInput(actor=owner, task_id=task.task_id, outcome="手配済み"),
                WaiveTaskInput(actor="f-chief", task_id=task.task_id, reason="不要"),
                ClaimTaskInput(actor=owner, task_id=task.task_id),
                ReassignTaskInput(actor="f-chief", task_id=task.task_id, new_owner="f-coord2"),
            ]
        return found
    if step is Step.ACT:
        found = []
        for activity in state.plan:
            if activity.activity_id in state.activity_records:
                continue
            held: Command = RecordActivityInput(
                actor="f-coord",
                activity_id=activity.activity_id,
                held_on=activity.planned_on,
                children=12,
            )
            cancelled: Command = CancelActivityInput(
                actor="f-coord2", activity_id=activity.activity_id, reason=CancelReason.WEATHER
            )
            # An activity of a year still to come cannot be recorded as held yet.
            past = activity.planned_on <= date.today()
            found += [held, cancelled] if past else [cancelled, held]
        return found
    if step is Step.EVALUATE:
        evaluations: list[Command] = [
            EvaluateAimInput(actor="f-chair", aim_id=aim_id, rating=AimRating.PARTLY)
            for aim_id in state.aims()
            if aim_id not in state.evaluations
        ]
        return [*evaluations, CloseCycleInput(actor="f-chair")]
    return []


# Texts up to the smallest maximum of the fields they go in (a pause's reason); over a
# maximum, a text is an invalid input (``INVALID_PAYLOADS``). Only spaces is one too.
# Control and format characters (NUL, ESC, bidi overrides, line separators) are refused
# at the boundary (domain/text_rules.py): the rules never see them, so neither do we.
# Letters, marks, digits, punctuation and symbols of every script, without spaces: no draw
# is thrown away for being blank (a thrown-away draw costs Hypothesis choices, and a run
# that uses up its choice buffer stops before its 200 commands).
_TEXT = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S")),
    min_size=1,
    max_size=8,
) | st.sampled_from(["熟議", "x" * REASON_MAX])
_ANY_DATE = st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31))


def _dates(fiscal_year: int) -> st.SearchStrategy[date]:
    """Any date, or (as often) one of the fiscal year's."""
    start = date(fiscal_year, 3, 1)
    return _ANY_DATE | st.integers(0, 425).map(lambda n: start + timedelta(days=n))


@st.composite
def any_command(draw: st.DrawFn, fiscal_year: int) -> Command:
    """Any command the models allow, with any values (dates mostly in ``fiscal_year``),
    from anyone or (as often) from someone holding a role the rules allow it to
    (``domain.rules.PERMISSIONS``)."""
    kind = draw(st.sampled_from(sorted(_BUILDERS)))
    allowed = [who for who, roles in ROLES.items() if roles & PERMISSIONS[kind]]
    actor = draw(st.sampled_from(allowed) | st.sampled_from(ACTORS))
    return _BUILDERS[kind](draw, actor, fiscal_year)


_Builder = Callable[[st.DrawFn, str, int], Command]

_BUILDERS: dict[str, _Builder] = {
    "record_meeting": lambda d, a, y: RecordMeetingInput(
        actor=a,
        held_on=d(_dates(y)),
        attendance=tuple(d(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=4))),
        minutes_public=d(_TEXT),
        vision_draft=d(st.none() | _TEXT),
    ),
    "close_discussion": lambda d, a, y: CloseDiscussionInput(actor=a),
    "submit_policy": lambda d, a, y: SubmitPolicyInput(actor=a, text=d(_TEXT)),
    "cast_vote": lambda d, a, y: CastVoteInput(
        actor=a, ballot=d(st.sampled_from(Ballot)), comment=d(st.just("") | _TEXT)
    ),
    "close_vote": lambda d, a, y: CloseVoteInput(actor=a),
    "submit_plan": lambda d, a, y: SubmitPlanInput(
        actor=a,
        activities=d(st.sampled_from(plans_for(y))) + d(st.sampled_from([(), plans_for(y)[0][:1]])),
    ),
    "complete_step": lambda d, a, y: CompleteStepInput(actor=a, step=d(st.sampled_from(Step))),
    "evaluate_aim": lambda d, a, y: EvaluateAimInput(
        actor=a,
        aim_id=d(st.sampled_from(AIM_IDS)),
        rating=d(st.sampled_from(AimRating)),
        comment=d(st.just("") | _TEXT),
    ),
    "close_cycle": lambda d, a, y: CloseCycleInput(actor=a),
    "set_deadline": lambda d, a, y: SetDeadlineInput(
        actor=a, step=d(st.sampled_from(Step)), due=d(_dates(y))
    ),
    "pause_cycle": lambda d, a, y: PauseCycleInput(actor=a, reason=d(_TEXT)),
    "resume_cycle": lambda d, a, y: ResumeCycleInput(actor=a),
    "remind": lambda d, a, y: RemindInput(actor=a, step=d(st.sampled_from(Step))),
    "claim_task": lambda d, a, y: ClaimTaskInput(actor=a, task_id=d(st.sampled_from(TASK_IDS))),
    "complete_task": lambda d, a, y: CompleteTaskInput(
        actor=a,
        task_id=d(st.sampled_from(TASK_IDS)),
        outcome=d(_TEXT),
    ),
    "reassign_task": lambda d, a, y: ReassignTaskInput(
        actor=a, task_id=d(st.sampled_from(TASK_IDS)), new_owner=d(st.sampled_from(ACTORS))
    ),
    "waive_task": lambda d, a, y: WaiveTaskInput(
        actor=a,
        task_id=d(st.sampled_from(TASK_IDS)),
        reason=d(st.sampled_from(["不要", "x" * OUTCOME_MAX])),
    ),
    "record_activity": lambda d, a, y: RecordActivityInput(
        actor=a,
        activity_id=d(st.sampled_from(ACTIVITY_IDS)),
        held_on=d(_dates(y)),
        children=d(st.integers(0, 100_000)),
        volunteer_ids=d(st.sampled_from([(), ("v-unknown",)])),
    ),
    "cancel_activity": lambda d, a, y: CancelActivityInput(
        actor=a,
        activity_id=d(st.sampled_from(ACTIVITY_IDS)),
        reason=d(st.sampled_from(CancelReason)),
    ),
}


def _oversized(limit: int) -> str:
    return "あ" * (limit + 1)


#: Inputs no model allows, as (update name, raw JSON): each must be refused unread.
INVALID_PAYLOADS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "complete_task",
        {"actor": "f-coord", "task_id": "read-t1", "outcome": _oversized(OUTCOME_MAX)},
    ),
    ("waive_task", {"actor": "f-chief", "task_id": "read-t1", "reason": ""}),
    (
        "record_activity",
        {"actor": "f-coord", "activity_id": "read", "held_on": "2026-06-10", "children": -1},
    ),
    (
        "record_activity",
        {"actor": "f-coord", "activity_id": "read", "held_on": "2026-06-10", "children": 100_001},
    ),
    (
        "record_activity",
        {
            "actor": "f-coord",
            "activity_id": "read",
            "held_on": "2026-06-10",
            "children": 1,
            "notes": _oversized(NOTES_MAX),
        },
    ),
    ("cast_vote", {"actor": "f-m1", "ballot": "maybe"}),
    ("cast_vote", {"actor": "", "ballot": "approve"}),
    ("cast_vote", {"actor": _oversized(64), "ballot": "approve"}),
    ("submit_policy", {"actor": "f-principal", "text": ""}),
    ("submit_policy", {"actor": "f-principal"}),
    (
        "record_meeting",
        {
            "actor": "f-chair",
            "held_on": "2026-02-30",
            "attendance": ["f-m1"],
            "minutes_public": "x",
        },
    ),
    (
        "record_meeting",
        {"actor": "f-chair", "held_on": "2026-04-20", "attendance": [], "minutes_public": "x"},
    ),
    ("set_deadline", {"actor": "f-board", "step": "someday", "due": "2101-01-01"}),
    ("claim_task", {"actor": "f-coord", "task_id": _oversized(80)}),
    ("evaluate_aim", {"actor": "f-chair", "aim_id": "read-1", "rating": "excellent"}),
    ("close_cycle", {"actor": "f-chair", "extra": "field"}),
    ("pause_cycle", {"actor": "f-board", "reason": ""}),
    ("pause_cycle", {"actor": "f-board", "reason": "　 "}),
    ("pause_cycle", {"actor": "f-board", "reason": _oversized(REASON_MAX)}),
    ("cancel_activity", {"actor": "f-coord", "activity_id": "read", "reason": "bored"}),
)

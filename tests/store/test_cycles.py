"""Recording cycles and events: idempotency, concurrency and the projected tables.

Events are made by the domain rules from real commands, never written by hand.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from contracts.activities import CouncilSetup, RecordCycleOpenedInput, RecordEventInput
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
from domain.events import CycleEvent
from domain.model import (
    Aim,
    AimRating,
    Ballot,
    CycleState,
    PlannedActivity,
    RoleAssignment,
    Step,
)
from domain.rules import execute, new_cycle
from domain.tasks import CancelReason
from store import (
    NotFound,
    council_setup,
    history,
    list_cycles,
    record_cycle_opened,
    record_event,
    session_scope,
)
from store.models import (
    AimRow,
    AuditEvent,
    Cycle,
    EvaluationRow,
    MeetingRow,
    PlanActivityRow,
    PolicyVersionRow,
    VoteRow,
)
from tests.store.support import load_example, row_counts

COUNCIL = "kushiro-kushiro"
CHAIR = "kushiro-kushiro-chair"
PRINCIPAL = "kushiro-kushiro-principal"
COORDINATOR = "kushiro-kushiro-coord-2"  # a coordinator without a vote
VOTERS = [CHAIR, *(f"kushiro-kushiro-member-{i}" for i in range(1, 6)), "kushiro-kushiro-coord-1"]
START = datetime(2026, 4, 6, 0, 30, tzinfo=UTC)
PLAN = (
    PlannedActivity(
        activity_id="reading",
        title="読み聞かせ",
        kind="school_support",
        planned_on=date(2026, 6, 10),
        aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
        roles=(RoleAssignment(party="地域学校協働本部", duty="読み手の募集"),),
    ),
    PlannedActivity(
        activity_id="patrol",
        title="登下校見守り",
        planned_on=date(2026, 5, 1),
        aims=(Aim(aim_id="patrol-1", text="安全な登下校"), Aim(aim_id="patrol-2", text="あいさつ")),
    ),
)


def _in_year(day: date, year: int) -> date:
    """``day`` (written for fiscal 2026) moved to fiscal ``year``."""
    return day.replace(year=day.year + year - 2026)


def _commands(year: int = 2026) -> list[Command]:
    """A whole year: the first policy is rejected, the second approved after one member
    changes their vote, then plan, coordinate, act, evaluate (one aim twice), close.
    Dates are those of fiscal ``year``."""
    plan = tuple(a.model_copy(update={"planned_on": _in_year(a.planned_on, year)}) for a in PLAN)
    votes_v1 = [CastVoteInput(actor=v, ballot=Ballot.REJECT) for v in VOTERS[:5]]
    votes_v2 = [CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS[:4]]
    return [
        RecordMeetingInput(
            actor=COORDINATOR,
            held_on=_in_year(date(2026, 4, 20), year),
            attendance=(CHAIR, PRINCIPAL, COORDINATOR, VOTERS[1]),
            minutes_public="目指す子ども像について熟議した",
            minutes_closed="個別の支援について",
            vision_draft="ふるさとを愛し、自ら学ぶ子ども",
        ),
        CloseDiscussionInput(actor=CHAIR),
        SubmitPolicyInput(actor=PRINCIPAL, text="基本方針 第1版"),
        *votes_v1,
        CloseVoteInput(actor=CHAIR),
        SubmitPolicyInput(actor=PRINCIPAL, text="基本方針 第2版"),
        CastVoteInput(actor=VOTERS[4], ballot=Ballot.REJECT, comment="再考を"),
        *votes_v2,
        CastVoteInput(actor=VOTERS[4], ballot=Ballot.APPROVE, comment="修正で納得"),
        CloseVoteInput(actor=CHAIR),
        SubmitPlanInput(actor=COORDINATOR, activities=plan),
        EvaluateAimInput(actor=CHAIR, aim_id="reading-1", rating=AimRating.PARTLY),
        EvaluateAimInput(actor=CHAIR, aim_id="patrol-1", rating=AimRating.MET),
        EvaluateAimInput(actor=CHAIR, aim_id="patrol-2", rating=AimRating.NOT_MET),
        EvaluateAimInput(actor=CHAIR, aim_id="reading-1", rating=AimRating.MET, comment="改善"),
        CloseCycleInput(actor=CHAIR),
    ]


def _events(setup: CouncilSetup, year: int = 2026) -> list[CycleEvent]:
    state = new_cycle(COUNCIL, year, setup.roster, START, setup.vote_rule)
    events: list[CycleEvent] = []
    commands = _commands(year)
    while commands:
        command = commands.pop(0)
        state, event = execute(state, command, START + timedelta(hours=len(events) + 1))
        events.append(event)
        if isinstance(command, SubmitPlanInput):
            commands[0:0] = _coordinate_and_act(state)
    assert state.step is Step.CLOSED
    return events


def _coordinate_and_act(state: CycleState) -> list[Command]:
    """Every task completed by its owner; reading held, patrol cancelled by the weather."""
    return [
        *[
            CompleteTaskInput(actor=t.owner or COORDINATOR, task_id=t.task_id, outcome="済")
            for t in state.tasks
        ],
        RecordActivityInput(
            actor=COORDINATOR, activity_id="reading", held_on=START.date(), children=12
        ),
        CancelActivityInput(actor=COORDINATOR, activity_id="patrol", reason=CancelReason.WEATHER),
    ]


def _open(engine: Engine, year: int = 2026) -> tuple[CouncilSetup, list[CycleEvent]]:
    load_example(engine, "kushiro")
    with session_scope(engine) as session:
        setup = council_setup(session, COUNCIL)
        record_cycle_opened(session, _opened(year))
    return setup, _events(setup, year)


def _opened(year: int) -> RecordCycleOpenedInput:
    return RecordCycleOpenedInput(
        council_id=COUNCIL,
        fiscal_year=year,
        opened_at=START,
        workflow_id=f"council-cycle/{COUNCIL}/{year}",
        run_id="run-1",
    )


def _record(engine: Engine, event: CycleEvent) -> bool:
    with session_scope(engine) as session:
        return record_event(
            session, RecordEventInput(event=event, workflow_id="wf", run_id="run-1")
        )


def test_opening_a_cycle_is_idempotent(clean_engine: Engine) -> None:
    load_example(clean_engine, "kushiro")
    with session_scope(clean_engine) as session:
        assert record_cycle_opened(session, _opened(2026))
    with session_scope(clean_engine) as session:
        assert not record_cycle_opened(session, _opened(2026))
        rows = list_cycles(session, "kushiro")
    assert [(r.council_id, r.fiscal_year, r.step) for r in rows] == [(COUNCIL, 2026, Step.DISCUSS)]
    assert rows[0].started_at == START


def test_events_are_projected_into_the_cycle_tables(clean_engine: Engine) -> None:
    _, events = _open(clean_engine)
    assert all(_record(clean_engine, e) for e in events)
    with session_scope(clean_engine) as session:
        cycle = session.scalars(select(Cycle)).one()
        meeting = session.scalars(select(MeetingRow)).one()
        policies = session.scalars(select(PolicyVersionRow).order_by(PolicyVersionRow.version))
        v1, v2 = policies.all()
        changed_vote = session.scalars(
            select(VoteRow).where(VoteRow.version == 2, VoteRow.member_id == VOTERS[4])
        ).one()
        activities = session.scalars(select(PlanActivityRow).order_by(PlanActivityRow.position))
        aims = session.scalars(select(AimRow.aim_id).order_by(AimRow.aim_id)).all()
        reading = session.scalars(
            select(EvaluationRow).where(EvaluationRow.aim_id == "reading-1")
        ).one()
        evaluations = session.scalars(select(EvaluationRow)).all()
        votes_v2 = session.scalars(select(VoteRow).where(VoteRow.version == 2)).all()

        assert cycle.step == "closed"
        assert cycle.closed_at is not None
        assert cycle.vision == "ふるさとを愛し、自ら学ぶ子ども"
        # Approved at 2026-04-06 17:30 UTC: already the 7th in Japan.
        assert cycle.approved_on == date(2026, 4, 7)
        assert (meeting.number, meeting.step, meeting.attendance_count) == (1, "discuss", 4)
        assert meeting.minutes_closed == "個別の支援について"
        assert (v1.status, v1.approve, v1.reject, v1.cast, v1.eligible) == ("rejected", 0, 5, 5, 7)
        assert (v2.status, v2.approve, v2.reject, v2.cast, v2.eligible) == ("approved", 5, 0, 5, 7)
        assert v2.submitted_by == PRINCIPAL
        assert (changed_vote.ballot, changed_vote.comment) == ("approve", "修正で納得")
        assert len(votes_v2) == 5
        assert [(a.activity_id, a.roles) for a in activities] == [
            ("reading", [{"party": "地域学校協働本部", "duty": "読み手の募集"}]),
            ("patrol", []),
        ]
        assert aims == ["patrol-1", "patrol-2", "reading-1"]
        assert (reading.rating, reading.comment) == ("met", "改善")
        assert len(evaluations) == 3


def test_the_same_event_twice_is_recorded_once(clean_engine: Engine) -> None:
    _, events = _open(clean_engine)
    for event in events:
        assert _record(clean_engine, event)
    counts = row_counts(clean_engine)
    assert not any(_record(clean_engine, e) for e in events)
    assert row_counts(clean_engine) == counts
    assert counts["audit_events"] == len(events)
    assert counts["meetings"] == 1
    assert counts["policy_versions"] == 2
    assert counts["plan_activities"] == 2


def test_concurrent_duplicates_make_one_row_and_no_error(clean_engine: Engine) -> None:
    _, events = _open(clean_engine)
    results: list[bool] = []
    errors: list[BaseException] = []
    for event in events[:3]:
        barrier = threading.Barrier(2)

        def attempt(event: CycleEvent = event, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                results.append(_record(clean_engine, event))
            except BaseException as exc:  # collected so that the test reports it
                errors.append(exc)

        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True, True, True]
    counts = row_counts(clean_engine)
    assert counts["audit_events"] == 3
    assert counts["meetings"] == 1
    assert counts["policy_versions"] == 1


def test_history_is_in_order_of_year_and_sequence(clean_engine: Engine) -> None:
    setup, events = _open(clean_engine)
    with session_scope(clean_engine) as session:
        record_cycle_opened(session, _opened(2025))
    last_year = _events(setup, 2025)[:2]
    # Recorded out of order: history still reads in order.
    for event in [events[1], events[0], *reversed(last_year), *events[2:]]:
        _record(clean_engine, event)
    with session_scope(clean_engine) as session:
        everything = history(session, COUNCIL)
        this_year = history(session, COUNCIL, 2026)
    assert [(r.fiscal_year, r.seq) for r in everything] == [
        *((2025, e.seq) for e in last_year),
        *((2026, e.seq) for e in events),
    ]
    assert [r.action for r in this_year] == [e.action for e in events]
    first = this_year[0]
    assert (first.step_before, first.step_after, first.actor) == (
        Step.DISCUSS,
        Step.DISCUSS,
        COORDINATOR,
    )
    assert first.at == events[0].at
    assert first.changes == events[0].changes
    assert this_year[-1].step_after is Step.CLOSED


def test_out_of_order_recording_does_not_move_the_step_back(clean_engine: Engine) -> None:
    _, events = _open(clean_engine)
    _record(clean_engine, events[1])  # close_discussion: discuss → approve
    _record(clean_engine, events[0])  # the meeting before it, recorded late
    with session_scope(clean_engine) as session:
        cycle = session.scalars(select(Cycle)).one()
        assert cycle.step == "approve"
        assert cycle.vision == "ふるさとを愛し、自ら学ぶ子ども"


def test_unknown_council_or_unopened_cycle_is_named(clean_engine: Engine) -> None:
    _, events = _open(clean_engine)
    unopened = events[0].model_copy(update={"fiscal_year": 2030})
    with session_scope(clean_engine) as session:
        with pytest.raises(NotFound, match="2030"):
            record_event(session, RecordEventInput(event=unopened, workflow_id="w", run_id="r"))
        with pytest.raises(NotFound, match="'ghost'"):
            history(session, "ghost")
        with pytest.raises(NotFound, match="'ghost'"):
            record_cycle_opened(session, _opened(2026).model_copy(update={"council_id": "ghost"}))
    assert row_counts(clean_engine)["audit_events"] == 0
    with session_scope(clean_engine) as session:
        assert session.scalars(select(AuditEvent)).all() == []


def test_a_late_recorded_older_vote_does_not_replace_a_newer_one(clean_engine: Engine) -> None:
    setup, _ = _open(clean_engine)
    state = new_cycle(COUNCIL, 2026, setup.roster, START, setup.vote_rule)
    commands: list[Command] = [*_commands()[:3]]
    same_moment = START + timedelta(days=1)  # two updates accepted in one activation
    for command in commands:
        state, _ = execute(state, command, START)
    state, reject = execute(
        state, CastVoteInput(actor=VOTERS[1], ballot=Ballot.REJECT), same_moment
    )
    state, approve = execute(
        state, CastVoteInput(actor=VOTERS[1], ballot=Ballot.APPROVE), same_moment
    )
    _record(clean_engine, approve)
    _record(clean_engine, reject)
    with session_scope(clean_engine) as session:
        vote = session.scalars(select(VoteRow)).one()
        assert (vote.ballot, vote.event_seq) == ("approve", approve.seq)

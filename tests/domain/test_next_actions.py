"""What each person should do next (``domain.next_actions``), and who hears of an
escalation (``domain.oversight.alert_recipients``), decided on real states the rules
produced from valid commands."""

from __future__ import annotations

from datetime import date

from domain.commands import CastVoteInput, CloseVoteInput, SubmitPolicyInput
from domain.deadlines import AlertKind
from domain.model import Ballot, Role, Roster, RosterEntry, Step
from domain.next_actions import next_actions
from domain.oversight import alert_recipients
from domain.rules import RULES, execute, offered_commands
from tests.domain.builders import VOTERS, at, walk_to

TODAY = date(2026, 5, 10)
BASE = "/councils/council-a/2026"


def _kinds(state: object, person: str) -> list[str]:
    return [a.kind for a in next_actions(state, person, TODAY)]  # type: ignore[arg-type]


def test_at_approve_the_principal_submits_and_nobody_votes_yet() -> None:
    state = walk_to(Step.APPROVE)
    [submit] = next_actions(state, "principal", TODAY)
    assert (submit.kind, submit.path, submit.due) == ("submit_policy", f"{BASE}#policy",
                                                      date(2026, 5, 31))  # fmt: skip
    assert _kinds(state, "m1") == []
    assert _kinds(state, "chair") == []


def test_voters_vote_and_the_chair_is_told_once_the_vote_can_close() -> None:
    state = walk_to(Step.APPROVE)
    state = execute(state, SubmitPolicyInput(actor="principal", text="第1版"), at(10)).state
    [vote] = next_actions(state, "m1", TODAY)
    assert (vote.kind, vote.path, vote.params) == ("cast_vote", f"{BASE}/vote", {"version": "1"})
    assert vote.due == date(2026, 5, 31)
    # The chair votes too, but may not close before quorum (more than half of 6).
    assert _kinds(state, "chair") == ["cast_vote"]
    for minute, voter in enumerate(VOTERS[1:5]):
        ballot = CastVoteInput(actor=voter, ballot=Ballot.REJECT)
        state = execute(state, ballot, at(20 + minute)).state
        if minute == 2:  # three of six: not more than half yet
            assert _kinds(state, "chair") == ["cast_vote"]
    assert _kinds(state, "chair") == ["close_vote", "cast_vote"]
    close = next_actions(state, "chair", TODAY)[0]
    assert close.params == {"cast": "4", "eligible": "6", "version": "1"}
    # Who has voted is not asked again; the principal has nothing to do while it runs.
    assert _kinds(state, "m1") == []
    assert _kinds(state, "principal") == []


def test_a_rejected_policy_sends_the_principal_to_the_objections() -> None:
    state = walk_to(Step.APPROVE)
    state = execute(state, SubmitPolicyInput(actor="principal", text="第1版"), at(10)).state
    for minute, voter in enumerate(VOTERS):
        ballot = Ballot.APPROVE if voter == "chair" else Ballot.REJECT
        state = execute(state, CastVoteInput(actor=voter, ballot=ballot), at(20 + minute)).state
    state = execute(state, CloseVoteInput(actor="chair"), at(40)).state
    [revise] = next_actions(state, "principal", TODAY)
    assert revise.kind == "revise_policy"
    assert revise.params == {"reject": "5", "version": "1"}
    assert revise.path == f"{BASE}/vote#reasons"
    assert _kinds(state, "m1") == []
    state = execute(state, SubmitPolicyInput(actor="principal", text="第2版"), at(50)).state
    assert _kinds(state, "principal") == []
    assert next_actions(state, "m1", TODAY)[0].params == {"version": "2"}


def test_after_approval_the_coordinators_plan_and_members_wait() -> None:
    state = walk_to(Step.PLAN)
    [plan] = next_actions(state, "coord", TODAY)
    assert (plan.kind, plan.params, plan.path) == ("step", {"step": "plan"}, BASE)
    assert _kinds(state, "m1") == []


def test_only_the_chair_is_sent_to_close_discussion_and_evaluation() -> None:
    """Members own discuss and evaluate with the chair, but only the chair may close
    them: a member is not told to move a step on that the rules would not let them."""
    for step in (Step.DISCUSS, Step.EVALUATE):
        state = walk_to(step)
        [move] = next_actions(state, "chair", TODAY)
        assert (move.kind, move.params, move.path) == ("step", {"step": step.value}, BASE)
        for person in ("m1", "m2", "coord-member", "principal"):
            assert "step" not in _kinds(state, person), (step, person)
        # Whoever is sent to move a step on is offered a command of that step.
        for person in state.roster.everyone():
            if "step" in _kinds(state, person):
                assert any(RULES[k].step is step for k in offered_commands(state, person))


def test_task_owners_are_sent_to_their_tasks_soonest_first() -> None:
    state = walk_to(Step.COORDINATE)
    owned = [t for t in state.tasks if t.owner == "coord"]
    assert owned
    actions = [a for a in next_actions(state, "coord", TODAY) if a.kind == "task"]
    assert [a.params["title"] for a in actions] == [
        t.title for t in sorted(owned, key=lambda t: (t.due_on, t.task_id))
    ]
    assert [a.path for a in actions] == [
        f"{BASE}#task-{t.task_id}" for t in sorted(owned, key=lambda t: (t.due_on, t.task_id))
    ]
    # Each names the activity it is for, with the path to that activity's card.
    for action in actions:
        task = next(t for t in owned if action.path.endswith(f"#task-{t.task_id}"))
        activity = state.activity(task.activity_id)
        assert activity is not None
        assert action.params["activity"] == activity.title
        assert action.params["activity_path"] == f"{BASE}#activity-{activity.activity_id}"


def test_escalations_reach_only_the_chair_the_chief_and_the_board() -> None:
    state = walk_to(Step.APPROVE)
    chief = alert_recipients(state, Step.APPROVE, AlertKind.ESCALATION_CHIEF)
    board = alert_recipients(state, Step.APPROVE, AlertKind.ESCALATION_BOARD)
    assert set(chief) == {"chair", "chief"}
    assert set(board) == {"chair", "board"}
    # Reminders and overdue notices still go to the step's owners.
    assert set(alert_recipients(state, Step.APPROVE, AlertKind.REMINDER)) == {"principal", "chair"}
    plan = alert_recipients(state, Step.DISCUSS, AlertKind.ESCALATION_BOARD)
    assert not {"m1", "m2", "coord", "principal"} & set(plan)


def test_an_escalation_without_overseers_keeps_the_owners() -> None:
    # No chair, chief or board: the step's owners, as before (a replayed history must
    # schedule the same notices).
    roster = Roster(entries=(RosterEntry(member_id="p", roles=(Role.PRINCIPAL,)),))
    state = walk_to(Step.APPROVE).model_copy(update={"roster": roster})
    assert alert_recipients(state, Step.APPROVE, AlertKind.ESCALATION_CHIEF) == ("p",)

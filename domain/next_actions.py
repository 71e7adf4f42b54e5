"""What a person should do next in a council's cycle, derived from the cycle's state.

Pure: the caller passes the state, the person and today's date in Japan. My page lists
these, each with its due date and a button to the page where it is done; the kinds are
the console catalogue's keys (``next_<kind>``, ``next_<kind>_button``) with ``params``
as their values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.base import STEP_OWNERS, VOTING_ROLES, Role, Step
from domain.meeting_calls import reply_path
from domain.model import CycleState, PolicyStatus
from domain.rules import RULES, offered_commands

#: The kinds of next action, in the order my page lists them (the most pressing first).
KINDS: tuple[str, ...] = (
    "close_vote",
    "cast_vote",
    "revise_policy",
    "submit_policy",
    "reply_call",
    "task",
    "step",
)


@dataclass(frozen=True)
class NextAction:
    """One thing to do: what (``kind``), by when, and where (a path of the console), with
    the values its words name (``params``). Derived, never kept in a cycle's state."""

    kind: str
    path: str
    due: date | None = None
    params: dict[str, str] = field(default_factory=dict)


def next_actions(state: CycleState, person_id: str, today: date) -> list[NextAction]:
    """Everything ``person_id`` should do next in ``state``, most pressing first: the
    chair closes a vote that has reached quorum; a voter votes; the principal reads the
    objections and revises a rejected policy (or submits the first one); an invitee
    replies to a coming meeting; a task owner finishes their tasks; a step's owner moves
    the step on, when the rules offer them a command of the step (a member owns discuss
    and evaluate with the chair, but only the chair may close them). Nothing while the
    cycle is paused or closed."""
    if state.paused is not None or state.step is Step.CLOSED:
        return []
    roles = state.roster.roles_of(person_id)
    base = f"/councils/{state.council_id}/{state.fiscal_year}"
    due = state.due_dates.get(state.step)
    actions = _policy_actions(state, person_id, roles, base, due)
    for call in sorted(state.calls, key=lambda c: (c.held_on, c.starts_at)):
        awaited = person_id in call.invitees and call.reply_of(person_id) is None
        if awaited and call.held_on >= today:
            path = reply_path(state.council_id, state.fiscal_year, call.call_id)
            params = {"held_on": call.held_on.isoformat()}
            actions.append(
                NextAction(kind="reply_call", due=call.held_on, path=path, params=params)
            )
    for task in sorted(state.tasks, key=lambda t: (t.due_on, t.task_id)):
        if task.is_open and task.owner == person_id:
            path = f"{base}#task-{task.task_id}"
            # The task names the activity it is for (「会場の予約」 of 「読み聞かせ」).
            activity = state.activity(task.activity_id)
            params = {"title": task.title, "activity": "", "activity_path": ""}
            if activity is not None:
                params["activity"] = activity.title
                params["activity_path"] = f"{base}#activity-{activity.activity_id}"
            actions.append(NextAction(kind="task", due=task.due_on, path=path, params=params))
    owns_step = bool(roles & set(STEP_OWNERS.get(state.step, ())))
    if owns_step and state.step is not Step.APPROVE and _moves_step(state, person_id):
        actions.append(
            NextAction(kind="step", due=due, path=base, params={"step": state.step.value})
        )
    return actions


def _moves_step(state: CycleState, person_id: str) -> bool:
    """Whether the rules offer ``person_id`` a command of the current step (closing
    it, submitting its plan, its tasks or activities): commands of any step, a meeting's
    record or a reply, do not move this one on."""
    offered = offered_commands(state, person_id)
    return any(RULES[kind].step is state.step for kind in offered)


def _policy_actions(
    state: CycleState, person_id: str, roles: frozenset[Role], base: str, due: date | None
) -> list[NextAction]:
    if state.step is not Step.APPROVE:
        return []
    policy = state.current_policy
    actions: list[NextAction] = []
    if policy is None:
        if Role.PRINCIPAL in roles:
            actions.append(NextAction(kind="submit_policy", due=due, path=f"{base}#policy"))
        return actions
    version = str(policy.version)
    if policy.status is PolicyStatus.VOTING:
        voters = state.roster.voters()
        cast = sum(1 for v in voters if v in policy.ballots)
        if Role.CHAIR in roles and state.vote_rule.quorum.met(cast, len(voters)):
            params = {"cast": str(cast), "eligible": str(len(voters)), "version": version}
            actions.append(
                NextAction(kind="close_vote", due=due, path=f"{base}/vote", params=params)
            )
        if roles & VOTING_ROLES and person_id not in policy.ballots:
            actions.append(
                NextAction(
                    kind="cast_vote", due=due, path=f"{base}/vote", params={"version": version}
                )
            )
    elif policy.status is PolicyStatus.REJECTED and Role.PRINCIPAL in roles:
        against = sum(1 for b in policy.ballots.values() if b.value == "reject")
        params = {"reject": str(against), "version": version}
        actions.append(
            NextAction(kind="revise_policy", due=due, path=f"{base}/vote#reasons", params=params)
        )
    return actions

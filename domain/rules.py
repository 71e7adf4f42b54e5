"""The rules of the cycle: which step follows, who may do what, when a vote passes.

``execute`` is the single entry point. It takes a state, a command and the time, and either
returns the next state with the event to record, or raises ``Refusal`` and leaves the state
as it was (it works on a copy). The workflow validates updates by calling it on a copy, so
a refused update never changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from domain.base import STEP_OWNERS, SYSTEM_ACTOR, working_copy
from domain.command_table import CommandRule
from domain.commands import (
    AlertInput,
    Command,
)
from domain.cycle_handlers import CYCLE_RULES, tally
from domain.deadlines import Alert, DeadlineRules
from domain.events import Change, CycleEvent, Notice
from domain.meeting_call_rules import CALL_RULES, call_reminder_command
from domain.meeting_calls import CallReminder
from domain.model import (
    CarriedFinding,
    CycleState,
    Role,
    Roster,
    Step,
    VoteRule,
)
from domain.oversight import OVERSIGHT_RULES, UNPAUSABLE
from domain.refusals import Refusal
from domain.sanity import check_dates
from domain.task_alerts import TASK_ALERT_RULES, TaskAlert, task_alert_command
from domain.task_rules import TASK_GUARDS, TASK_RULES, changed_tasks, task_refusal
from domain.tasks import CoordinationTask

__all__ = [
    "COMMAND_STEP",
    "PERMISSIONS",
    "RULES",
    "SYSTEM_KINDS",
    "Decision",
    "check_open",
    "execute",
    "findings_for_next_year",
    "fire_alert",
    "fire_call_reminder",
    "fire_task_alert",
    "new_cycle",
    "offered_commands",
    "redo",
    "step_opened_notices",
    "tally",
    "task_actions",
    "validate",
]


class Decision(NamedTuple):
    """An accepted command: the state after it, and what to record and send."""

    state: CycleState
    event: CycleEvent


def new_cycle(
    council_id: str,
    fiscal_year: int,
    roster: Roster,
    at: datetime,
    vote_rule: VoteRule | None = None,
    carried_over: list[CarriedFinding] | None = None,
    deadline_rules: DeadlineRules | None = None,
    rule_changes: tuple[str, ...] = (),
) -> CycleState:
    """A cycle opening at discuss, with last year's findings (if any) carried over and
    every step's due date set from the deadline rules. ``rule_changes`` are the changes
    of ``domain.rule_changes`` in force for it (the workflow says which)."""
    rules = deadline_rules or DeadlineRules()
    return CycleState(
        deadline_rules=rules,
        due_dates=rules.due_dates(fiscal_year),
        council_id=council_id,
        fiscal_year=fiscal_year,
        started_at=at,
        step_opened_at=at,
        roster=roster,
        vote_rule=vote_rule or VoteRule(),
        carried_over=list(carried_over or []),
        rule_changes=rule_changes,
    )


#: The rules' one table: every command kind, who may give it, at which step, what must
#: hold first, and its handler (``domain.command_table``).
RULES: dict[str, CommandRule] = {
    **CYCLE_RULES,
    **OVERSIGHT_RULES,
    **TASK_RULES,
    **TASK_ALERT_RULES,
    **CALL_RULES,
}

#: Who may give each command (derived from ``RULES``).
PERMISSIONS: dict[str, frozenset[Role]] = {kind: rule.roles for kind, rule in RULES.items()}
#: The step each command belongs to; ``None`` means any open step (derived from ``RULES``).
COMMAND_STEP: dict[str, Step | None] = {kind: rule.step for kind, rule in RULES.items()}
#: The commands only the cycle itself gives (its alerts and reminders).
SYSTEM_KINDS: frozenset[str] = frozenset(kind for kind, rule in RULES.items() if not rule.roles)


def execute(state: CycleState, command: Command, at: datetime) -> Decision:
    """Apply ``command`` to a copy of ``state``; raise ``Refusal`` if the rules forbid it."""
    _check_actor_and_step(state, command)
    check_dates(state.fiscal_year, command)
    return _decide(state, command, at)


def fire_alert(state: CycleState, alert: Alert, at: datetime) -> Decision:
    """Record that the cycle raised a deadline alert, and whom to tell."""
    command = AlertInput(
        actor=SYSTEM_ACTOR, alert_kind=alert.kind, step=alert.step, due=alert.due, days=alert.days
    )
    return _decide(state, command, at)


def fire_task_alert(state: CycleState, alert: TaskAlert, at: datetime) -> Decision:
    """Record that the cycle reminded a task's owner (or told them it is overdue)."""
    return _decide(state, task_alert_command(alert, SYSTEM_ACTOR), at)


def redo(state: CycleState, command: Command, at: datetime) -> Decision:
    """Apply again a command the cycle accepted at ``at`` (rebuilding a cycle from its
    recorded events): the cycle's own alerts as they were raised, every other command
    through ``execute``, so its checks hold again exactly as they did the first time."""
    if command.kind in SYSTEM_KINDS:
        return _decide(state, command, at)
    return execute(state, command, at)


def fire_call_reminder(state: CycleState, reminder: CallReminder, at: datetime) -> Decision:
    """Record that the cycle reminded a call's invitees who have not replied."""
    return _decide(state, call_reminder_command(reminder, SYSTEM_ACTOR), at)


def _decide(state: CycleState, command: Command, at: datetime) -> Decision:
    draft = working_copy(state)
    step_before = draft.step
    changes, notices = RULES[command.kind].handle(draft, command, at)
    if draft.step != step_before:
        draft.step_opened_at = at
        changes = (Change(field="step", before=step_before, after=draft.step), *changes)
        notices = (*notices, *step_opened_notices(draft))
    draft.accepted_commands += 1
    event = CycleEvent(
        council_id=draft.council_id,
        fiscal_year=draft.fiscal_year,
        seq=draft.accepted_commands,
        action=command.kind,
        actor=command.actor,
        at=at,
        step_before=step_before,
        step_after=draft.step,
        changes=changes,
        command=command,
        notices=notices,
        tasks=changed_tasks(state, draft),
    )
    return Decision(draft, event)


def validate(state: CycleState, command: Command, at: datetime) -> None:
    """Raise ``Refusal`` if ``command`` would be refused; change nothing either way."""
    execute(state, command, at)


def findings_for_next_year(state: CycleState) -> list[CarriedFinding]:
    """What the evaluation hands to next year's discussion: every evaluated aim, the
    ones not fully met first, because those are what the council should pick up."""
    aims = state.aims()
    order = {"not_met": 0, "partly": 1, "met": 2}
    found = [
        CarriedFinding(
            from_year=state.fiscal_year,
            activity_title=aims[ev.aim_id][0].title,
            aim_id=ev.aim_id,
            aim_text=aims[ev.aim_id][1].text,
            rating=ev.rating,
            comment=ev.comment,
        )
        for ev in state.evaluations.values()
        if ev.aim_id in aims
    ]
    return sorted(found, key=lambda f: (order[f.rating.value], f.aim_id))


# --- checks shared by every command -------------------------------------------------


def _check_actor_and_step(state: CycleState, command: Command) -> None:
    check_open(state, command.kind, command.actor)


def check_open(state: CycleState, kind: str, actor: str) -> None:
    """Raise the ``Refusal`` every ``kind`` command by ``actor`` gets now, whatever its
    input: the cycle closed or paused, the actor's role, the step, the command's guard.
    ``execute`` asks this first; ``offered_commands`` asks it of every kind."""
    if kind in SYSTEM_KINDS:
        raise Refusal("system_only", action=kind)
    if state.step is Step.CLOSED:
        raise Refusal("cycle_closed", year=str(state.fiscal_year))
    roles = state.roster.roles_of(actor)
    if not roles:
        raise Refusal("not_on_roster", actor=actor)
    if state.paused is not None and kind not in UNPAUSABLE:
        raise Refusal("paused", reason=state.paused.reason)
    rule = RULES[kind]
    if not roles & rule.roles:
        raise Refusal(
            "role_required",
            actor=actor,
            action=kind,
            roles=",".join(sorted(r.value for r in rule.roles)),
        )
    if rule.step is not None and state.step is not rule.step:
        raise Refusal("wrong_step", current=state.step, expected=rule.step, action=kind)
    if rule.guard is not None:
        rule.guard(state, actor)


def _passes(check: Callable[..., None], *args: object) -> bool:
    try:
        check(*args)
    except Refusal:
        return False
    return True


def offered_commands(state: CycleState, actor: str) -> frozenset[str]:
    """The command kinds ``actor`` may give now: those ``check_open`` lets through. What
    a command's input says (which task, which date) is still the rules' to decide."""
    return frozenset(kind for kind in RULES if _passes(check_open, state, kind, actor))


def task_actions(
    state: CycleState,
    actor: str,
    task: CoordinationTask,
    offered: frozenset[str] | None = None,
) -> frozenset[str]:
    """Which task commands ``actor`` may give on ``task`` now: offered, and the task's
    own guard (open, whose it is) lets them through. ``offered``: what
    ``offered_commands(state, actor)`` answered, when the caller has it (a page of 30
    tasks asks once, not 30 times)."""
    if offered is None:
        offered = offered_commands(state, actor)
    return frozenset(
        kind
        for kind in TASK_GUARDS
        if kind in offered and _passes(task_refusal, state, kind, task, actor)
    )


def step_opened_notices(state: CycleState) -> tuple[Notice, ...]:
    """Who to tell that the current step has opened (or that the cycle closed)."""
    if state.step is Step.CLOSED:
        return (
            Notice(
                template="cycle_closed",
                recipients=state.roster.everyone(),
                params={"year": str(state.fiscal_year)},
            ),
        )
    due = state.due_dates.get(state.step)
    return (
        Notice(
            template="step_opened",
            recipients=state.roster.holders_of(*STEP_OWNERS[state.step]),
            params={"step": state.step.value, "due": "" if due is None else due.isoformat()},
        ),
    )

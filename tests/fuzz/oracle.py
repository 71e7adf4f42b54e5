"""What the pure rules say a command should do, and the state they predict after it.

The workflow decides at ``workflow.now()``, which a client cannot know in advance. So the
outcome (accepted or refused, and why) is predicted at the server's clock just before the
command, and the state after it is predicted from the audit trail: each recorded event
carries the time it was decided at, and the rules applied to the previous state at that
time must give exactly the state the workflow's query returns. Alerts the cycle raised by
itself are in the trail too, and are predicted the same way (``pending_alert``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.commands import Command, RecordActivityInput
from domain.model import CycleState
from domain.oversight import pending_alert
from domain.refusals import Refusal
from domain.rules import execute, fire_alert, fire_task_alert
from domain.task_alerts import pending_task_alert
from store.cycles import HistoryRow
from tests.fuzz.rig import ACCEPTED, Outcome, refused

#: The fuzz council has no registered volunteers: naming any is refused by the registry
#: check that ``record_activity`` makes after the rules accepted the command.
UNREGISTERED_VOLUNTEER = "volunteer_unknown"


def expect(state: CycleState, command: Command, at: datetime) -> tuple[Outcome, CycleState]:
    """The outcome the rules (and the empty volunteer registry) give ``command`` on
    ``state`` at ``at``, and the state after it (``state`` itself when refused)."""
    try:
        decision = execute(state, command, at)
    except Refusal as refusal:
        return refused(refusal.code), state
    if isinstance(command, RecordActivityInput) and command.volunteer_ids:
        return refused(UNREGISTERED_VOLUNTEER), state
    return ACCEPTED, decision.state


def settle(state: CycleState, now: datetime) -> CycleState:
    """``state`` after every alert due by ``now`` was raised, as the cycle's loop does
    (a step's alert before a task's)."""
    while True:
        alert = pending_alert(state)
        if alert is not None and alert.at <= now:
            state = fire_alert(state, alert, now).state
            continue
        task_alert = pending_task_alert(state)
        if task_alert is not None and task_alert.at <= now:
            state = fire_task_alert(state, task_alert, now).state
            continue
        return state


def follow(state: CycleState, sent: Sequence[Command], rows: Sequence[HistoryRow]) -> CycleState:
    """Apply the recorded events after ``state`` with the rules, each at the time it was
    recorded at: the commands in ``sent`` (matched by kind and actor, in any order) and the
    alerts the cycle raised by itself. Fails when an event is neither."""
    waiting = list(sent)
    for row in rows:
        if row.seq <= state.accepted_commands:
            continue
        assert row.seq == state.accepted_commands + 1, f"gap in the audit trail at {row.seq}"
        if row.action == "alert":
            alert = pending_alert(state)
            assert alert is not None and alert.at <= row.at, f"unexpected alert at {row.seq}"
            state = fire_alert(state, alert, row.at).state
        elif row.action == "task_alert":
            task_alert = pending_task_alert(state)
            assert task_alert is not None and task_alert.at <= row.at, (
                f"unexpected task alert at {row.seq}"
            )
            state = fire_task_alert(state, task_alert, row.at).state
        else:
            match = next((c for c in waiting if (c.kind, c.actor) == (row.action, row.actor)), None)
            assert match is not None, f"event {row.seq} ({row.action} by {row.actor}) not sent"
            waiting.remove(match)
            state = execute(state, match, row.at).state
    return state

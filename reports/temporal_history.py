"""A cycle's Temporal event history, one readable line per event.

Shows what happened and when (event id, time in Japan, type) with the attributes that
say which update, activity, timer or child workflow it was. Payloads (command inputs,
results) are never decoded: they carry minutes, comments and member ids that belong in
the store, where they can be protected, not in a terminal dump.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from domain.japan_time import JAPAN

_PREFIX = "EVENT_TYPE_"


def _duration(value: Any) -> str:
    """A protobuf Duration as Temporal writes it in JSON: ``86400s``."""
    seconds = value.seconds + value.nanos / 1e9
    return f"{seconds:g}s"


def _failure(value: Any) -> str:
    # One line: the message names the refusal or error, never a payload.
    return "failure=" + " ".join(str(value.message).split())


class _Names:
    """Names that later events refer to by id: activities by their scheduled event,
    updates by their update id."""

    def __init__(self, events: list[HistoryEvent]) -> None:
        self.activities: dict[int, str] = {}
        self.updates: dict[str, str] = {}
        for event in events:
            if event.HasField("activity_task_scheduled_event_attributes"):
                a = event.activity_task_scheduled_event_attributes
                self.activities[event.event_id] = a.activity_type.name
            elif event.HasField("workflow_execution_update_accepted_event_attributes"):
                u = event.workflow_execution_update_accepted_event_attributes
                self.updates[u.protocol_instance_id] = u.accepted_request.input.name

    def activity(self, scheduled_event_id: int) -> str:
        return f"activity={self.activities.get(scheduled_event_id, '?')}"


Details = Callable[[Any, _Names], list[str]]


def _started(a: Any, _: _Names) -> list[str]:
    return [f"workflow={a.workflow_type.name}", f"queue={a.task_queue.name}"]


def _activity_scheduled(a: Any, _: _Names) -> list[str]:
    return [
        f"activity={a.activity_type.name}",
        f"activity_id={a.activity_id}",
        f"start_to_close={_duration(a.start_to_close_timeout)}",
    ]


def _activity_started(a: Any, names: _Names) -> list[str]:
    return [names.activity(a.scheduled_event_id), f"attempt={a.attempt}"]


def _activity_done(a: Any, names: _Names) -> list[str]:
    return [names.activity(a.scheduled_event_id)]


def _activity_failed(a: Any, names: _Names) -> list[str]:
    return [names.activity(a.scheduled_event_id), _failure(a.failure)]


def _update_accepted(a: Any, _: _Names) -> list[str]:
    return [f"update={a.accepted_request.input.name}", f"update_id={a.protocol_instance_id}"]


def _update_completed(a: Any, names: _Names) -> list[str]:
    update_id = a.meta.update_id
    outcome = _failure(a.outcome.failure) if a.outcome.HasField("failure") else "outcome=success"
    return [f"update={names.updates.get(update_id, '?')}", f"update_id={update_id}", outcome]


def _timer_started(a: Any, _: _Names) -> list[str]:
    return [f"timer={a.timer_id}", f"duration={_duration(a.start_to_fire_timeout)}"]


def _timer_closed(a: Any, _: _Names) -> list[str]:
    return [f"timer={a.timer_id}"]


def _child_initiated(a: Any, _: _Names) -> list[str]:
    return [f"child={a.workflow_id}", f"workflow={a.workflow_type.name}"]


def _child_started(a: Any, _: _Names) -> list[str]:
    return [f"child={a.workflow_execution.workflow_id}", f"run={a.workflow_execution.run_id}"]


def _task(a: Any, _: _Names) -> list[str]:
    return [f"scheduled={a.scheduled_event_id}"]


def _signal(a: Any, _: _Names) -> list[str]:
    return [f"signal={a.signal_name}"]


def _failed(a: Any, _: _Names) -> list[str]:
    return [_failure(a.failure)]


# attributes oneof name -> what to show of it; other events show their type alone.
_ATTRIBUTES: dict[str, Details] = {
    "workflow_execution_started_event_attributes": _started,
    "workflow_execution_failed_event_attributes": _failed,
    "workflow_task_started_event_attributes": _task,
    "workflow_task_completed_event_attributes": _task,
    "workflow_task_failed_event_attributes": _failed,
    "activity_task_scheduled_event_attributes": _activity_scheduled,
    "activity_task_started_event_attributes": _activity_started,
    "activity_task_completed_event_attributes": _activity_done,
    "activity_task_canceled_event_attributes": _activity_done,
    "activity_task_failed_event_attributes": _activity_failed,
    "activity_task_timed_out_event_attributes": _activity_failed,
    "workflow_execution_update_accepted_event_attributes": _update_accepted,
    "workflow_execution_update_completed_event_attributes": _update_completed,
    "timer_started_event_attributes": _timer_started,
    "timer_fired_event_attributes": _timer_closed,
    "timer_canceled_event_attributes": _timer_closed,
    "start_child_workflow_execution_initiated_event_attributes": _child_initiated,
    "child_workflow_execution_started_event_attributes": _child_started,
    "workflow_execution_signaled_event_attributes": _signal,
}


def _event_line(event: HistoryEvent, names: _Names) -> str:
    kind = EventType.Name(event.event_type).removeprefix(_PREFIX)
    at = event.event_time.ToDatetime(tzinfo=UTC).astimezone(JAPAN)
    stamp = at.strftime("%Y-%m-%d %H:%M:%S.") + f"{at.microsecond // 1000:03d}"
    which = event.WhichOneof("attributes")
    details = _ATTRIBUTES[which](getattr(event, which), names) if which in _ATTRIBUTES else []
    return " ".join([f"{event.event_id:>5}", stamp, kind, *details])


def history_lines(history: WorkflowHistory) -> list[str]:
    """Every event of ``history`` as ``<id> <time JST> <TYPE> key=value ...``, in
    order, after a heading line."""
    events = list(history.events)
    names = _Names(events)
    return [
        f"# {history.workflow_id}（{len(events)} イベント、時刻は日本時間）",
        *(_event_line(event, names) for event in events),
    ]

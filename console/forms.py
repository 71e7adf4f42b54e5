"""Turning a posted form into a cycle command. The actor is always the signed-in person,
passed in by the route: a field named ``actor`` in a form is never read.

Each builder raises ``FormError`` (one line naming the field) for input the command
model refuses; the rules then judge the command itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from application.vocabulary import Aim, Command, PlannedActivity, PlannedTask, RoleAssignment
from console.params import bounded_int

#: The longest free text a form field may carry (minutes, policy, notes).
MAX_TEXT = 20000
MAX_LINE = 200
#: The plan form's activity rows.
MAX_ROWS = 10

_COMMAND = TypeAdapter[Command](Command)


class FormError(Exception):
    """The form is not a valid command; the message names the field, and ``field`` is
    the form field at fault (the page marks it) when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _text(form: dict[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    value = str(value).strip()
    if len(value) > limit:
        raise FormError(f"{name}: {limit}", name)
    return value


def _many(form: dict[str, Any], name: str) -> tuple[str, ...]:
    value = form.get(name, [])
    values = value if isinstance(value, list) else [value]
    return tuple(str(v)[:MAX_LINE] for v in values if str(v).strip())


def _date(form: dict[str, Any], name: str) -> date:
    raw = _text(form, name, 20)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise FormError(f"{name}: YYYY-MM-DD", name) from exc


def _build(data: dict[str, Any]) -> Command:
    try:
        return _COMMAND.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "form"
        raise FormError(f"{where}: {first['msg']}", form_field(str(data["kind"]), where)) from exc


def form_field(kind: str, where: str) -> str:
    """The form field of the command field ``where`` (``activities.0.planned_on`` is the
    plan form's ``a1_planned_on``; the activity record's date is ``activity_held_on``)."""
    parts = where.split(".")
    if (
        kind == "submit_plan"
        and len(parts) >= 3
        and parts[0] == "activities"
        and parts[1].isdigit()
    ):
        row = f"a{int(parts[1]) + 1}_"
        if parts[2] == "tasks" and len(parts) >= 5 and parts[3].isdigit():
            suffix = {"due_on": "_due", "owner": "_owner"}.get(parts[4], "")
            return f"{row}task{int(parts[3]) + 1}{suffix}"
        return row + {"aims": "aim1"}.get(parts[2], parts[2])
    if kind == "record_activity" and where == "held_on":
        return "activity_held_on"
    return where


def record_meeting(form: dict[str, Any]) -> dict[str, Any]:
    """A meeting: date, attendance (ticked roster members), minutes, vision draft."""
    vision = _text(form, "vision_draft")
    return {
        "held_on": _date(form, "held_on"),
        "attendance": _many(form, "attendance"),
        "minutes_public": _text(form, "minutes_public"),
        "minutes_closed": _text(form, "minutes_closed"),
        "vision_draft": vision or None,
    }


def cast_vote(form: dict[str, Any]) -> dict[str, Any]:
    """A ballot (approve or reject) and an optional comment."""
    return {"ballot": _text(form, "ballot", 20), "comment": _text(form, "comment", 2000)}


def submit_plan(form: dict[str, Any]) -> dict[str, Any]:
    """The plan form's rows: activities with aims, roles and tasks; empty rows skipped."""
    activities = []
    rows = bounded_int(_text(form, "rows", 3) or "0", 0, 999)
    if rows is None:
        raise FormError("rows: 0-999")
    for n in range(1, min(rows, MAX_ROWS) + 1):
        prefix = f"a{n}_"
        title = _text(form, prefix + "title", MAX_LINE)
        if not title:
            continue
        activity_id = f"act-{n}"
        aims = [
            Aim(aim_id=f"{activity_id}-aim-{k}", text=text)
            for k in range(1, 4)
            if (text := _text(form, f"{prefix}aim{k}", 1000))
        ]
        roles = [
            RoleAssignment(party=party, duty=_text(form, f"{prefix}duty{k}", MAX_LINE) or "-")
            for k in range(1, 3)
            if (party := _text(form, f"{prefix}party{k}", MAX_LINE))
        ]
        tasks = []
        for k in range(1, 4):
            task_title = _text(form, f"{prefix}task{k}", MAX_LINE)
            if not task_title:
                continue
            due = _text(form, f"{prefix}task{k}_due", 20)
            tasks.append(
                PlannedTask(
                    title=task_title,
                    owner=_text(form, f"{prefix}task{k}_owner", 64) or None,
                    due_on=_date(form, f"{prefix}task{k}_due") if due else None,
                )
            )
        try:
            activities.append(
                PlannedActivity(
                    activity_id=activity_id,
                    title=title,
                    kind=_text(form, prefix + "kind", 32) or "general",
                    planned_on=_date(form, prefix + "planned_on"),
                    aims=tuple(aims),
                    roles=tuple(roles),
                    tasks=tuple(tasks) or None,
                )
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0])
            field = prefix + {"aims": "aim1", "tasks": "task1"}.get(name, name)
            raise FormError(f"{prefix}{name}: {first['msg']}", field) from exc
    return {"activities": tuple(activities)}


def evaluate_aim(form: dict[str, Any]) -> dict[str, Any]:
    """One aim's rating and comment."""
    return {
        "aim_id": _text(form, "aim_id", 64),
        "rating": _text(form, "rating", 20),
        "comment": _text(form, "comment", 2000),
    }


def evaluations_from(form: dict[str, Any], aim_ids: list[str]) -> list[dict[str, Any]]:
    """The one evaluation form's aims: for each aim of ``aim_ids`` given a rating
    (``rating-<aim id>``), its ``evaluate_aim`` fields with the comment
    (``comment-<aim id>``); aims left without a rating are left out."""
    found = []
    for aim_id in aim_ids:
        rating = _text(form, f"rating-{aim_id}", 20)
        if not rating:
            continue
        found.append(
            {"aim_id": aim_id, "rating": rating, "comment": _text(form, f"comment-{aim_id}", 2000)}
        )
    return found


def task_fields(form: dict[str, Any]) -> dict[str, Any]:
    """The fields of claim/complete/reassign/waive: the task and what each needs."""
    fields: dict[str, Any] = {"task_id": _text(form, "task_id", 80)}
    for name in ("outcome", "reason", "new_owner"):
        if name in form:
            fields[name] = _text(form, name, 2000)
    return fields


def record_activity(form: dict[str, Any]) -> dict[str, Any]:
    """A held activity: date, children, the registered volunteers who came, notes."""
    children = bounded_int(_text(form, "children", 6), 0, 100000)
    if children is None:
        raise FormError("children: 0-100000", "children")
    return {
        "activity_id": _text(form, "activity_id", 64),
        "held_on": _date(form, "activity_held_on"),
        "children": children,
        "volunteer_ids": _many(form, "volunteer_ids"),
        "notes": _text(form, "notes", 4000),
    }


def cancel_activity(form: dict[str, Any]) -> dict[str, Any]:
    """A cancelled activity and why."""
    return {
        "activity_id": _text(form, "activity_id", 64),
        "reason": _text(form, "reason", 20),
        "notes": _text(form, "notes", 4000),
    }


def _nothing(form: dict[str, Any]) -> dict[str, Any]:
    return {}


def set_deadline(form: dict[str, Any]) -> dict[str, Any]:
    """A step and its new due date."""
    return {"step": _text(form, "step", 20), "due": _date(form, "due")}


BUILDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "record_meeting": record_meeting,
    "close_discussion": _nothing,
    "submit_policy": lambda form: {"text": _text(form, "text")},
    "cast_vote": cast_vote,
    "close_vote": _nothing,
    "submit_plan": submit_plan,
    "evaluate_aim": evaluate_aim,
    "close_cycle": _nothing,
    "claim_task": task_fields,
    "complete_task": task_fields,
    "reassign_task": task_fields,
    "waive_task": task_fields,
    "record_activity": record_activity,
    "cancel_activity": cancel_activity,
    "set_deadline": set_deadline,
    "pause_cycle": lambda form: {"reason": _text(form, "reason", 2000)},
    "resume_cycle": _nothing,
    "remind": lambda form: {"step": _text(form, "step", 20)},
}


def command_from(kind: str, form: dict[str, Any], actor: str) -> Command:
    """The command ``kind`` from ``form``, given by ``actor`` (the session's person)."""
    fields = BUILDERS[kind](form)
    return _build({**fields, "kind": kind, "actor": actor})

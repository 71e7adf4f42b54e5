"""Coordination tasks and activity records: what the coordinate and act steps are made of.

Each planned activity brings a checklist of tasks (連絡調整: recruit readers, book the
community hall, arrange insurance…). A task has an owner, a due date and a status; the
coordinate step closes by itself when every task is completed or waived. The act step
records, for each activity, that it was held (date, children, volunteers, notes) or
cancelled (weather, disaster); it closes by itself when every activity has its record.

Pure data and pure functions: no Temporal, no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from domain.base import Frozen
from domain.limits import TitleText

TaskTitle = TitleText

#: How long before an activity its coordination should be done. A task is due this many
#: days before its activity, but never after the coordinate step's own due date.
LEAD_DAYS = 14

#: The default checklist of each kind of activity (from the seeds: recruit volunteers,
#: book halls, arrange insurance). ``general`` is used for kinds not listed here.
DEFAULT_CHECKLISTS: dict[str, tuple[str, ...]] = {
    "reading": ("読み手の募集", "図書の準備", "保険の手配"),
    "patrol": ("見守り当番表の作成", "保険の手配"),
    "event": ("会場（公民館）の予約", "ボランティアの募集", "保険の手配", "用具の準備"),
    "dance": ("会場（公民館）の予約", "ボランティアの募集", "保険の手配", "用具の準備"),
    "tea": ("会場（公民館）の予約", "ボランティアの募集", "保険の手配", "用具の準備"),
    "disaster_prevention": ("避難訓練の日程調整", "地域の防災団体への依頼", "保険の手配"),
    "career": ("講師（地域の事業所）への依頼", "会場の準備", "保険の手配"),
    "school_support": ("ボランティアの募集", "保険の手配"),
    "traditional_culture": ("ボランティアの募集", "保険の手配"),
    "general": ("ボランティアの募集", "保険の手配"),
}

#: Every kind of activity the rules know, in the order a plan form offers them (each has
#: a label ``kind_<kind>`` in the catalogue); ``general`` (その他) last.
ACTIVITY_KINDS: tuple[str, ...] = tuple(DEFAULT_CHECKLISTS)


class PlannedTask(Frozen):
    """One line of an activity's checklist as written in the plan. Owner and due date
    are optional: left out, the owner goes round the council's coordinators and the due
    date follows the activity's date."""

    title: TaskTitle
    owner: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    due_on: date | None = None


class TaskStatus(StrEnum):
    """Where a coordination task stands."""

    OPEN = "open"  # 未完了
    COMPLETED = "completed"  # 完了
    WAIVED = "waived"  # 不要（理由つき）


class CoordinationTask(BaseModel):
    """A coordination task of one activity. ``task_id`` is ``<activity_id>-t<n>``."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    activity_id: str
    title: str
    owner: str | None
    due_on: date
    status: TaskStatus = TaskStatus.OPEN
    # A coordinator confirmed they are on it (claim); an assigned task is not yet claimed.
    claimed: bool = False
    outcome: str | None = None
    waive_reason: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether the task still needs doing."""
        return self.status is TaskStatus.OPEN


class CancelReason(StrEnum):
    """Why an activity did not take place."""

    WEATHER = "weather"  # 荒天
    DISASTER = "disaster"  # 災害
    OTHER = "other"  # その他


class ActivityOutcome(StrEnum):
    """What became of a planned activity."""

    HELD = "held"  # 実施
    CANCELLED = "cancelled"  # 中止


class ActivityRecord(Frozen):
    """The record of one activity: held (with attendance) or cancelled (with a reason).
    Volunteers are registry ids only; their names stay in the store."""

    activity_id: str
    outcome: ActivityOutcome
    held_on: date | None = None
    children: int | None = None
    volunteer_ids: tuple[str, ...] = ()
    notes: str = ""
    cancel_reason: CancelReason | None = None
    recorded_by: str
    recorded_at: datetime


def checklist(kind: str, planned: Sequence[PlannedTask] | None) -> tuple[PlannedTask, ...]:
    """The tasks of one activity: those written in the plan, else its kind's default."""
    if planned is not None:
        return tuple(planned)
    titles = DEFAULT_CHECKLISTS.get(kind, DEFAULT_CHECKLISTS["general"])
    return tuple(PlannedTask(title=title) for title in titles)


def task_id(activity_id: str, number: int) -> str:
    """The id of the ``number``-th (1-based) task of an activity."""
    return f"{activity_id}-t{number}"


def default_due(planned_on: date, coordinate_due: date | None, earliest: date) -> date:
    """``LEAD_DAYS`` before the activity, capped by the coordinate step's due date, and
    never before ``earliest`` (the day the plan was submitted): a plan submitted late
    must not create tasks that are overdue at birth."""
    due = planned_on - timedelta(days=LEAD_DAYS)
    if coordinate_due is not None:
        due = min(due, coordinate_due)
    return max(due, earliest)


def all_closed(tasks: Sequence[CoordinationTask]) -> bool:
    """Whether every task is completed or waived (the coordinate step may close)."""
    return all(not t.is_open for t in tasks)

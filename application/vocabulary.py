"""The words of the domain that the faces name: roles, steps, the commands' inputs, the
cycle's state, Japan's time zone, the store's "not found". The console and the CLI import
them from here — the application layer — and nothing below it (issue 20: one door)."""

from __future__ import annotations

from domain.base import COMMAND_INPUTS, STEP_ORDER, STEP_OWNERS, SYSTEM_ACTOR, Role, Step
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
from domain.japan_time import JAPAN, calendar_year, japan_date
from domain.limits import refusal_of
from domain.meeting_calls import (
    CALLER_ROLES,
    Answer,
    CallMeetingInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
)
from domain.model import (
    Aim,
    AimRating,
    Ballot,
    CycleState,
    PlannedActivity,
    PolicyStatus,
    PolicyVersion,
    RoleAssignment,
)
from domain.refusals import Lang
from domain.sanity import year_window
from domain.scenario import MissingHolder, full_year
from domain.scenario import Texts as ScenarioTexts
from domain.tasks import ACTIVITY_KINDS, CancelReason, PlannedTask, TaskStatus
from domain.text_rules import BIDI_CONTROLS, LINE_SEPARATORS
from domain.volunteers import VolunteerKind
from reports.wareki import wareki
from store import NotFound, VolunteerEntry
from store.access_tokens import MAX_TOKEN_NAME, TokenRecord
from store.audit_anchor import Anchor, InvalidAnchor, parse_anchors
from store.board import OverviewRow
from store.board_summary import MunicipalitySummary
from store.volunteers import VolunteerRow

__all__ = [
    "ACTIVITY_KINDS",
    "BIDI_CONTROLS",
    "CALLER_ROLES",
    "COMMAND_INPUTS",
    "JAPAN",
    "LINE_SEPARATORS",
    "MAX_TOKEN_NAME",
    "STEP_ORDER",
    "STEP_OWNERS",
    "SYSTEM_ACTOR",
    "Aim",
    "AimRating",
    "Anchor",
    "Answer",
    "Ballot",
    "CallMeetingInput",
    "CancelActivityInput",
    "CancelReason",
    "CastVoteInput",
    "ClaimTaskInput",
    "CloseCycleInput",
    "CloseDiscussionInput",
    "CloseVoteInput",
    "Command",
    "CompleteStepInput",
    "CompleteTaskInput",
    "CorrectMinutesInput",
    "CycleState",
    "EvaluateAimInput",
    "InvalidAnchor",
    "Lang",
    "MissingHolder",
    "MunicipalitySummary",
    "NotFound",
    "OverviewRow",
    "PauseCycleInput",
    "PlannedActivity",
    "PlannedTask",
    "PolicyStatus",
    "PolicyVersion",
    "PublishMinutesInput",
    "ReassignTaskInput",
    "RecordActivityInput",
    "RecordMeetingInput",
    "RemindInput",
    "ReplyToCallInput",
    "ResumeCycleInput",
    "Role",
    "RoleAssignment",
    "ScenarioTexts",
    "SetDeadlineInput",
    "Step",
    "SubmitPlanInput",
    "SubmitPolicyInput",
    "TaskStatus",
    "TokenRecord",
    "VolunteerEntry",
    "VolunteerKind",
    "VolunteerRow",
    "WaiveTaskInput",
    "calendar_year",
    "full_year",
    "japan_date",
    "parse_anchors",
    "refusal_of",
    "wareki",
    "year_window",
]

"""The words of the domain that the faces name: roles, steps, the commands' inputs, the
cycle's state, Japan's time zone, the store's "not found". The console and the CLI import
them from here — the application layer — and nothing below it (issue 20: one door)."""

from __future__ import annotations

from domain.base import STEP_ORDER, STEP_OWNERS, Role, Step
from domain.commands import Command
from domain.japan_time import JAPAN
from domain.meeting_calls import (
    CALLER_ROLES,
    Answer,
    CallMeetingInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
)
from domain.model import Aim, CycleState, PlannedActivity, PolicyStatus, RoleAssignment
from domain.refusals import Lang
from domain.tasks import PlannedTask
from store import NotFound
from store.access_tokens import MAX_TOKEN_NAME, TokenRecord
from store.volunteers import VolunteerRow

__all__ = [
    "CALLER_ROLES",
    "JAPAN",
    "MAX_TOKEN_NAME",
    "STEP_ORDER",
    "STEP_OWNERS",
    "Aim",
    "Answer",
    "CallMeetingInput",
    "Command",
    "CorrectMinutesInput",
    "CycleState",
    "Lang",
    "NotFound",
    "PlannedActivity",
    "PlannedTask",
    "PolicyStatus",
    "PublishMinutesInput",
    "ReplyToCallInput",
    "Role",
    "RoleAssignment",
    "Step",
    "TokenRecord",
    "VolunteerRow",
]

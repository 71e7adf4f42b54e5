"""Names and inputs of the volunteer request workflow and its activities, importable
without Temporal or the store. Ids only: no names or contacts travel in a request's
history."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.volunteer_requests import (
    INVITED_MAX,
    NoticeKind,
    Reply,
    RequestSpec,
    RequestState,
    VolunteerId,
)

WORKFLOW_NAME = "VolunteerRequestWorkflow"
STATE_QUERY = "state"
UPDATE_INVITE = "invite"
UPDATE_ANSWER = "answer"
UPDATE_CANCEL = "cancel"

RECORD_REQUEST = "record_volunteer_request"
NOTIFY_VOLUNTEERS = "notify_volunteers"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequestInput(_Model):
    """Start a request's workflow."""

    spec: RequestSpec
    created_by: str = Field(min_length=1, max_length=64)


class InviteInput(_Model):
    """Send the request to these registered volunteers."""

    volunteer_ids: tuple[VolunteerId, ...] = Field(min_length=1, max_length=INVITED_MAX)


class AnswerInput(_Model):
    """A volunteer's reply (from their link, or an accepted public application)."""

    volunteer_id: VolunteerId
    reply: Reply


class CancelInput(_Model):
    """The activity is cancelled."""

    reason: str = Field(default="", max_length=200)


class RecordRequestInput(_Model):
    """Write the request's state to the store (the newest version wins)."""

    state: RequestState
    workflow_id: str
    at: datetime


class NotifyVolunteersInput(_Model):
    """Tell ``volunteer_ids`` about the request; idempotent by (request, version, kind,
    volunteer)."""

    request_key: str
    version: int
    kind: NoticeKind
    volunteer_ids: tuple[str, ...]
    at: datetime

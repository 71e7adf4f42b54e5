"""Inputs and results of activities. Pure pydantic: workflows import these safely."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.deadlines import DeadlineRules
from domain.events import CycleEvent, Notice
from domain.model import CarriedFinding, Roster, Step, VoteRule


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LoadCouncilInput(_Model):
    """Which council's set-up to read from the store."""

    council_id: str


class CouncilSetup(_Model):
    """What a cycle needs to know about its council: roster (ids and roles only, never
    names) and the municipality's vote rule."""

    council_id: str
    municipality_id: str
    roster: Roster
    vote_rule: VoteRule
    deadline_rules: DeadlineRules = DeadlineRules()
    # The rule changes the cycle opened with (workflow.patched; docs/upgrading-workflows.md).
    # Set by the workflow, not read from the council: kept with the set-up so that a
    # restored cycle decides with the rules it started with.
    rule_changes: tuple[str, ...] = ()


class RecordCycleOpenedInput(_Model):
    """A cycle has opened: create its row (idempotent by council and year)."""

    council_id: str
    fiscal_year: int
    opened_at: datetime
    workflow_id: str
    run_id: str
    carried_over: tuple[CarriedFinding, ...] = ()
    # Every step's due date as the cycle opened with them (the board's overdue view).
    due_dates: dict[Step, date] = {}
    # The council set-up the cycle opened with, kept for ``cycle restore``; ``None`` from
    # runs started before it was recorded.
    setup: CouncilSetup | None = None
    # A run restored from the store: its row exists already and now names this run.
    restored: bool = False


class RecordEventInput(_Model):
    """An accepted command to record (idempotent by the event's business key)."""

    event: CycleEvent
    workflow_id: str
    run_id: str


class NotifyInput(_Model):
    """Deliver one notice of one event. Idempotent by (event key, template, recipient)."""

    council_id: str
    fiscal_year: int
    event_seq: int
    step: str
    notice: Notice
    # The workflow of a notice that is not the cycle's (an opinion, a survey): its events
    # are numbered by that workflow, so its key names it instead of the cycle's year.
    key_scope: str | None = None


class Channel(StrEnum):
    """Outside channels; the inbox is not one of them (it is always written)."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class NotifyResult(_Model):
    """What ``notify`` did: inbox messages that were new, and the outbox rows (one per
    person and outside channel) the workflow must now deliver, new or not."""

    inbox_new: int
    deliveries: tuple[str, ...] = ()
    #: The start-to-close timeout of each ``deliver`` attempt, from this worker's senders.
    attempt_timeout: timedelta = timedelta(minutes=2)


class DeliverInput(_Model):
    """Deliver one outbox row. Idempotent by its key: a row already sent is not sent again."""

    delivery_key: str = Field(min_length=1)


class DeliveryFailedInput(_Model):
    """Every retry of a delivery is spent: record it as failed for good."""

    delivery_key: str = Field(min_length=1)
    reason: str


# Activity names, so that workflows can call them without importing the store (and with
# it SQLAlchemy) into the workflow sandbox.
LOAD_COUNCIL = "load_council"
RECORD_CYCLE_OPENED = "record_cycle_opened"
RECORD_EVENT = "record_event"
NOTIFY = "notify"
DELIVER = "deliver"
RECORD_DELIVERY_FAILED = "record_delivery_failed"


class CheckVolunteersInput(_Model):
    """May these registered volunteers be recorded at the council's activity held ``on``?"""

    council_id: str
    volunteer_ids: tuple[str, ...]
    on: date


class VolunteerCheck(_Model):
    """The answer: ``code`` is ``None`` when every volunteer may be recorded, else the
    refusal code (``volunteer_expired``…) and its params, naming the first volunteer."""

    code: str | None = None
    params: dict[str, str] = {}


CHECK_VOLUNTEERS = "check_volunteers"

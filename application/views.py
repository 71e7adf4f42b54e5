"""The models the CLI prints with ``--json``. Their shape is documented in
``docs/cli-json.md``; change them only together with that page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.events import Change
from domain.model import Step


class StartOutcome(StrEnum):
    """What ``start_cycle`` found: a cycle it started, or one that already existed."""

    STARTED = "started"
    ALREADY_RUNNING = "already_running"
    ALREADY_CLOSED = "already_closed"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HistoryEntry(_View):
    """One accepted command of a council's cycle, as recorded in the store. Names are
    left out on purpose: the JSON carries opaque member ids only."""

    fiscal_year: int
    seq: int
    at: datetime
    step_before: Step
    step_after: Step
    action: str
    actor: str
    changes: list[Change]


class StartResult(_View):
    """What ``cycle start`` did for one council."""

    council_id: str
    fiscal_year: int
    workflow_id: str
    outcome: StartOutcome


class InboxEntry(_View):
    """One notification in a person's inbox (``read_at`` is ``null`` while unread)."""

    id: int
    council_id: str
    fiscal_year: int
    step: str
    event_seq: int
    template: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


class LoadResult(_View):
    """What ``load`` changed: rows inserted, updated and deleted, and how many of each
    kind of thing the file describes."""

    municipality_id: str
    inserted: int
    updated: int
    deleted: int
    districts: int
    schools: int
    people: int
    councils: int
    staff: int

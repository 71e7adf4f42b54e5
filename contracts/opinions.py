"""Names and inputs of the opinion and survey workflows and their activities, importable
without Temporal (the application, the worker and tests share them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.model import Roster, VoteRule
from domain.opinions import DraftOpinionInput, OpinionEvent, OpinionRules, OpinionState
from domain.surveys import OpenSurveyInput, SurveyState

OPINION_WORKFLOW = "CouncilOpinionWorkflow"
SURVEY_WORKFLOW = "CouncilSurveyWorkflow"
#: Both workflows answer their whole state to this query.
STATE_QUERY = "state"

LOAD_OPINION_SETUP = "load_opinion_setup"
RECORD_OPINION = "record_opinion"
RECORD_SURVEY = "record_survey"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OpinionInput(_Model):
    """Start one opinion: the chair's draft, numbered within the council's year."""

    council_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    fiscal_year: int = Field(ge=2000, le=2200)
    number: int = Field(ge=1, le=1000)
    draft: DraftOpinionInput


class LoadOpinionSetupInput(_Model):
    """Which council's roster, vote rule and opinion rules to read."""

    council_id: str


class OpinionSetup(_Model):
    """The council's roster (ids and roles), its municipality's vote rule and how its
    opinions' answers are chased."""

    roster: Roster
    vote_rule: VoteRule
    rules: OpinionRules


class RecordOpinionInput(_Model):
    """An opinion's state after an event: its store row follows (idempotent by seq)."""

    workflow_id: str
    state: OpinionState
    event: OpinionEvent


class RecordSurveyInput(_Model):
    """A survey opened (``opened`` given), closed or screened: its store rows follow."""

    workflow_id: str
    state: SurveyState
    opened: OpenSurveyInput | None = None

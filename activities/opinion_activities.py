"""Activities of the opinion and survey workflows: read the council's set-up, write the
opinion's and the survey's rows. Idempotent by the workflow id and the event's number."""

from __future__ import annotations

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import store
from contracts.opinions import (
    LOAD_OPINION_SETUP,
    RECORD_OPINION,
    RECORD_SURVEY,
    LoadOpinionSetupInput,
    OpinionSetup,
    RecordOpinionInput,
    RecordSurveyInput,
)
from store.errors import NotFound
from store.opinions import opinion_setup, record_opinion
from store.surveys import record_survey


class OpinionActivities:
    """The activities, bound to one database engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name=LOAD_OPINION_SETUP)
    def load_opinion_setup(self, data: LoadOpinionSetupInput) -> OpinionSetup:
        """The council's roster, vote rule and its municipality's opinion rules."""
        try:
            with store.session_scope(self._engine) as session:
                return opinion_setup(session, data.council_id)
        except NotFound as missing:
            raise ApplicationError(str(missing), type="NotFound", non_retryable=True) from None

    @activity.defn(name=RECORD_OPINION)
    def record_opinion(self, data: RecordOpinionInput) -> bool:
        """Bring the opinion's row up to the event; ``False`` when it was there."""
        with store.session_scope(self._engine) as session:
            return record_opinion(session, data)

    @activity.defn(name=RECORD_SURVEY)
    def record_survey(self, data: RecordSurveyInput) -> bool:
        """Write the survey's opening, closing or screening."""
        with store.session_scope(self._engine) as session:
            return record_survey(session, data)

"""A council's school-evaluation survey of one year as a durable workflow: it opens, takes
answers until its closing date (its timer) or until the chair closes it, and stays to
serve the chair's screening of comments until the fiscal year ends.

The answers themselves do not pass through here: they are anonymous (no principal, so no
actor a rule could check), hundreds per school, and each would be an update in the
history. The public page writes them straight to the store, which takes one per device
and none after ``closes_at`` (the store's check and this workflow's timer agree on the
same moment, ``domain.surveys.closing_moment``). Id: ``council-survey/<council>/<year>``.
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.opinions import (
        LOAD_OPINION_SETUP,
        RECORD_SURVEY,
        STATE_QUERY,
        SURVEY_WORKFLOW,
        LoadOpinionSetupInput,
        OpinionSetup,
        RecordSurveyInput,
    )
    from contracts.retry_policies import RECORD_RETRY, STORE_TIMEOUT
    from domain.base import Role
    from domain.refusals import Refusal
    from domain.surveys import (
        CloseSurveyInput,
        OpenSurveyInput,
        ScreenCommentInput,
        SurveyState,
        close_at_date,
        closing_moment,
        decide_survey,
        new_survey,
    )
    from workflows.alarm_clock import AlarmClock
    from workflows.failures import refused as _refused


@workflow.defn(name=SURVEY_WORKFLOW)
class CouncilSurveyWorkflow:
    """Open → closed (by date or by the chair) → screened until the year ends."""

    def __init__(self) -> None:
        self._state: SurveyState | None = None
        self._changes = 0
        self._applied: set[str] = set()

    @workflow.run
    async def run(self, data: OpenSurveyInput) -> SurveyState:
        """Open the survey; close it at its date; serve screening until the year ends."""
        setup: OpinionSetup = await workflow.execute_activity(
            LOAD_OPINION_SETUP,
            LoadOpinionSetupInput(council_id=data.council_id),
            result_type=OpinionSetup,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        if Role.CHAIR not in setup.roster.roles_of(data.actor):
            raise _refused(Refusal("survey_chair_only"))
        self._state = new_survey(data, setup.roster, workflow.now())
        await self._record(opened=data)
        timer = AlarmClock()
        try:
            timer.set(self._current.closes_at)
            await workflow.wait_condition(lambda: timer.rang or self._current.closed_at is not None)
            if self._current.closed_at is None:
                self._state = close_at_date(self._current, workflow.now())
                self._changes += 1
                await self._record()
            # The chair screens comments while the council evaluates: until the year ends.
            timer.set(closing_moment(date(data.fiscal_year + 1, 3, 31)))
            await workflow.wait_condition(lambda: timer.rang)
        finally:
            timer.set(None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._current

    @property
    def _current(self) -> SurveyState:
        assert self._state is not None, "read only after the survey opened"
        return self._state

    @workflow.query(name=STATE_QUERY)
    def state(self) -> SurveyState | None:
        """The survey's lifecycle; ``None`` for the moment while it opens."""
        return self._state

    @workflow.update(name="close_survey")
    async def close_survey(self, cmd: CloseSurveyInput) -> bool:
        """The chair closes the survey before its date."""
        return await self._accept(cmd)

    @close_survey.validator
    def _check_close(self, cmd: CloseSurveyInput) -> None:
        self._validate(cmd)

    @workflow.update(name="screen_comment")
    async def screen_comment(self, cmd: ScreenCommentInput) -> bool:
        """The chair shows or hides one comment."""
        return await self._accept(cmd)

    @screen_comment.validator
    def _check_screen(self, cmd: ScreenCommentInput) -> None:
        self._validate(cmd)

    def _update_id(self) -> str | None:
        info = workflow.current_update_info()
        return None if info is None else info.id

    def _validate(self, cmd: CloseSurveyInput | ScreenCommentInput) -> None:
        if self._update_id() in self._applied:
            return
        if self._state is None:
            raise _refused(Refusal("cycle_opening"))
        try:
            decide_survey(self._state, cmd, workflow.now())
        except Refusal as refusal:
            raise _refused(refusal) from None

    async def _accept(self, cmd: CloseSurveyInput | ScreenCommentInput) -> bool:
        update_id = self._update_id()
        if update_id is not None and update_id in self._applied:
            return False
        try:
            self._state = decide_survey(self._current, cmd, workflow.now())
        except Refusal as refusal:
            raise _refused(refusal) from None
        if update_id is not None:
            self._applied.add(update_id)
        self._changes += 1
        await self._record()
        return True

    async def _record(self, opened: OpenSurveyInput | None = None) -> None:
        await workflow.execute_activity(
            RECORD_SURVEY,
            RecordSurveyInput(
                workflow_id=workflow.info().workflow_id, state=self._current, opened=opened
            ),
            result_type=bool,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )


if __name__ == "__main__":  # pragma: no cover - the sandbox re-imports workflow modules
    raise SystemExit("this module defines a workflow; run `python -m worker` instead")

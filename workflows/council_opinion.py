"""One opinion of a council (意見申出) as a durable workflow: under vote, then sent and
awaiting its answer, chased by reminders, an overdue notice and an escalation to the
board, until the addressee answers (or the vote rejected it).

Thin around ``domain.opinions``: each update's validator asks the rules on the current
state, its handler applies the decision, records the opinion's row through an activity
and hands the notices to the notification activity. Id: ``council-opinion/<council>/
<year>/<n>`` (no personal data), so its payloads are encrypted with a key of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import NOTIFY, NotifyInput, NotifyResult
    from contracts.cycle import notification_queue
    from contracts.opinions import (
        LOAD_OPINION_SETUP,
        OPINION_WORKFLOW,
        RECORD_OPINION,
        STATE_QUERY,
        LoadOpinionSetupInput,
        OpinionInput,
        OpinionSetup,
        RecordOpinionInput,
    )
    from contracts.retry_policies import NOTIFY_RETRY, RECORD_RETRY, STORE_TIMEOUT
    from domain.opinions import (
        AnswerOpinionInput,
        CloseOpinionVoteInput,
        OpinionBallotInput,
        OpinionCommand,
        OpinionDecision,
        OpinionState,
        OpinionStatus,
        decide_opinion,
        fire_opinion_alert,
        new_opinion,
        pending_opinion_alert,
    )
    from domain.refusals import Refusal
    from workflows.alarm_clock import AlarmClock
    from workflows.delivery import deliver_all
    from workflows.failures import refused as _refused


@workflow.defn(name=OPINION_WORKFLOW)
class CouncilOpinionWorkflow:
    """From the chair's draft to the addressee's answer (or the council's rejection)."""

    def __init__(self) -> None:
        self._state: OpinionState | None = None
        self._changes = 0
        self._applied: dict[str, int] = {}
        self._notifications: list[asyncio.Future[None]] = []

    @workflow.run
    async def run(self, data: OpinionInput) -> OpinionState:
        """Open the vote, then wait for the vote's end and the answer, alerting on time."""
        setup: OpinionSetup = await workflow.execute_activity(
            LOAD_OPINION_SETUP,
            LoadOpinionSetupInput(council_id=data.council_id),
            result_type=OpinionSetup,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        try:
            decision = new_opinion(
                data.council_id, data.fiscal_year, data.number, data.draft, setup.roster,
                workflow.now(), setup.vote_rule, setup.rules,
            )  # fmt: skip
        except Refusal as refusal:
            raise _refused(refusal) from None
        await self._commit(decision)
        timer = AlarmClock()
        try:
            while self._current.status in (OpinionStatus.VOTING, OpinionStatus.SENT):
                alert = pending_opinion_alert(self._current)
                now = workflow.now()
                if alert is not None and alert.at <= now:
                    await self._commit(fire_opinion_alert(self._current, alert, now))
                    continue
                timer.set(None if alert is None else alert.at)
                seen = self._changes
                await workflow.wait_condition(self._woken(seen, timer))
        finally:
            timer.set(None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._notifications:
            await asyncio.gather(*self._notifications)
        return self._current

    @property
    def _current(self) -> OpinionState:
        assert self._state is not None, "read only after the opinion opened"
        return self._state

    def _woken(self, seen: int, timer: AlarmClock) -> Callable[[], bool]:
        return lambda: self._changes != seen or timer.rang

    @workflow.query(name=STATE_QUERY)
    def state(self) -> OpinionState | None:
        """The opinion as it stands; ``None`` for the moment while it opens."""
        return self._state

    @workflow.update(name="opinion_ballot")
    async def opinion_ballot(self, cmd: OpinionBallotInput) -> int:
        """A voting member's ballot."""
        return await self._accept(cmd)

    @opinion_ballot.validator
    def _check_ballot(self, cmd: OpinionBallotInput) -> None:
        self._validate(cmd)

    @workflow.update(name="close_opinion_vote")
    async def close_opinion_vote(self, cmd: CloseOpinionVoteInput) -> int:
        """The chair closes the vote: passed sends the opinion."""
        return await self._accept(cmd)

    @close_opinion_vote.validator
    def _check_close(self, cmd: CloseOpinionVoteInput) -> None:
        self._validate(cmd)

    @workflow.update(name="answer_opinion")
    async def answer_opinion(self, cmd: AnswerOpinionInput) -> int:
        """The addressee's answer."""
        return await self._accept(cmd)

    @answer_opinion.validator
    def _check_answer(self, cmd: AnswerOpinionInput) -> None:
        self._validate(cmd)

    def _update_id(self) -> str | None:
        info = workflow.current_update_info()
        return None if info is None else info.id

    def _validate(self, cmd: OpinionCommand) -> None:
        update_id = self._update_id()
        if update_id is not None and update_id in self._applied:
            return  # a repeat: answered with the first event's number
        if self._state is None:
            raise _refused(Refusal("cycle_opening"))
        try:
            decide_opinion(self._state, cmd, workflow.now())
        except Refusal as refusal:
            raise _refused(refusal) from None

    async def _accept(self, cmd: OpinionCommand) -> int:
        update_id = self._update_id()
        if update_id is not None and update_id in self._applied:
            return self._applied[update_id]
        try:
            decision = decide_opinion(self._current, cmd, workflow.now())
        except Refusal as refusal:
            raise _refused(refusal) from None
        if update_id is not None:
            self._applied[update_id] = decision.event.seq
        await self._commit(decision)
        return decision.event.seq

    async def _commit(self, decision: OpinionDecision) -> None:
        self._state = decision.state
        self._changes += 1
        info = workflow.info()
        await workflow.execute_activity(
            RECORD_OPINION,
            RecordOpinionInput(
                workflow_id=info.workflow_id, state=decision.state, event=decision.event
            ),
            result_type=bool,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        for notice in decision.event.notices:
            if not notice.recipients:
                continue
            handle = workflow.start_activity(
                NOTIFY,
                NotifyInput(
                    council_id=decision.state.council_id,
                    fiscal_year=decision.state.fiscal_year,
                    event_seq=decision.event.seq,
                    step="opinion",
                    notice=notice,
                    key_scope=info.workflow_id,
                ),
                result_type=NotifyResult,
                task_queue=notification_queue(info.task_queue),
                start_to_close_timeout=timedelta(minutes=2),
                schedule_to_close_timeout=timedelta(days=3),
                retry_policy=NOTIFY_RETRY,
            )
            self._notifications.append(asyncio.ensure_future(deliver_all(handle)))


if __name__ == "__main__":  # pragma: no cover - the sandbox re-imports workflow modules
    raise SystemExit("this module defines a workflow; run `python -m worker` instead")

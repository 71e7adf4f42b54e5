"""One volunteer request (ボランティア依頼・募集) as a durable workflow.

Thin: every decision is ``domain.volunteer_requests``'s. Updates (invite, answer, cancel)
ask the rules in their validator (a refusal never enters the history) and apply them in
their handler; the run loop sleeps until the rules' next moment (the reply deadline, the
reminder at 09:00 JST the day before, the end of the activity's day) or until an update
changes the state, then lets the clock's rule act. Each change is written to the store and
its notices handed to the ``notify_volunteers`` activity. The workflow id is the business
key ``volunteer-request/<council>/<year>/<n>``; only volunteer ids travel in its history.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.cycle import notification_queue
    from contracts.retry_policies import NOTIFY_RETRY, RECORD_RETRY, STORE_TIMEOUT
    from contracts.volunteer_requests import (
        NOTIFY_VOLUNTEERS,
        RECORD_REQUEST,
        STATE_QUERY,
        UPDATE_ANSWER,
        UPDATE_CANCEL,
        UPDATE_INVITE,
        WORKFLOW_NAME,
        AnswerInput,
        CancelInput,
        InviteInput,
        NotifyVolunteersInput,
        RecordRequestInput,
        RequestInput,
    )
    from domain.refusals import Refusal
    from domain.volunteer_requests import (
        Change,
        NoticeKind,
        RequestState,
        answer,
        cancel,
        invite,
        next_timer,
        on_time,
        open_request,
    )
    from workflows.failures import refused


@workflow.defn(name=WORKFLOW_NAME)
class VolunteerRequestWorkflow:
    """A request from the moment it is made until the activity's day is over (or it is
    cancelled)."""

    def __init__(self) -> None:
        self._state: RequestState | None = None
        self._notices: list[asyncio.Task[None]] = []

    @workflow.run
    async def run(self, data: RequestInput) -> RequestState:
        """Open the request, then act on time and on updates until it is finished."""
        try:
            state = open_request(data.spec, workflow.now())
        except Refusal as refusal:
            raise refused(refusal) from refusal
        await self._apply(Change(state))
        while True:
            current = self._state
            assert current is not None
            at = next_timer(current)
            if at is None:
                break
            await self._sleep_until(at, current.version)
            await self._apply(on_time(self._now(), workflow.now()))
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._notices:
            await asyncio.gather(*self._notices)
        return self._now()

    async def _sleep_until(self, at: datetime, version: int) -> None:
        """Sleep until ``at`` or until an update changes the request from ``version``."""
        wait = max((at - workflow.now()).total_seconds(), 0.0)
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._now().version != version, timeout=timedelta(seconds=wait)
            )

    def _now(self) -> RequestState:
        assert self._state is not None
        return self._state

    @workflow.query(name=STATE_QUERY)
    def state(self) -> RequestState | None:
        """The request as it stands."""
        return self._state

    @workflow.update(name=UPDATE_INVITE)
    async def invite(self, data: InviteInput) -> RequestState:
        """Send the request to registered volunteers."""
        return await self._apply(
            self._decide(lambda s: invite(s, data.volunteer_ids, workflow.now()))
        )

    @invite.validator
    def _check_invite(self, data: InviteInput) -> None:
        self._decide(lambda s: invite(s, data.volunteer_ids, workflow.now()))

    @workflow.update(name=UPDATE_ANSWER)
    async def answer(self, data: AnswerInput) -> RequestState:
        """A volunteer's 参加できる / できない."""
        return await self._apply(
            self._decide(lambda s: answer(s, data.volunteer_id, data.reply, workflow.now()))
        )

    @answer.validator
    def _check_answer(self, data: AnswerInput) -> None:
        self._decide(lambda s: answer(s, data.volunteer_id, data.reply, workflow.now()))

    @workflow.update(name=UPDATE_CANCEL)
    async def cancel(self, data: CancelInput) -> RequestState:
        """The activity is cancelled: tell the confirmed and waiting volunteers."""
        return await self._apply(self._decide(cancel))

    def _decide(self, rule: Callable[[RequestState], Change]) -> Change:
        if self._state is None:
            raise refused(Refusal("request_not_open"))
        try:
            return rule(self._state)
        except Refusal as refusal:
            raise refused(refusal) from refusal

    async def _apply(self, change: Change) -> RequestState:
        """Take the rules' new state, record it, and send its notices beside the run."""
        before = self._state
        self._state = change.state
        if before is not None and change.state.version == before.version:
            return change.state
        state = change.state
        await workflow.execute_activity(
            RECORD_REQUEST,
            RecordRequestInput(
                state=state, workflow_id=workflow.info().workflow_id, at=workflow.now()
            ),
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        for notice in change.notices:
            self._notices.append(
                asyncio.create_task(self._notify(state, notice.kind, notice.volunteer_ids))
            )
        return state

    async def _notify(
        self, state: RequestState, kind: NoticeKind, volunteer_ids: tuple[str, ...]
    ) -> None:
        try:
            await workflow.execute_activity(
                NOTIFY_VOLUNTEERS,
                NotifyVolunteersInput(
                    request_key=state.spec.key,
                    version=state.version,
                    kind=kind,
                    volunteer_ids=volunteer_ids,
                    at=workflow.now(),
                ),
                task_queue=notification_queue(workflow.info().task_queue),
                start_to_close_timeout=timedelta(minutes=5),
                schedule_to_close_timeout=timedelta(days=3),
                retry_policy=NOTIFY_RETRY,
            )
        except ActivityError as failed:
            # Three days of retries could not file the notices: say so; the request goes on.
            workflow.logger.error("volunteer notices not filed: %s", failed.cause or failed)


if __name__ == "__main__":  # the sandbox re-imports workflow modules
    pass

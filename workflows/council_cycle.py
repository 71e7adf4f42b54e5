"""The council's yearly cycle as a durable workflow: one per council per fiscal year.

The workflow is a thin shell around ``domain.rules``: every command is an update whose
validator asks the rules (on a copy) and whose handler applies the rules' decision, records
the resulting event in the store and hands the notices to the notification activity.

Next year: closing evaluate starts ``council-cycle/<council>/<year+1>`` as a child workflow
with an abandon close policy, carrying the evaluation's findings. A chained workflow (not
continue-as-new) because each fiscal year has its own business-key workflow ID, its own
history, and must stay queryable after the next year has begun.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts.activities import (
        LOAD_COUNCIL,
        NOTIFY,
        RECORD_CYCLE_OPENED,
        CouncilSetup,
        LoadCouncilInput,
        NotifyInput,
        NotifyResult,
        RecordCycleOpenedInput,
    )
    from contracts.cycle import (
        STATE_QUERY,
        WORKFLOW_NAME,
        CycleInput,
        cycle_workflow_id,
        notification_queue,
    )
    from contracts.retry_policies import NOTIFY_RETRY, RECORD_RETRY, STORE_TIMEOUT
    from domain.commands import (
        CastVoteInput,
        CloseCycleInput,
        CloseDiscussionInput,
        CloseVoteInput,
        Command,
        CompleteStepInput,
        EvaluateAimInput,
        RecordMeetingInput,
        SubmitPlanInput,
        SubmitPolicyInput,
    )
    from domain.events import CommandReceipt, CycleEvent, Notice
    from domain.meeting_calls import pending_call_reminder
    from domain.model import CycleState, Step
    from domain.oversight import pending_alert
    from domain.refusals import Refusal
    from domain.rule_changes import RULE_CHANGES
    from domain.rules import (
        Decision,
        execute,
        findings_for_next_year,
        fire_alert,
        fire_call_reminder,
        fire_task_alert,
        new_cycle,
        step_opened_notices,
    )
    from domain.task_alerts import pending_task_alert
    from workflows.alarm_clock import AlarmClock
    from workflows.applied_commands import AppliedCommands
    from workflows.decision_memo import DecisionMemo
    from workflows.declared_updates import DeclaredUpdates
    from workflows.delivery import deliver_all
    from workflows.event_recording import record_event, records_locally
    from workflows.failures import refused as _refused
    from workflows.meeting_call_updates import MeetingCallUpdates
    from workflows.oversight_updates import OversightUpdates
    from workflows.roster_updates import RosterUpdates
    from workflows.task_updates import TaskUpdates


class CycleResult(BaseModel):
    """How a year's cycle ended, and where the next one lives."""

    council_id: str
    fiscal_year: int
    next_workflow_id: str
    next_started_here: bool


@workflow.defn(name=WORKFLOW_NAME)
class CouncilCycleWorkflow(
    TaskUpdates, OversightUpdates, RosterUpdates, MeetingCallUpdates, DeclaredUpdates
):
    """One council's cycle for one fiscal year, from discuss to the close of evaluate.
    The coordinate and act steps' updates (tasks, activity records) come from
    ``TaskUpdates``, the board of education's (deadline, pause, resume, remind) from
    ``OversightUpdates``, the directory's roster changes from ``RosterUpdates``, meeting
    calls and public minutes from ``MeetingCallUpdates``, and every command declared once
    (``domain.base.CommandInput``) from ``DeclaredUpdates``."""

    def __init__(self) -> None:
        self._state: CycleState | None = None
        self._notifications: list[asyncio.Future[None]] = []
        # Bumped on every accepted command so the deadline loop re-plans its timer.
        self._changes = 0
        # Each update is decided once: by its validator, for its handler.
        self._decided = DecisionMemo()
        # A command re-sent with the id of one already applied answers its receipt.
        self._applied = AppliedCommands()
        # How this run records its events (workflows/event_recording.py), set as it starts.
        self._records_locally = False

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        """Open the cycle (or carry on a restored one), serve commands until evaluate
        closes, then open next year."""
        # First, whichever way the cycle opens: the patch markers' place in the history.
        rule_changes = self._rule_changes()
        self._records_locally = self._record_locally()
        if data.restored is not None:
            await self._record_opened(data, data.restored, None)
            self._state = data.restored
        else:
            await self._open(data, rule_changes)

        await self._serve_until_closed()
        # Let every accepted command finish recording before this run completes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        # Next year opens first: a channel that is down must not hold it up. Then this
        # run waits for its deliveries, which would be abandoned if it completed now.
        result = await self._open_next_year()
        if self._notifications:
            await asyncio.gather(*self._notifications)
        return result

    def _rule_changes(self) -> tuple[str, ...]:
        """The rule changes this cycle opens with. Each is switched on by a patch of the
        same name: true for a cycle this code starts, false for one replaying a history
        recorded before the change, which so keeps the rules it started with
        (docs/upgrading-workflows.md)."""
        return tuple(change for change in RULE_CHANGES if workflow.patched(change))

    def _record_locally(self) -> bool:
        """Whether this run records its events with a local activity (a patch, like the
        rule changes: workflows/event_recording.py)."""
        return records_locally()

    async def _open(self, data: CycleInput, rule_changes: tuple[str, ...]) -> None:
        setup: CouncilSetup = await workflow.execute_activity(
            LOAD_COUNCIL,
            LoadCouncilInput(council_id=data.council_id),
            result_type=CouncilSetup,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        state = new_cycle(
            data.council_id,
            data.fiscal_year,
            setup.roster,
            workflow.now(),
            vote_rule=setup.vote_rule,
            carried_over=list(data.carried_over),
            deadline_rules=setup.deadline_rules,
            rule_changes=rule_changes,
        )
        kept = setup.model_copy(update={"rule_changes": rule_changes})
        await self._record_opened(data, state, kept)
        self._state = state
        for notice in step_opened_notices(state):
            self._send(0, notice)

    async def _record_opened(
        self, data: CycleInput, state: CycleState, setup: CouncilSetup | None
    ) -> None:
        info = workflow.info()
        await workflow.execute_activity(
            RECORD_CYCLE_OPENED,
            RecordCycleOpenedInput(
                council_id=data.council_id,
                fiscal_year=data.fiscal_year,
                opened_at=state.started_at,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
                carried_over=tuple(state.carried_over),
                due_dates=state.due_dates,
                setup=setup,
                restored=data.restored is not None,
            ),
            result_type=bool,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )

    @workflow.query(name=STATE_QUERY)
    def state(self) -> CycleState | None:
        """The whole state of the cycle; ``None`` for the moment while it opens."""
        return self._state

    # --- commands: one update each; validators ask the rules on a copy -------------

    @workflow.update(name="record_meeting")
    async def record_meeting(self, cmd: RecordMeetingInput) -> CommandReceipt:
        """Record a meeting (date, attendance, minutes, vision draft)."""
        return await self._accept(cmd)

    @record_meeting.validator
    def _check_record_meeting(self, cmd: RecordMeetingInput) -> None:
        self._validate(cmd)

    @workflow.update(name="close_discussion")
    async def close_discussion(self, cmd: CloseDiscussionInput) -> CommandReceipt:
        """Close discuss and open approve."""
        return await self._accept(cmd)

    @close_discussion.validator
    def _check_close_discussion(self, cmd: CloseDiscussionInput) -> None:
        self._validate(cmd)

    @workflow.update(name="submit_policy")
    async def submit_policy(self, cmd: SubmitPolicyInput) -> CommandReceipt:
        """Submit (or resubmit) the basic school-management policy for a vote."""
        return await self._accept(cmd)

    @submit_policy.validator
    def _check_submit_policy(self, cmd: SubmitPolicyInput) -> None:
        self._validate(cmd)

    @workflow.update(name="cast_vote")
    async def cast_vote(self, cmd: CastVoteInput) -> CommandReceipt:
        """Cast or change a vote on the policy under vote."""
        return await self._accept(cmd)

    @cast_vote.validator
    def _check_cast_vote(self, cmd: CastVoteInput) -> None:
        self._validate(cmd)

    @workflow.update(name="close_vote")
    async def close_vote(self, cmd: CloseVoteInput) -> CommandReceipt:
        """Close the vote: passed opens plan, rejected waits for a revision."""
        return await self._accept(cmd)

    @close_vote.validator
    def _check_close_vote(self, cmd: CloseVoteInput) -> None:
        self._validate(cmd)

    @workflow.update(name="submit_plan")
    async def submit_plan(self, cmd: SubmitPlanInput) -> CommandReceipt:
        """Submit the plan of activities and open coordinate."""
        return await self._accept(cmd)

    @submit_plan.validator
    def _check_submit_plan(self, cmd: SubmitPlanInput) -> None:
        self._validate(cmd)

    @workflow.update(name="complete_step")
    async def complete_step(self, cmd: CompleteStepInput) -> CommandReceipt:
        """Kept for old clients: coordinate and act now close by themselves, so the
        rules refuse it with that reason."""
        return await self._accept(cmd)

    @complete_step.validator
    def _check_complete_step(self, cmd: CompleteStepInput) -> None:
        self._validate(cmd)

    @workflow.update(name="evaluate_aim")
    async def evaluate_aim(self, cmd: EvaluateAimInput) -> CommandReceipt:
        """Record how far one aim was met."""
        return await self._accept(cmd)

    @evaluate_aim.validator
    def _check_evaluate_aim(self, cmd: EvaluateAimInput) -> None:
        self._validate(cmd)

    @workflow.update(name="close_cycle")
    async def close_cycle(self, cmd: CloseCycleInput) -> CommandReceipt:
        """Close evaluate and with it the year; next year's cycle opens."""
        return await self._accept(cmd)

    @close_cycle.validator
    def _check_close_cycle(self, cmd: CloseCycleInput) -> None:
        self._validate(cmd)

    # --- the shell around the rules -------------------------------------------------

    async def _serve_until_closed(self) -> None:
        """Sleep until the next deadline alert (of a step or of a coordination task) or
        the next accepted command, whichever comes first; raise alerts as they fall due.
        The plan is checked after every command, so a moved deadline, a pause, a resume
        or a completed task takes effect at once; the timer itself is replaced only when
        the time it should wake at changes (most commands leave it as it is, and a timer
        started and cancelled per command was work for the server on every update)."""
        timer = AlarmClock()
        try:
            while self._current.step is not Step.CLOSED:
                alert = pending_alert(self._current)
                task_alert = pending_task_alert(self._current)
                # A call's reminder waits, like every alert, while the cycle is paused.
                call = None if self._current.paused else pending_call_reminder(self._current.calls)
                now = workflow.now()
                if alert is not None and alert.at <= now:
                    await self._commit(fire_alert(self._current, alert, now))
                    continue
                if task_alert is not None and task_alert.at <= now:
                    await self._commit(fire_task_alert(self._current, task_alert, now))
                    continue
                if call is not None and call.at <= now:
                    await self._commit(fire_call_reminder(self._current, call, now))
                    continue
                alarms = (alert, task_alert, call)
                timer.set(min((a.at for a in alarms if a is not None), default=None))
                # When the timer rings the alert is due: the next turn of the loop raises it.
                seen = self._changes
                await workflow.wait_condition(self._woken(seen, timer))
        finally:
            timer.set(None)

    @property
    def _current(self) -> CycleState:
        assert self._state is not None, "state is read only after the cycle opened"
        return self._state

    def _woken(self, seen: int, timer: AlarmClock) -> Callable[[], bool]:
        return lambda: self._changes != seen or timer.rang

    def _validate(self, cmd: Command) -> None:
        self._decided.forget()
        if self._applied.current() is not None:
            return  # a repeat: accepted, and answered with the first receipt
        if self._state is None:
            raise _refused(Refusal("cycle_opening"))
        now = workflow.now()
        try:
            decision = execute(self._state, cmd, now)
        except Refusal as refusal:
            raise _refused(refusal) from None
        self._decided.keep(self._state, now, decision)

    def _repeat(self) -> CommandReceipt | None:
        """The first receipt when the current update's id was applied before."""
        return self._applied.current()

    async def _accept(self, cmd: Command) -> CommandReceipt:
        repeat = self._repeat()
        if repeat is not None:
            return repeat
        now = workflow.now()
        decision = self._decided.take(self._current, now)
        if decision is None:
            # Not validated just now (a replay skips validators) or the state moved on
            # since: the rules decide on the state as it is now.
            try:
                decision = execute(self._current, cmd, now)
            except Refusal as refusal:
                raise _refused(refusal) from None
        receipt = CommandReceipt.of(decision.event, paused=decision.state.paused is not None)
        # Remembered before recording: a repeat arriving meanwhile is not applied again.
        self._applied.remember(receipt)
        await self._commit(decision)
        return receipt

    async def _commit(self, decision: Decision) -> None:
        """Make a decision the state, record it, then send its notices."""
        self._state = decision.state
        self._changes += 1
        await self._record(decision.event)
        for notice in decision.event.notices:
            self._send(decision.event.seq, notice)

    async def _record(self, event: CycleEvent) -> None:
        await record_event(event, locally=self._records_locally)

    def _send(self, seq: int, notice: Notice) -> None:
        if not notice.recipients:
            return
        state = self._current
        handle = workflow.start_activity(
            NOTIFY,
            NotifyInput(
                council_id=state.council_id,
                fiscal_year=state.fiscal_year,
                event_seq=seq,
                step=state.step.value,
                notice=notice,
            ),
            result_type=NotifyResult,
            task_queue=notification_queue(workflow.info().task_queue),
            start_to_close_timeout=timedelta(minutes=2),
            schedule_to_close_timeout=timedelta(days=3),
            retry_policy=NOTIFY_RETRY,
        )
        # Delivery runs beside the cycle: the cycle never waits for a channel.
        self._notifications.append(asyncio.ensure_future(deliver_all(handle)))

    async def _open_next_year(self) -> CycleResult:
        state = self._current
        next_input = CycleInput(
            council_id=state.council_id,
            fiscal_year=state.fiscal_year + 1,
            carried_over=tuple(findings_for_next_year(state)),
        )
        next_id = cycle_workflow_id(next_input.council_id, next_input.fiscal_year)
        started_here = True
        try:
            await workflow.start_child_workflow(
                CouncilCycleWorkflow.run,
                next_input,
                id=next_id,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            )
        except WorkflowAlreadyStartedError:
            # Someone opened next year by hand already; its findings come from its input.
            started_here = False
            workflow.logger.warning("next year's cycle %s already exists", next_id)
        return CycleResult(
            council_id=state.council_id,
            fiscal_year=state.fiscal_year,
            next_workflow_id=next_id,
            next_started_here=started_here,
        )


if __name__ == "__main__":  # pragma: no cover - the sandbox re-imports workflow modules
    raise SystemExit("this module defines a workflow; run `python -m worker` instead")

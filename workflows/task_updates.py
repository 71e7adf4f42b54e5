"""The coordinate and act steps' updates, mixed into the cycle workflow.

Tasks live in the cycle's state (decided by ``domain.task_rules``), so these updates are
the same thin shell as the others: the validator asks the rules on a copy, the handler
applies the decision. ``record_activity`` first asks the volunteer registry (an
activity: the registry changes outside the cycle) whether every volunteer named may be
recorded on the day held; if not, the update fails as a refusal and nothing changes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import CHECK_VOLUNTEERS, CheckVolunteersInput, VolunteerCheck
    from contracts.retry_policies import CHECK_RETRY
    from domain.commands import (
        CancelActivityInput,
        ClaimTaskInput,
        Command,
        CompleteTaskInput,
        ReassignTaskInput,
        RecordActivityInput,
        WaiveTaskInput,
    )
    from domain.events import CommandReceipt
    from domain.model import CycleState
    from domain.refusals import Refusal
    from workflows.failures import refused

_CHECK_TIMEOUT = timedelta(seconds=30)


class TaskUpdates:
    """Updates of coordination tasks and activity records. Needs the host workflow's
    ``_validate`` and ``_accept`` (``CouncilCycleWorkflow``)."""

    if TYPE_CHECKING:

        def _validate(self, cmd: Command) -> None: ...

        async def _accept(self, cmd: Command) -> CommandReceipt: ...

        def _repeat(self) -> CommandReceipt | None: ...

        @property
        def _current(self) -> CycleState: ...

    @workflow.update(name="claim_task")
    async def claim_task(self, cmd: ClaimTaskInput) -> CommandReceipt:
        """Take an unassigned task, or confirm one assigned to you."""
        return await self._accept(cmd)

    @claim_task.validator
    def _check_claim_task(self, cmd: ClaimTaskInput) -> None:
        self._validate(cmd)

    @workflow.update(name="complete_task")
    async def complete_task(self, cmd: CompleteTaskInput) -> CommandReceipt:
        """Complete a task with its outcome; the last one closes coordinate."""
        return await self._accept(cmd)

    @complete_task.validator
    def _check_complete_task(self, cmd: CompleteTaskInput) -> None:
        self._validate(cmd)

    @workflow.update(name="reassign_task")
    async def reassign_task(self, cmd: ReassignTaskInput) -> CommandReceipt:
        """Hand a task to another coordinator (chief coordinator or board only)."""
        return await self._accept(cmd)

    @reassign_task.validator
    def _check_reassign_task(self, cmd: ReassignTaskInput) -> None:
        self._validate(cmd)

    @workflow.update(name="waive_task")
    async def waive_task(self, cmd: WaiveTaskInput) -> CommandReceipt:
        """Mark a task not needed, with a reason; the last one closes coordinate."""
        return await self._accept(cmd)

    @waive_task.validator
    def _check_waive_task(self, cmd: WaiveTaskInput) -> None:
        self._validate(cmd)

    @workflow.update(name="record_activity")
    async def record_activity(self, cmd: RecordActivityInput) -> CommandReceipt:
        """Record a held activity; refused if a volunteer's registration does not hold
        on the day held. The last record closes act."""
        if cmd.volunteer_ids and self._repeat() is None:
            check: VolunteerCheck = await workflow.execute_activity(
                CHECK_VOLUNTEERS,
                CheckVolunteersInput(
                    council_id=self._current.council_id,
                    volunteer_ids=cmd.volunteer_ids,
                    on=cmd.held_on,
                ),
                result_type=VolunteerCheck,
                start_to_close_timeout=_CHECK_TIMEOUT,
                retry_policy=CHECK_RETRY,
            )
            if check.code is not None:
                raise refused(Refusal(check.code, **check.params))
        return await self._accept(cmd)

    @record_activity.validator
    def _check_record_activity(self, cmd: RecordActivityInput) -> None:
        self._validate(cmd)

    @workflow.update(name="cancel_activity")
    async def cancel_activity(self, cmd: CancelActivityInput) -> CommandReceipt:
        """Record that an activity was cancelled, and why; the last record closes act."""
        return await self._accept(cmd)

    @cancel_activity.validator
    def _check_cancel_activity(self, cmd: CancelActivityInput) -> None:
        self._validate(cmd)

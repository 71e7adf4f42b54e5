"""The board of education's updates on a running cycle, mixed into the cycle workflow:
move a step's due date, pause with a reason, resume, remind by hand.

The same thin shell as every other update: the validator asks the rules on a copy, the
handler applies the decision and answers a small receipt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import (
        Command,
        PauseCycleInput,
        RemindInput,
        ResumeCycleInput,
        SetDeadlineInput,
    )
    from domain.events import CommandReceipt


class OversightUpdates:
    """Updates of the board of education. Needs the host workflow's ``_validate`` and
    ``_accept`` (``CouncilCycleWorkflow``)."""

    if TYPE_CHECKING:

        def _validate(self, cmd: Command) -> None: ...

        async def _accept(self, cmd: Command) -> CommandReceipt: ...

    @workflow.update(name="set_deadline")
    async def set_deadline(self, cmd: SetDeadlineInput) -> CommandReceipt:
        """Move a step's due date; the reminders follow."""
        return await self._accept(cmd)

    @set_deadline.validator
    def _check_set_deadline(self, cmd: SetDeadlineInput) -> None:
        self._validate(cmd)

    @workflow.update(name="pause_cycle")
    async def pause_cycle(self, cmd: PauseCycleInput) -> CommandReceipt:
        """Pause the cycle with a reason: no reminders, commands refused."""
        return await self._accept(cmd)

    @pause_cycle.validator
    def _check_pause_cycle(self, cmd: PauseCycleInput) -> None:
        self._validate(cmd)

    @workflow.update(name="resume_cycle")
    async def resume_cycle(self, cmd: ResumeCycleInput) -> CommandReceipt:
        """Resume the cycle; pending deadlines move by the time paused."""
        return await self._accept(cmd)

    @resume_cycle.validator
    def _check_resume_cycle(self, cmd: ResumeCycleInput) -> None:
        self._validate(cmd)

    @workflow.update(name="remind")
    async def remind(self, cmd: RemindInput) -> CommandReceipt:
        """Remind the owners of the current step by hand (once per day)."""
        return await self._accept(cmd)

    @remind.validator
    def _check_remind(self, cmd: RemindInput) -> None:
        self._validate(cmd)

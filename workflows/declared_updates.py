"""Every command declared once (``domain.base.CommandInput``) as one generic update,
mixed into the cycle workflow (docs/adding-a-command.md).

The update's name is the command's kind, its one argument the command's input; the
validator asks the rules on a copy and the handler applies the decision, as the named
updates of the older commands do. Those keep their names, so the histories they are in
replay as they were recorded: the SDK hands this handler only names no other update has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.base import COMMAND_INPUTS, CommandInput
    from domain.commands import Command
    from domain.events import CommandReceipt


class DeclaredUpdates:
    """The generic update of declared commands. Needs the host workflow's ``_validate``
    and ``_accept`` (``CouncilCycleWorkflow``)."""

    if TYPE_CHECKING:

        def _validate(self, cmd: Command) -> None: ...

        async def _accept(self, cmd: Command) -> CommandReceipt: ...

    @workflow.update(dynamic=True)
    async def declared_command(self, name: str, args: Sequence[RawValue]) -> CommandReceipt:
        """A command with no update of its own: the update's name is its kind, its one
        argument its input (docs/adding-a-command.md). The named updates keep their names,
        so the histories they are in replay as they were recorded."""
        return await self._accept(self._declared(name, args))

    @declared_command.validator
    def _check_declared_command(self, name: str, args: Sequence[RawValue]) -> None:
        self._validate(self._declared(name, args))

    def _declared(self, name: str, args: Sequence[RawValue]) -> Command:
        """The declared command the update ``name`` carries. An unknown name, or an input
        its model refuses, is rejected as the SDK rejects a named update's (before the
        rules, nothing in the history); the message never carries the input."""
        model = COMMAND_INPUTS.get(name)
        if model is None:
            raise ApplicationError(
                f"Update handler for {name[:64]!r} expected but not found: no such command",
                type="NoSuchUpdate",
                non_retryable=True,
            )
        try:
            [arg] = args
            cmd: CommandInput = workflow.payload_converter().from_payload(arg.payload, model)
        except Exception:
            raise ApplicationError(
                f"Failed decoding arguments of {name}", type="InvalidInput", non_retryable=True
            ) from None
        return cmd

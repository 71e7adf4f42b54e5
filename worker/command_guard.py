"""The worker's guard against commands that did not come from the application: settles
the ``Unverified`` start inputs and signal arguments of config/command_payloads.py inside
the workflow, where it is known whether the workflow replays its history.

* A start input: read when replaying (a cycle started before encryption was turned on);
  a live one fails the new workflow at once with a one-line, non-retryable refusal, before
  any activity runs. The id's reuse policy (``ALLOW_DUPLICATE_FAILED_ONLY``) then lets the
  application start the genuine cycle under the same id.
* A signal: dropped, with a warning naming only the signal and the reason. Always, replay
  or not, so the decision is the same every time the history is replayed: the cycle has
  no signals, so no signal of its history was ever read in plaintext. The same holds for
  every workflow the worker serves (the volunteer requests have no signals either).
* A query argument: refused (the cycle's and the requests' queries take none).

Updates need nothing here: their arguments are converted inside the event loop, where the
payload converter refuses them itself, before their validator, so a forged update is
rejected and never enters the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio import workflow
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleQueryInput,
    HandleSignalInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from config.command_payloads import Unverified, refusal


class CommandGuard(Interceptor):
    """Register on every worker (and Replayer) that uses the worker's converter."""

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        """The inbound interceptor that settles ``Unverified`` arguments."""
        return _Guard


def _first_unverified(args: Sequence[Any]) -> Unverified | None:
    return next((arg for arg in args if isinstance(arg, Unverified)), None)


def _settled(args: Sequence[Any], what: str) -> list[Any]:
    """``args`` with each ``Unverified`` read when replaying; the refusal otherwise."""
    found = _first_unverified(args)
    if found is None:
        return list(args)
    if not workflow.unsafe.is_replaying():
        raise refusal(found.reason, what)
    return [arg.read() if isinstance(arg, Unverified) else arg for arg in args]


class _Guard(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        # Raised here, an ApplicationError fails the workflow (not its task): a forged
        # start ends at once instead of retrying for ever.
        input.args = _settled(input.args, "start")
        return await self.next.execute_workflow(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        found = _first_unverified(input.args)
        if found is not None:
            workflow.logger.warning(
                "signal %r dropped: not encrypted for this workflow (%s)",
                input.signal,
                found.reason,
            )
            return
        await self.next.handle_signal(input)

    async def handle_query(self, input: HandleQueryInput) -> Any:
        found = _first_unverified(input.args)
        if found is not None:
            raise refusal(found.reason, "query")
        return await self.next.handle_query(input)

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        # Unreachable with the worker's converter (it refuses update arguments itself);
        # kept so that an ``Unverified`` can never be validated as if it were a command.
        input.args = _settled(input.args, "command")
        self.next.handle_update_validator(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        input.args = _settled(input.args, "command")
        return await self.next.handle_update_handler(input)

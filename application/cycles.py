"""Talk to council cycles in Temporal: connect, start, send a command, read the state.

No CLI code here, so that the CLI, the demo, tests and benchmarks share one way of turning
Temporal's failures into the project's own errors: ``CommandRefused`` (the rules said no,
nothing changed), ``CycleNotStarted`` (no such cycle) and ``WorkerTimeout`` (nobody
answered in time).
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application.commands import (
    CommandRefused,
    check_command_id,
    checked_command,
    new_command_id,
)
from application.records import years_in_store
from application.views import StartOutcome
from config import Settings
from config.converter import data_converter
from config.payload_keys import PayloadKeyError
from contracts.cycle import (
    STATE_QUERY,
    UPDATE_ROSTER,
    WORKFLOW_NAME,
    CycleInput,
    cycle_workflow_id,
)
from domain.commands import Command
from domain.events import CommandReceipt
from domain.japan_time import current_fiscal_year, fiscal_year_of
from domain.model import CycleState
from domain.refusals import Lang
from domain.roster_update import UpdateRosterInput
from i18n.catalogue import Texts

ResultT = TypeVar("ResultT")


#: How long to wait for a worker to answer an update or a query before giving up.
DEFAULT_TIMEOUT_SECONDS = 30.0

#: The ``ApplicationError.type`` the workflow uses for a command the rules refused.
REFUSAL_ERROR_TYPE = "Refusal"


#: The errors' part of the message catalogue (these exceptions' one-line reasons).
ERRORS = Texts("error")


class CycleError(Exception):
    """A cycle could not be reached or used. ``message(lang)`` gives the one-line reason."""

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        raise NotImplementedError


class CycleNotStarted(CycleError):
    """No cycle exists for this council and fiscal year."""

    def __init__(self, council_id: str, fiscal_year: int) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text(
            "cycle_not_started", lang, council_id=self.council_id, fiscal_year=self.fiscal_year
        )


class WorkerTimeout(CycleError):
    """The cycle exists but no worker answered in time. An update may still be applied
    later, when a worker picks it up; the message says so and names the command id, so
    that sending the command again with that id cannot apply it twice."""

    def __init__(
        self,
        council_id: str,
        fiscal_year: int,
        seconds: float,
        update: bool,
        command_id: str | None = None,
    ) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        self.seconds = seconds
        self.update = update
        self.command_id = command_id
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        later = ERRORS.text("worker_timeout_update", lang) if self.update else ""
        if self.command_id is not None:
            later += ERRORS.text("worker_timeout_resend", lang, command_id=self.command_id)
        return ERRORS.text(
            "worker_timeout",
            lang,
            council_id=self.council_id,
            fiscal_year=self.fiscal_year,
            seconds=f"{self.seconds:g}",
            later=later,
        )


class CycleBusy(CycleError):
    """The server turned the command away: the cycle already has as many commands in
    flight as it takes at once (10 on a default Temporal server). Nothing was applied;
    the message names the command id to send it again with."""

    def __init__(self, council_id: str, fiscal_year: int, command_id: str) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        self.command_id = command_id
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text(
            "cycle_busy",
            lang,
            council_id=self.council_id,
            fiscal_year=self.fiscal_year,
            command_id=self.command_id,
        )


class TemporalUnavailable(CycleError):
    """The Temporal server could not be reached."""

    def __init__(self, address: str, detail: str) -> None:
        self.address = address
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text("temporal_unavailable", lang, address=self.address, detail=self.detail)


class CycleFailed(CycleError):
    """The cycle's workflow ended without opening (for example, an unknown council)."""

    def __init__(self, council_id: str, fiscal_year: int, reason: str) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        self.reason = reason
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text(
            "cycle_failed",
            lang,
            council_id=self.council_id,
            fiscal_year=self.fiscal_year,
            reason=self.reason,
        )


class StoreHoldsYear(CycleError):
    """The engine has no such cycle but the store holds its records: its Temporal data was
    lost. Starting afresh would open a blank cycle over them; ``cycle restore`` is the way."""

    def __init__(self, council_id: str, fiscal_year: int) -> None:
        self.council_id = council_id
        self.fiscal_year = fiscal_year
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return ERRORS.text(
            "store_holds_year", lang, council_id=self.council_id, fiscal_year=self.fiscal_year
        )


class PayloadKeysUnavailable(CycleError):
    """The payload encryption keys are missing or malformed (config/payload_keys.py)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang`` (the detail names the setting, never a key)."""
        return ERRORS.text("payload_keys_unavailable", lang, detail=self.detail)


async def connect(settings: Settings) -> Client:
    """A client for ``settings``' server and namespace, speaking pydantic models that are
    encrypted on the way to the server (config/converter.py)."""
    try:
        converter = data_converter(settings)
    except PayloadKeyError as exc:
        raise PayloadKeysUnavailable(str(exc)) from exc
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=converter,
        )
    except RuntimeError as exc:
        # The SDK reports a refused or failed connection as a RuntimeError.
        raise TemporalUnavailable(settings.temporal_address, _one_line(str(exc))) from exc


async def start_cycle(
    client: Client,
    settings: Settings,
    council_id: str,
    fiscal_year: int,
    in_store: set[str] | None = None,
) -> StartOutcome:
    """Start the council's cycle for ``fiscal_year``; idempotent.

    A cycle that already exists, running or closed, is reported as such and left alone:
    a closed year is never started again under the same id. Only a cycle that failed to
    open (its council was unknown, say) may be started afresh. A cycle the store holds
    but the engine does not (its Temporal data was lost) raises ``StoreHoldsYear``:
    ``restore.restore_cycle`` brings it back. ``in_store`` is ``years_in_store``'s answer
    when the caller read it already for many councils.

    The cycle opens asynchronously; ``state`` waits for it and reports a failure to open.
    """
    workflow_id = cycle_workflow_id(council_id, fiscal_year)
    if in_store is None:
        in_store = await asyncio.to_thread(years_in_store, settings, [council_id], fiscal_year)
    if council_id in in_store and not await _exists(client.get_workflow_handle(workflow_id)):
        raise StoreHoldsYear(council_id, fiscal_year)
    try:
        await client.start_workflow(
            WORKFLOW_NAME,
            CycleInput(council_id=council_id, fiscal_year=fiscal_year),
            id=workflow_id,
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    except WorkflowAlreadyStartedError:
        description = await client.get_workflow_handle(workflow_id).describe()
        if description.status == WorkflowExecutionStatus.RUNNING:
            return StartOutcome.ALREADY_RUNNING
        return StartOutcome.ALREADY_CLOSED
    return StartOutcome.STARTED


async def send(
    client: Client,
    council_id: str,
    fiscal_year: int,
    command: Command,
    answer_within: float = DEFAULT_TIMEOUT_SECONDS,
    command_id: str | None = None,
) -> CommandReceipt:
    """Execute ``command`` as the update named ``command.kind``; return its receipt
    (event number, step, what changed). Read the whole state with ``state``.

    ``command_id`` is the update id: the same command sent again with the same id (after
    a timeout, say) is applied once and answers the first receipt. Left out, a fresh id
    is made; a ``WorkerTimeout`` names it so the person can re-send with it.

    The command is checked first (its bounds, its dates against ``fiscal_year``): a bad
    one is refused here, before anything reaches Temporal.

    Raises ``CommandRefused`` when the rules refuse it (nothing changed),
    ``CycleNotStarted`` when there is no such cycle, ``WorkerTimeout`` when no worker
    answered within ``answer_within`` seconds.
    """
    update_id = new_command_id() if command_id is None else check_command_id(command_id)
    checked = checked_command(command, fiscal_year)
    return await _execute_update(
        client, council_id, fiscal_year, checked.kind, checked, update_id, CommandReceipt,
        answer_within,
    )  # fmt: skip


async def update_roster(
    client: Client,
    council_id: str,
    fiscal_year: int,
    update: UpdateRosterInput,
    answer_within: float = DEFAULT_TIMEOUT_SECONDS,
) -> CycleState:
    """Put the directory's new roster in force in the council's running cycle (the
    ``update_roster`` update, sent under its ``update_id``: resending changes nothing).
    Raises like ``send``."""
    return await _execute_update(
        client, council_id, fiscal_year, UPDATE_ROSTER, update, update.update_id, CycleState,
        answer_within,
    )  # fmt: skip


async def _execute_update(
    client: Client,
    council_id: str,
    fiscal_year: int,
    name: str,
    argument: Command | UpdateRosterInput,
    update_id: str,
    result_type: type[ResultT],
    answer_within: float,
) -> ResultT:
    handle = _handle(client, council_id, fiscal_year)
    try:
        return await asyncio.wait_for(
            handle.execute_update(name, argument, id=update_id, result_type=result_type),
            answer_within,
        )
    except WorkflowUpdateFailedError as exc:
        refusal = refusal_from(exc.cause)
        if refusal is None:
            # A failure that is not a refusal is a bug or an outage: never dress it up.
            raise
        raise refusal from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        # The SDK turns the cancellation ``wait_for`` makes when time is up (and a server
        # that gave up waiting) into its own error: both mean no answer in time.
        raise WorkerTimeout(
            council_id, fiscal_year, answer_within, update=True, command_id=update_id
        ) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
            raise WorkerTimeout(
                council_id, fiscal_year, answer_within, update=True, command_id=update_id
            ) from exc
        if exc.status == RPCStatusCode.RESOURCE_EXHAUSTED:
            raise CycleBusy(council_id, fiscal_year, update_id) from exc
        if exc.status in (RPCStatusCode.ABORTED, RPCStatusCode.UNAVAILABLE):
            # The server dropped the update (its worker died before accepting it, say):
            # whether it applied is unknown, so the person re-sends it under its id.
            raise WorkerTimeout(
                council_id, fiscal_year, answer_within, update=True, command_id=update_id
            ) from exc
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        # An update to a finished workflow is also NOT_FOUND; a finished cycle is a
        # closed year, which the rules themselves would refuse.
        if await _exists(handle):
            raise CommandRefused("cycle_closed", {"year": str(fiscal_year)}) from exc
        raise CycleNotStarted(council_id, fiscal_year) from exc


async def state(
    client: Client,
    council_id: str,
    fiscal_year: int,
    answer_within: float = DEFAULT_TIMEOUT_SECONDS,
) -> CycleState:
    """The cycle's current state (a closed cycle keeps answering).

    A cycle that has just been started answers only once it has read its council; this
    waits for that, and raises ``CycleFailed`` when the cycle could not open at all
    (an unknown council, say).
    """
    handle = _handle(client, council_id, fiscal_year)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + answer_within
    while True:
        try:
            current = await asyncio.wait_for(
                handle.query(STATE_QUERY, result_type=CycleState | None),  # type: ignore[arg-type]
                max(deadline - loop.time(), 0.1),
            )
        except TimeoutError as exc:
            raise WorkerTimeout(council_id, fiscal_year, answer_within, update=False) from exc
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise CycleNotStarted(council_id, fiscal_year) from exc
            if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
                # The server gave up waiting for a worker to answer the query.
                raise WorkerTimeout(council_id, fiscal_year, answer_within, update=False) from exc
            raise
        if isinstance(current, CycleState):
            return current
        description = await handle.describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            raise CycleFailed(council_id, fiscal_year, await _failure_reason(handle))
        if loop.time() >= deadline:
            raise WorkerTimeout(council_id, fiscal_year, answer_within, update=False)
        await asyncio.sleep(0.1)


async def wait_for_state(
    client: Client,
    council_id: str,
    fiscal_year: int,
    answer_within: float = DEFAULT_TIMEOUT_SECONDS,
) -> CycleState:
    """Like ``state``, but waits up to ``answer_within`` seconds for a cycle that another
    workflow is about to start (next year's cycle is started when evaluate closes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + answer_within
    while True:
        try:
            return await state(client, council_id, fiscal_year, answer_within)
        except CycleNotStarted:
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(0.2)


async def _failure_reason(handle: WorkflowHandle[Any, Any]) -> str:
    """The innermost message of why a workflow ended without opening its cycle."""
    try:
        await handle.result()
    except WorkflowFailureError as exc:
        cause: BaseException = exc
        while cause.__cause__ is not None:
            cause = cause.__cause__
        return _one_line(str(cause))
    except Exception as exc:
        return _one_line(f"{type(exc).__name__}: {exc}")
    return "ended before opening"


def _handle(client: Client, council_id: str, fiscal_year: int) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(cycle_workflow_id(council_id, fiscal_year))


async def _exists(handle: WorkflowHandle[Any, Any]) -> bool:
    try:
        await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


def refusal_from(cause: BaseException | None) -> CommandRefused | None:
    """The ``CommandRefused`` inside a failed update (``WorkflowUpdateFailedError.cause``)
    of any workflow whose rules refuse with it, or ``None`` when it is not one."""
    if isinstance(cause, ApplicationError) and cause.type == REFUSAL_ERROR_TYPE:
        detail = cause.details[0] if cause.details else None
        if isinstance(detail, dict) and isinstance(detail.get("code"), str):
            params = detail.get("params") or {}
            return CommandRefused(detail["code"], {str(k): str(v) for k, v in params.items()})
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "CommandRefused",
    "CycleBusy",
    "CycleError",
    "CycleFailed",
    "CycleNotStarted",
    "PayloadKeysUnavailable",
    "StartOutcome",
    "TemporalUnavailable",
    "WorkerTimeout",
    "connect",
    "current_fiscal_year",
    "fiscal_year_of",
    "new_command_id",
    "refusal_from",
    "send",
    "start_cycle",
    "state",
    "update_roster",
    "wait_for_state",
]

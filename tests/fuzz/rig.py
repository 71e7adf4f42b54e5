"""A real cycle to throw commands at, for tests that are not coroutines themselves.

Hypothesis' stateful tests are synchronous, so the Temporal test server, the worker and
every client call live on an event loop of their own in a background thread; a test hands
coroutines to it (``Rig.run``) and waits for their results. The worker keeps polling
between calls, as it would in production.

Commands are sent as the update of the same name and judged only as accepted or refused
(with the refusal's code): the state is always read with the state query, never from an
update's result, so the tests do not depend on what an update returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import Command
from domain.model import CycleState
from store.cycles import HistoryRow
from tests.workflows.conftest import FIXTURES, test_server_path
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

T = TypeVar("T")

COUNCIL = "fuzzcity-c1"
#: The outcome code of an update whose input the workflow could not even read (a field
#: out of range, text over its maximum, an unknown field): refused before the rules.
INVALID_INPUT = "invalid_input"
#: The outcome code of an update name the workflow does not have (the system's commands).
NO_SUCH_UPDATE = "no_such_update"
#: The outcome code of an update sent to a cycle whose workflow has completed.
WORKFLOW_COMPLETED = "workflow_completed"


@dataclass(frozen=True)
class Outcome:
    """What became of one command: accepted, or refused with a code."""

    accepted: bool
    code: str | None = None

    def __str__(self) -> str:
        return "accepted" if self.accepted else f"refused:{self.code}"


ACCEPTED = Outcome(accepted=True)


def refused(code: str) -> Outcome:
    """A refusal with ``code``."""
    return Outcome(accepted=False, code=code)


def load_fuzzcity(engine: Engine) -> None:
    """Load the fuzz municipality into the store (idempotent)."""
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "fuzzcity.yaml"))


class Rig:
    """The time-skipping test server and a worker on the real store, on a loop of their own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queue = f"fuzz-{uuid.uuid4().hex[:8]}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stack = contextlib.AsyncExitStack()
        self.env: WorkflowEnvironment | None = None

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        """Run ``coro`` on the rig's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self) -> None:
        """Start the loop, the test server and the worker."""
        self._thread.start()
        self.env = self.run(self._start())

    async def _start(self) -> WorkflowEnvironment:
        env = await self._stack.enter_async_context(
            await WorkflowEnvironment.start_time_skipping(
                test_server_existing_path=test_server_path(),
                data_converter=pydantic_data_converter,
            )
        )
        await self._stack.enter_async_context(
            serving(env.client, self.queue, self.engine, Senders(), threads=4)
        )
        return env

    def close(self) -> None:
        """Stop the worker, the server and the loop."""
        try:
            self.run(self._stack.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    @property
    def client_env(self) -> WorkflowEnvironment:
        """The running environment."""
        assert self.env is not None, "start() the rig first"
        return self.env

    # --- coroutines to hand to ``run`` ----------------------------------------------

    async def open_cycle(
        self, fiscal_year: int, council_id: str = COUNCIL
    ) -> WorkflowHandle[Any, Any]:
        """Start the council's cycle for ``fiscal_year`` and wait until it has opened."""
        handle = await self.client_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=council_id, fiscal_year=fiscal_year),
            id=cycle_workflow_id(council_id, fiscal_year),
            task_queue=self.queue,
        )
        for _ in range(400):
            if await read_state(handle) is not None:
                return handle
            await asyncio.sleep(0.02)
        raise AssertionError(f"cycle {fiscal_year} did not open")

    async def now(self) -> datetime:
        """The test server's clock."""
        return await self.client_env.get_current_time()

    async def settled(
        self, handle: WorkflowHandle[Any, Any], events: int
    ) -> tuple[CycleState, list[HistoryRow]]:
        """The cycle's state once it has decided and recorded at least ``events`` events,
        with its audit trail (which has exactly as many rows as the state has events)."""
        for _ in range(500):
            state = await state_of(handle)
            with store.session_scope(self.engine) as session:
                rows = store.history(session, state.council_id, state.fiscal_year)
            if state.accepted_commands >= events and len(rows) == state.accepted_commands:
                return state, rows
            await asyncio.sleep(0.01)
        raise AssertionError(f"{handle.id} did not record {events} events")


async def read_state(handle: WorkflowHandle[Any, Any]) -> CycleState | None:
    """The cycle's state through the state query."""
    state: CycleState | None = await handle.query(
        STATE_QUERY,
        result_type=CycleState | None,  # type: ignore[arg-type]
    )
    return state


async def state_of(handle: WorkflowHandle[Any, Any]) -> CycleState:
    """The state of an opened cycle."""
    state = await read_state(handle)
    assert state is not None
    return state


async def send(
    handle: WorkflowHandle[Any, Any], name: str, payload: Command | dict[str, Any] | BaseModel
) -> Outcome:
    """Send ``payload`` as the update ``name``; only whether it was accepted is used."""
    try:
        await handle.execute_update(name, payload)
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError) and cause.type == "Refusal":
            return refused(str(cause.details[0]["code"]))
        if isinstance(cause, ApplicationError) and "Failed decoding arguments" in cause.message:
            return refused(INVALID_INPUT)
        if isinstance(cause, ApplicationError) and "expected but not found" in cause.message:
            return refused(NO_SUCH_UPDATE)
        raise
    except RPCError as error:
        # The test server answers an update to a completed workflow with "update not found".
        if error.status is RPCStatusCode.NOT_FOUND:
            return refused(WORKFLOW_COMPLETED)
        raise
    return ACCEPTED


async def send_command(handle: WorkflowHandle[Any, Any], command: Command) -> Outcome:
    """Send ``command`` as the update of its kind."""
    return await send(handle, command.kind, command)


@contextlib.contextmanager
def rig_for(engine: Engine) -> Iterator[Rig]:
    """A started rig for the block."""
    load_fuzzcity(engine)
    rig = Rig(engine)
    rig.start()
    try:
        yield rig
    finally:
        rig.close()

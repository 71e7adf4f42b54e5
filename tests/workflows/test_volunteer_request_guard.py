"""The request workflow under the production worker's converter (strict) and command
guard, on the time-skipping server: a plaintext update forged straight into Temporal is
refused before its validator while the genuine one goes through, and a finished request's
history replays."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import Engine
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.channels import Senders
from application import volunteer_requests as use
from application.context import Context
from config.command_payloads import REFUSAL_TYPE
from config.converter import encrypted_converter
from contracts.volunteer_requests import UPDATE_ANSWER, AnswerInput
from domain.volunteer_requests import Place, Reply, RequestState, Status
from tests.encryption import TEST_KEYS
from tests.requests.support import japan_day, operator_context, register_volunteers
from worker.command_guard import CommandGuard
from worker.main import serving
from workflows.volunteer_request import VolunteerRequestWorkflow


def _client(env: WorkflowEnvironment, converter: object) -> Client:
    return Client(env.client.service_client, namespace=env.client.namespace,
                  data_converter=converter)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
async def strict_queue(
    temporal_env: WorkflowEnvironment, engine: Engine, testcity: None
) -> AsyncIterator[str]:
    """A worker with the production (strict) converter on a queue of its own."""
    queue = f"strict-{uuid.uuid4().hex[:8]}"
    strict = _client(temporal_env, encrypted_converter(TEST_KEYS, strict=True))
    async with serving(strict, queue, engine, Senders(), threads=2):
        yield queue


@pytest.fixture
async def ctx(temporal_env: WorkflowEnvironment, engine: Engine, strict_queue: str) -> Context:
    start = await temporal_env.get_current_time()
    offset = start - datetime.now(start.tzinfo)
    return operator_context(engine, strict_queue, temporal_env.client,
                            clock=lambda: datetime.now(start.tzinfo) + offset)  # fmt: skip


async def test_a_forged_answer_is_refused_and_the_genuine_one_goes_through(
    ctx: Context, engine: Engine, temporal_env: WorkflowEnvironment
) -> None:
    now = ctx.now()
    [volunteer] = register_volunteers(engine, "testcity", f"g{uuid.uuid4().hex[:6]}", 1,
                                      japan_day(now, -30))  # fmt: skip
    given = use.NewRequest(
        council_id="testcity-c1", fiscal_year=view_year(now),
        activity_id=f"g-{uuid.uuid4().hex[:6]}", title="見守り", needed=1,
        held_on=japan_day(now, 9), reply_by=japan_day(now, 5),
    )  # fmt: skip
    view = await use.create_request(ctx, given)
    plain = _client(temporal_env, pydantic_data_converter)
    forged = AnswerInput(volunteer_id=volunteer, reply=Reply.CAN)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await plain.get_workflow_handle(view.key).execute_update(UPDATE_ANSWER, forged)
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == REFUSAL_TYPE
    state = await use.record_answer(ctx, view.key, volunteer, Reply.CAN)
    assert state.of(Place.CONFIRMED) == (volunteer,)
    await use.cancel_for_activity(ctx, "testcity-c1", view.fiscal_year, view.activity_id)
    handle = temporal_env.client.get_workflow_handle(view.key, result_type=RequestState)
    assert (await handle.result()).status is Status.CANCELLED
    history = await handle.fetch_history()
    replayer = Replayer(
        workflows=[VolunteerRequestWorkflow], interceptors=[CommandGuard()],
        data_converter=encrypted_converter(TEST_KEYS, strict=True),
    )  # fmt: skip
    await replayer.replay_workflow(history)


def view_year(now: datetime) -> int:
    """The fiscal year of ``now`` in Japan."""
    day = japan_day(now)
    return day.year if day.month >= 4 else day.year - 1

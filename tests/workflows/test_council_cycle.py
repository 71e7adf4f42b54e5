"""The cycle workflow on the Temporal test server, recording into the real store."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

import store
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import CastVoteInput, SubmitPolicyInput
from domain.model import AimRating, Ballot, CycleState, PolicyStatus, Step
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from workflows.council_cycle import CouncilCycleWorkflow, CycleResult


async def open_cycle(
    env: WorkflowEnvironment, queue: str, year: int
) -> WorkflowHandle[CouncilCycleWorkflow, CycleResult]:
    handle = await env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=year),
        id=cycle_workflow_id(COUNCIL, year),
        task_queue=queue,
    )
    await wait_open(handle)
    return handle


async def test_a_council_goes_through_all_six_steps_and_next_year_opens(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    handle = await open_cycle(temporal_env, task_queue, 2026)
    steps_seen = [Step.DISCUSS]
    for command in [*to_plan(), *to_close()]:
        state = await send(handle, command)
        if state.step is not steps_seen[-1]:
            steps_seen.append(state.step)
    assert steps_seen == [
        Step.DISCUSS, Step.APPROVE, Step.PLAN, Step.COORDINATE, Step.ACT, Step.EVALUATE,
        Step.CLOSED,
    ]  # fmt: skip
    assert [p.status for p in state.policies] == [PolicyStatus.REJECTED, PolicyStatus.APPROVED]

    result = await handle.result()
    assert result.next_workflow_id == cycle_workflow_id(COUNCIL, 2027)
    assert result.next_started_here
    next_year = await wait_open(temporal_env.client.get_workflow_handle(result.next_workflow_id))
    assert (next_year.fiscal_year, next_year.step) == (2027, Step.DISCUSS)
    assert [(f.aim_id, f.rating) for f in next_year.carried_over] == [
        ("patrol-2", AimRating.NOT_MET),
        ("patrol-1", AimRating.PARTLY),
        ("reading-1", AimRating.MET),
    ]
    assert next_year.carried_over[1].comment == "人手不足"

    with store.session_scope(engine) as session:
        rows = store.history(session, COUNCIL, 2026)
    assert [r.seq for r in rows] == list(range(1, state.accepted_commands + 1))
    assert rows[-1].action == "close_cycle" and rows[-1].actor == "t-chair"
    assert {(r.step_before, r.step_after) for r in rows if r.step_before != r.step_after} == {
        ("discuss", "approve"), ("approve", "plan"), ("plan", "coordinate"),
        ("coordinate", "act"), ("act", "evaluate"), ("evaluate", "closed"),
    }  # fmt: skip


async def test_a_coordinator_vote_is_refused_and_changes_nothing(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    handle = await open_cycle(temporal_env, task_queue, 2031)
    for command in to_plan(2031)[:3]:  # up to the policy being under vote
        await send(handle, command)
    before = await handle.query(STATE_QUERY, result_type=CycleState)

    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await send(handle, CastVoteInput(actor="t-coord", ballot=Ballot.APPROVE))
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "Refusal"
    assert cause.message == "t-coord には「投票」の権限がありません（必要な役割: 会長・委員）"
    assert cause.details[0] == {
        "code": "role_required",
        "params": {"actor": "t-coord", "action": "cast_vote", "roles": "chair,member"},
    }
    after = await handle.query(STATE_QUERY, result_type=CycleState)
    assert after == before

    with store.session_scope(engine) as session:
        assert len(store.history(session, COUNCIL, 2031)) == before.accepted_commands
    # A refused update never reaches the history: validators reject before acceptance.
    history = await handle.fetch_history()
    accepted = [
        e
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert len(accepted) == before.accepted_commands
    await handle.terminate("test done")


async def test_resubmitting_during_a_vote_is_refused_with_the_version(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    handle = await open_cycle(temporal_env, task_queue, 2032)
    for command in to_plan(2032)[:3]:
        await send(handle, command)
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await send(handle, SubmitPolicyInput(actor="t-principal", text="v2"))
    assert isinstance(caught.value.cause, ApplicationError)
    assert "第1版" in caught.value.cause.message
    await handle.terminate("test done")


async def test_voters_are_notified_in_their_inbox_once(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    handle = await open_cycle(temporal_env, task_queue, 2033)
    for command in to_plan(2033)[:3]:
        await send(handle, command)
    for _ in range(100):
        with store.session_scope(engine) as session:
            inbox = [m for m in store.inbox(session, "t-m1") if m.fiscal_year == 2033]
            inbox = [m for m in inbox if m.template == "vote_needed"]
        if inbox:
            break
        await asyncio.sleep(0.05)
    assert len(inbox) == 1
    assert "テスト市立第一小・中学校学校運営協議会" in inbox[0].subject
    assert "投票" in inbox[0].body
    with store.session_scope(engine) as session:
        coordinator_votes = [
            m
            for m in store.inbox(session, "t-coord")
            if m.fiscal_year == 2033 and m.template == "vote_needed"
        ]
    assert coordinator_votes == []
    await handle.terminate("test done")

"""Bad input refused with one line and nothing changed; a command re-sent with its id
applied once. On the time-skipping test server with the real worker and store.

The refusals are checked twice: through ``application.cycles.send`` (refused before
anything reaches Temporal) and, for the same inputs, sent straight to the workflow past
the application layer (refused by the workflow while decoding or validating the update).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

import store
from application import cycles
from application.commands import CommandRefused
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import (
    CastVoteInput,
    Command,
    PauseCycleInput,
    RecordMeetingInput,
    SetDeadlineInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.limits import MINUTES_MAX, POLICY_TEXT_MAX
from domain.model import Aim, Ballot, CycleState, PlannedActivity, Step
from domain.tasks import PlannedTask
from tests.workflows.driver import COUNCIL, send, send_for_receipt, to_plan, wait_open
from workflows.council_cycle import CouncilCycleWorkflow

MB = 1024 * 1024


async def open_cycle(env: WorkflowEnvironment, queue: str, year: int) -> WorkflowHandle[Any, Any]:
    handle = await env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=year),
        id=cycle_workflow_id(COUNCIL, year),
        task_queue=queue,
    )
    await wait_open(handle)
    return handle


async def updates_in_history(handle: WorkflowHandle[Any, Any]) -> int:
    """How many updates the history holds (accepted ones; a rejected one leaves none)."""
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
        or e.HasField("workflow_execution_update_admitted_event_attributes")
    )


async def state_at_once(handle: WorkflowHandle[Any, Any]) -> CycleState:
    """The state, which must come back within a second (the cycle is not wedged)."""
    state: CycleState = await asyncio.wait_for(
        handle.query(STATE_QUERY, result_type=CycleState), 1.0
    )
    return state


def meeting(year: int, **changes: Any) -> RecordMeetingInput:
    """A good meeting of fiscal ``year``, with ``changes`` laid over it unvalidated (so
    that a bad value can be sent at all)."""
    fields: dict[str, Any] = {
        "actor": "t-coord",
        "held_on": date(year, 5, 10),
        "attendance": ("t-chair", "t-m1"),
        "minutes_public": "第2回の会議録",
        "minutes_closed": "",
        "vision_draft": None,
        **changes,
    }
    return RecordMeetingInput.model_construct(**fields)


def plan_dated(day: date, task_due: date | None = None) -> SubmitPlanInput:
    tasks = None if task_due is None else (PlannedTask(title="保険の手配", due_on=task_due),)
    activity = PlannedActivity(
        activity_id="reading",
        title="読み聞かせ",
        planned_on=day,
        aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
        tasks=tasks,
    )
    return SubmitPlanInput(actor="t-coord", activities=(activity,))


YEAR = 2072
#: Each bad input at discuss (fiscal 2072), the refusal code it must get, and whether
#: pydantic already refuses it (then the workflow rejects it while decoding, with no code).
AT_DISCUSS: list[tuple[str, Command, str, bool]] = [
    ("meeting in 1900", meeting(YEAR, held_on=date(1900, 5, 10)), "date_outside_year", False),
    ("meeting in 2099", meeting(YEAR, held_on=date(2099, 5, 10)), "date_outside_year", False),
    ("due date in 2001", SetDeadlineInput(actor="t-board", step=Step.PLAN, due=date(2001, 6, 1)),
     "date_outside_year", False),
    ("minutes of only spaces", meeting(YEAR, minutes_public="   "), "blank_text", True),
    ("minutes of full-width spaces", meeting(YEAR, minutes_public="\u3000\u3000"), "blank_text",
     True),
    ("closed minutes of only spaces", meeting(YEAR, minutes_closed=" \n "), "blank_text", True),
    ("pause reason of only spaces", PauseCycleInput.model_construct(actor="t-board", reason="  "),
     "blank_text", True),
    # 3 MB in UTF-8 (three bytes a kanji): under gRPC's 4 MB, so it reaches the workflow.
    ("3 MB of minutes", meeting(YEAR, minutes_public="議" * MB), "text_too_long", True),
    ("minutes one over", meeting(YEAR, minutes_public="x" * (MINUTES_MAX + 1)), "text_too_long",
     True),
    ("attendance of 101", meeting(YEAR, attendance=("t-chair",) * 101), "too_many_items", True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "command", "code", "by_pydantic"), AT_DISCUSS, ids=[c[0] for c in AT_DISCUSS]
)
async def test_a_bad_input_is_refused_in_one_line_and_changes_nothing(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    engine: Engine,
    label: str,
    command: Command,
    code: str,
    by_pydantic: bool,
) -> None:
    year = YEAR
    handle = await open_cycle(temporal_env, task_queue, year)
    try:
        before = await state_at_once(handle)
        updates_before = await updates_in_history(handle)

        # Through the application layer: refused before anything is sent.
        with pytest.raises(CommandRefused) as refused:
            await cycles.send(temporal_env.client, COUNCIL, year, command)
        assert refused.value.code == code
        assert "\n" not in refused.value.message("ja")
        assert "\n" not in refused.value.message("en")
        assert await updates_in_history(handle) == updates_before

        # Straight to the workflow: refused there too, and still nothing changed.
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(command.kind, command, result_type=dict)
        if not by_pydantic:
            cause = failed.value.cause
            assert isinstance(cause, ApplicationError) and cause.type == "Refusal"
            assert cause.details[0]["code"] == code
        assert await state_at_once(handle) == before
        assert await updates_in_history(handle) == updates_before
        with store.session_scope(engine) as session:
            assert len(store.history(session, COUNCIL, year)) == before.accepted_commands
    finally:
        await handle.terminate("test done")


async def test_dates_and_sizes_of_the_plan_are_refused(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    year = 2073
    handle = await open_cycle(temporal_env, task_queue, year)
    try:
        for command in to_plan(year):
            await send(handle, command)
        before = await state_at_once(handle)
        assert before.step is Step.PLAN
        bad: list[tuple[Command, str]] = [
            (plan_dated(date(1999, 6, 1)), "date_outside_year"),
            (plan_dated(date(year, 6, 1), task_due=date(2001, 5, 1)), "date_outside_year"),
            (
                SubmitPlanInput.model_construct(
                    actor="t-coord", activities=(plan_dated(date(year, 6, 1)).activities * 51)
                ),
                "too_many_items",
            ),
        ]
        for command, code in bad:
            with pytest.raises(CommandRefused) as refused:
                await cycles.send(temporal_env.client, COUNCIL, year, command)
            assert refused.value.code == code
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(command.kind, command, result_type=dict)
            assert await state_at_once(handle) == before
    finally:
        await handle.terminate("test done")


async def test_a_1_mb_policy_is_refused_and_the_cycle_goes_on(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    year = 2074
    handle = await open_cycle(temporal_env, task_queue, year)
    try:
        for command in to_plan(year)[:2]:  # up to approve
            await send(handle, command)
        before = await state_at_once(handle)
        kanji = MB // 3  # 1 MB in UTF-8
        huge = SubmitPolicyInput.model_construct(actor="t-principal", text="方" * kanji)
        with pytest.raises(CommandRefused) as refused:
            await cycles.send(temporal_env.client, COUNCIL, year, huge)
        assert refused.value.code == "text_too_long"
        assert refused.value.params["limit"] == str(POLICY_TEXT_MAX)
        assert refused.value.message("en") == (
            f"text is too long ({kanji} characters, at most {POLICY_TEXT_MAX})"
        )
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update("submit_policy", huge, result_type=dict)
        assert await state_at_once(handle) == before
        # The cycle takes the next command at once.
        good = SubmitPolicyInput(actor="t-principal", text="基本方針")
        receipt = await cycles.send(temporal_env.client, COUNCIL, year, good, answer_within=5)
        assert (receipt.seq, receipt.step) == (before.accepted_commands + 1, Step.APPROVE)
    finally:
        await handle.terminate("test done")


async def test_a_command_sent_twice_with_one_id_is_applied_once(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    year = 2075
    handle = await open_cycle(temporal_env, task_queue, year)
    try:
        first_meeting = to_plan(year)[0]
        first = await cycles.send(
            temporal_env.client, COUNCIL, year, first_meeting, command_id="meeting-1"
        )
        again = await cycles.send(
            temporal_env.client, COUNCIL, year, first_meeting, command_id="meeting-1"
        )
        assert again == first
        assert first.changes[0].field == "meetings"
        state = await state_at_once(handle)
        assert len(state.meetings) == 1 and state.accepted_commands == 1
        # Straight to the workflow as well, and concurrently: still once.
        vote = CastVoteInput(actor="t-m1", ballot=Ballot.APPROVE)
        for command in to_plan(year)[1:3]:
            await send(handle, command)
        receipts = await asyncio.gather(
            *(send_for_receipt(handle, vote, command_id="vote-m1") for _ in range(3))
        )
        assert len({r.seq for r in receipts}) == 1
        with store.session_scope(engine) as session:
            rows = store.history(session, COUNCIL, year)
        assert [r.action for r in rows] == [
            "record_meeting", "close_discussion", "submit_policy", "cast_vote",
        ]  # fmt: skip
        # A new id is a new command.
        receipt = await send_for_receipt(handle, vote, command_id="vote-m1-again")
        assert receipt.seq == receipts[0].seq + 1
    finally:
        await handle.terminate("test done")


async def test_a_bad_command_id_is_refused(temporal_env: WorkflowEnvironment) -> None:
    with pytest.raises(CommandRefused) as refused:
        await cycles.send(temporal_env.client, COUNCIL, 2026, to_plan()[0], command_id="has spaces")
    assert refused.value.code == "bad_command_id"

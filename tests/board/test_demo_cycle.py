"""After a whole cycle on the Temporal test server with the real worker and store, the
board's overview and yearly report show it as it happened."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.japan_time import japan_date
from domain.model import Step
from store.board import overview
from store.yearly_report import yearly_report
from tests.board.support import MUNICIPALITY
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

YEAR = 2022


async def test_overview_and_report_show_a_cycle_run_by_the_workflow(
    temporal_env: WorkflowEnvironment, testcity_engine: Engine
) -> None:
    queue = f"board-{uuid.uuid4().hex[:8]}"
    async with serving(temporal_env.client, queue, testcity_engine, Senders(), threads=4):
        handle = await temporal_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
            id=cycle_workflow_id(COUNCIL, YEAR),
            task_queue=queue,
        )
        await wait_open(handle)
        with store.session_scope(testcity_engine) as session:
            opening = overview(session, MUNICIPALITY, YEAR, today=date(YEAR, 5, 2))
        for command in [*to_plan(YEAR), *to_close(YEAR)]:
            await send(handle, command)
        result = await handle.result()
        # Next year's cycle opens by itself; wait until it has been recorded.
        await wait_open(temporal_env.client.get_workflow_handle(result.next_workflow_id))

    # The due dates came from the workflow's deadline rules through record_cycle_opened.
    council = next(r for r in opening if r.council_id == COUNCIL)
    assert (council.step, council.due_on, council.days_overdue) == (
        Step.DISCUSS, date(YEAR, 4, 30), 2,
    )  # fmt: skip

    with store.session_scope(testcity_engine) as session:
        closed = {
            r.council_id: r for r in overview(session, MUNICIPALITY, YEAR, today=date(YEAR, 5, 2))
        }
        following = {
            r.council_id: r
            for r in overview(session, MUNICIPALITY, YEAR + 1, today=date(YEAR + 1, 4, 2))
        }
        report = yearly_report(session, MUNICIPALITY, YEAR)
        audit = store.history(session, COUNCIL, YEAR)

    row = closed[COUNCIL]
    assert (row.step, row.due_on, row.days_overdue, row.paused) == (Step.CLOSED, None, 0, False)
    assert closed["testcity-c2"].step is None
    assert following[COUNCIL].step is Step.DISCUSS
    assert following[COUNCIL].due_on == date(YEAR + 1, 4, 30)

    approval = next(e for e in audit if e.action == "close_vote" and e.step_after is Step.PLAN)
    by_school = {(r.school_id, r.council_id): r for r in report}
    joint = by_school[("testcity-e1", COUNCIL)]
    assert joint.step is Step.CLOSED
    assert joint.meetings_held == 1
    assert joint.approved_on == japan_date(approval.at)
    assert (joint.activities_planned, joint.aims) == (2, 3)
    assert (joint.aims_met, joint.aims_partly, joint.aims_not_met) == (1, 1, 1)
    assert (joint.activities_held, joint.activities_cancelled, joint.children) == (1, 1, 24)
    assert by_school[("testcity-j1", COUNCIL)].joint_council

"""Record the replay fixtures: ``python -m tests.histories.record [NAME ...]``.

Each scenario runs the test council's 2026 cycle on a fresh time-skipping server with the
real activities on a throw-away SQLite store, stops where a running cycle might be when a
new worker is deployed, and writes the workflow's event history to
``tests/histories/<name>.json``:

- ``full_cycle``: the whole year, completed, next year opened;
- ``at_approve``: stopped in approve, a policy under vote with some ballots;
- ``coordinate_tasks``: stopped in coordinate, tasks done, waived and reassigned, the
  tasks' reminders and overdue notices raised;
- ``paused_after_alerts``: in coordinate, paused for three days, resumed (before the
  change ``task-dues-follow-pause``, the tasks' overdue notices that fell due meanwhile go
  out at once), paused again;
- ``paused_after_alerts_new``: the same, started by the workflow with the rule changes
  (recorded before ``record-events-locally``: each command still a normal activity);
- ``full_cycle_new``: the whole year, started by the current workflow (the rule changes,
  each command recorded by a local activity).

``tests/workflows/test_replay.py`` replays every one against the current workflow: a
change that would break cycles already running fails there. Re-record only on purpose
(the point of the fixtures is that they were recorded by the workflow as it was). All
but the last are recorded by ``CycleBeforeRuleChanges``, the workflow with every change of
``domain.rule_changes`` off (what it did before those changes), so that re-recorded they
still stand for cycles that were running when the changes were deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from config import WorkerRole
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.commands import (
    Command,
    PauseCycleInput,
    ReassignTaskInput,
    ResumeCycleInput,
    WaiveTaskInput,
)
from store.db import make_engine, migrate
from tests.fuzz.oracle import settle
from tests.workflows.conftest import FIXTURES, test_server_path
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from worker.main import cycle_activities, notification_activities, serving_queues
from workflows.council_cycle import CouncilCycleWorkflow

HISTORIES = Path(__file__).parent
WORKFLOW_ID = cycle_workflow_id(COUNCIL, 2026)
QUEUE = "record"

Drive = Callable[[WorkflowEnvironment, WorkflowHandle[Any, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    """One recorded history: how the cycle is driven, whether it runs to its end, and
    whether it is recorded by the workflow as it was before the changes of
    ``domain.rule_changes`` (a cycle that was running when they were deployed)."""

    drive: Drive
    completes: bool = False
    before_rule_changes: bool = True


async def _settled(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the cycle has raised every alert due by now (the rules say which)."""
    state = await wait_open(handle)
    wanted = settle(state, await env.get_current_time()).accepted_commands
    for _ in range(400):
        if (await wait_open(handle)).accepted_commands >= wanted:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the cycle did not raise its alerts")


async def _run(
    env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], commands: list[Command]
) -> None:
    for command in commands:
        await send(handle, command)
        await _settled(env, handle)


async def _full_cycle(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    for command in [*to_plan(), *to_close()]:
        await send(handle, command)
    await handle.result()


async def _at_approve(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    await _run(env, handle, to_plan()[:5])  # policy v1 under vote, two ballots cast


async def _coordinate_tasks(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    completing = to_close()[1:3]  # reading-t1 and -t2 completed by the coordinator
    await _run(env, handle, [*to_plan(), to_close()[0], *completing])
    await _run(
        env,
        handle,
        [
            ReassignTaskInput(actor="t-chief", task_id="reading-t3", new_owner="t-chief"),
            WaiveTaskInput(actor="t-coord", task_id="patrol-t1", reason="当番表は昨年のもの"),
        ],
    )
    await env.sleep(timedelta(days=2))  # the open tasks' overdue notices fall due
    await _settled(env, handle)


async def _paused_after_alerts(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    await _run(env, handle, [*to_plan(), to_close()[0]])
    await _run(env, handle, [PauseCycleInput(actor="t-board", reason="台風による休校")])
    await env.sleep(timedelta(days=3))  # no alerts while paused
    await _run(env, handle, [ResumeCycleInput(actor="t-board")])
    await _run(env, handle, [PauseCycleInput(actor="t-board", reason="再度の休校")])


SCENARIOS: dict[str, Scenario] = {
    "full_cycle": Scenario(_full_cycle, completes=True),
    "at_approve": Scenario(_at_approve),
    "coordinate_tasks": Scenario(_coordinate_tasks),
    "paused_after_alerts": Scenario(_paused_after_alerts),
    # The same, started by the current workflow: the rule changes on, their patch markers
    # in the history.
    "paused_after_alerts_new": Scenario(_paused_after_alerts, before_rule_changes=False),
    # The whole year started by the current workflow: the rule changes on and each
    # command recorded by a local activity (``record-events-locally``).
    "full_cycle_new": Scenario(_full_cycle, completes=True, before_rule_changes=False),
}


def _workflow_class(before: bool) -> type[CouncilCycleWorkflow]:
    if not before:
        return CouncilCycleWorkflow
    from tests.histories.variants import CycleBeforeRuleChanges

    return CycleBeforeRuleChanges


async def record(name: str) -> Path:
    """Run scenario ``name`` and write its history; return the file written."""
    scenario = SCENARIOS[name]
    workflow_class = _workflow_class(scenario.before_rule_changes)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/record.db"
        migrate(url)
        engine = make_engine(url)
        with store.session_scope(engine) as session:
            data = store.read_municipality_file(FIXTURES / "testcity.yaml")
            store.load_municipality(session, data)
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=test_server_path(), data_converter=pydantic_data_converter
        )
        serve = serving_queues(
            env.client,
            QUEUE,
            WorkerRole.ALL,
            [workflow_class],
            cycle_activities(engine, Senders()),
            notification_activities(engine, Senders()),
            threads=4,
        )
        async with env, serve:
            handle = await env.client.start_workflow(
                workflow_class.run,
                CycleInput(council_id=COUNCIL, fiscal_year=2026),
                id=WORKFLOW_ID,
                task_queue=QUEUE,
            )
            await wait_open(handle)
            await scenario.drive(env, handle)
            history = await handle.fetch_history()
        engine.dispose()
    path = HISTORIES / f"{name}.json"
    path.write_text(history.to_json())
    print(f"wrote {path} ({len(history.events)} events)")
    return path


def main() -> None:
    """Record the scenarios named on the command line, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", choices=[[], *SCENARIOS], default=[])
    args = parser.parse_args()
    for name in args.names or SCENARIOS:
        asyncio.run(record(name))


if __name__ == "__main__":
    main()

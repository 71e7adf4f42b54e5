"""``history --raw``: the recorded full-cycle history, one readable line per event."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from temporalio.client import WorkflowHistory

from reports.temporal_history import history_lines
from tests.workflows.driver import to_close, to_plan

HISTORY = Path(__file__).parents[1] / "histories" / "full_cycle.json"
WORKFLOW_ID = "council-cycle/testcity-c1/2026"


def _history() -> WorkflowHistory:
    return WorkflowHistory.from_json(WORKFLOW_ID, HISTORY.read_text())


def test_one_line_per_event_with_id_time_and_type() -> None:
    history = _history()
    lines = history_lines(history)

    assert lines[0] == f"# {WORKFLOW_ID}（{len(history.events)} イベント、時刻は日本時間）"
    assert len(lines) == len(history.events) + 1
    first = lines[1].split()
    assert first[0] == "1"
    assert first[3:] == [
        "WORKFLOW_EXECUTION_STARTED",
        "workflow=CouncilCycleWorkflow",
        "queue=record",
    ]
    assert lines[-1].split()[3] == "WORKFLOW_EXECUTION_COMPLETED"
    assert [int(line.split()[0]) for line in lines[1:]] == [e.event_id for e in history.events]


def test_updates_activities_timers_and_the_next_year_are_named() -> None:
    lines = history_lines(_history())

    accepted = [line.split("update=")[1].split()[0] for line in lines if "UPDATE_ACCEPTED" in line]
    assert accepted == [command.kind for command in [*to_plan(), *to_close()]]
    completed = [line for line in lines if "UPDATE_COMPLETED" in line]
    assert len(completed) == len(accepted)
    assert all("outcome=success" in line for line in completed)
    activities = {
        line.split("activity=")[1].split()[0] for line in lines if "ACTIVITY_TASK_COMPLETED" in line
    }
    assert activities == {"load_council", "record_cycle_opened", "record_event", "notify"}
    timers = [line for line in lines if "TIMER_STARTED" in line]
    assert timers and all("duration=" in line and line.endswith("s") for line in timers)
    assert any("child=council-cycle/testcity-c1/2027" in line for line in lines)


def test_no_payload_content_is_shown() -> None:
    raw = json.loads(HISTORY.read_text())
    decoded = [base64.b64decode(payload["data"]).decode("utf-8") for payload in _payloads(raw)]
    # The payloads do hold minutes and member ids; the readable form must not.
    assert any("目指す子ども像について熟議した" in text for text in decoded)
    shown = "\n".join(history_lines(_history()))
    for secret in ("目指す子ども像について熟議した", "個別の支援", "t-chair", "t-principal"):
        assert secret not in shown


def _payloads(node: object) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        if "data" in node and "metadata" in node:
            found.append(node)
        for value in node.values():
            found.extend(_payloads(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_payloads(value))
    return found

"""The dashboard's acts through the application layer, on the time-skipping server with a
real worker and store: the reminder's reach is counted before sending and matches what is
sent; a pause shows on the dashboard and in the timeline with its real Temporal run; a
moved due date and a resume follow."""

from __future__ import annotations

from datetime import date

import store
from application.board_acts import (
    move_due_date,
    pause,
    remind_councils,
    remind_preview,
    remind_receipts,
    resume,
    timeline,
)
from application.dashboard import DashboardQuery, dashboard_page
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.japan_time import JAPAN
from domain.model import Step
from tests.notify.harness import YEAR, Harness, wait_until
from tests.workflows.driver import wait_open
from workflows.council_cycle import CouncilCycleWorkflow

COUNCILS = ("notifycity-c1", "notifycity-c2")


async def test_remind_counts_then_reaches_the_same_councils_and_a_pause_shows(
    harness: Harness,
) -> None:
    client = harness.env.client
    handles = {}
    for council in COUNCILS:
        handles[council] = await client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=council, fiscal_year=YEAR),
            id=cycle_workflow_id(council, YEAR),
            task_queue=harness.queue,
        )
        await wait_open(handles[council])
    now = await harness.env.get_current_time()

    with store.session_scope(harness.engine) as session:
        reach = remind_preview(session, "notifycity", YEAR, Step.DISCUSS, now)
    # Discuss's owners: chair, members, principal, coordinator; c2 shares its people.
    assert reach.council_ids == COUNCILS and reach.people == 5
    with harness.env.auto_time_skipping_disabled():
        report = await remind_councils(client, reach.council_ids, YEAR, "n-board", Step.DISCUSS)
    assert [o.outcome for o in report.outcomes] == ["sent", "sent"] and not report.failures
    # Each council's own discuss owners: c1 has five, c2 the chair, a member, the principal.
    assert [o.recipients for o in report.outcomes] == [5, 3]
    await wait_until(lambda: "reminder" in harness.inbox_templates("n-m2"))
    with store.session_scope(harness.engine) as session:
        again = remind_preview(session, "notifycity", YEAR, Step.DISCUSS, now)
    assert (again.council_ids, again.reminded_today) == ((), 2)
    with harness.env.auto_time_skipping_disabled():
        second = await remind_councils(client, COUNCILS, YEAR, "n-board", Step.DISCUSS)
    assert [o.reason_code for o in second.outcomes] == ["already_reminded", "already_reminded"]
    await _the_reminders_show_who_read_them(harness)

    with harness.env.auto_time_skipping_disabled():
        await pause(client, "notifycity-c2", YEAR, "n-board", "校舎改修のため")
    query = DashboardQuery(municipality_id="notifycity", fiscal_year=YEAR)
    today = now.astimezone(JAPAN).date()
    with store.session_scope(harness.engine) as session:
        rows = {r.council_id: r for r in dashboard_page(session, query, today).rows}
        entries = timeline(session, "notifycity-c2", YEAR, "http://ui.example")
    assert rows["notifycity-c2"].paused and rows["notifycity-c2"].paused_reason == "校舎改修のため"
    assert not rows["notifycity-c1"].paused
    run_id = (await handles["notifycity-c2"].describe()).run_id
    assert entries[-1].action == "pause_cycle" and entries[-1].run_id == run_id
    assert entries[-1].temporal_link.endswith(f"notifycity-c2%2F{YEAR}/{run_id}")

    with harness.env.auto_time_skipping_disabled():
        await move_due_date(client, "notifycity-c2", YEAR, "n-board", Step.APPROVE,
                            date(YEAR, 6, 30))  # fmt: skip
        await resume(client, "notifycity-c2", YEAR, "n-board")
    state = await harness.state(handles["notifycity-c2"])
    # Resuming moved the new due date on by the time paused (at least a little).
    assert state.paused is None and state.due_dates[Step.APPROVE] >= date(YEAR, 6, 30)
    with store.session_scope(harness.engine) as session:
        assert not dashboard_page(session, query, today).rows[1].paused
    for handle in handles.values():
        await handle.terminate("test done")


def _receipts(harness: Harness, step: Step = Step.DISCUSS) -> list[tuple[str, bool]]:
    with store.session_scope(harness.engine) as session:
        found = remind_receipts(session, "notifycity", YEAR, step)
    return [(r.name, r.read_at is not None) for r in found]


async def _the_reminders_show_who_read_them(harness: Harness) -> None:
    """The hand-sent reminders' read state (既読 n/m with names): everyone reached, once
    each, unread until they open it in their inbox; a reader comes first."""
    await wait_until(lambda: len(_receipts(harness)) == 5)
    assert not any(read for _, read in _receipts(harness))
    with store.session_scope(harness.engine) as session:
        [notice] = [
            r for r in store.inbox(session, "n-m2") if r.template in ("reminder", "overdue")
        ]
        store.mark_read(session, "n-m2", notice.id)
    read = _receipts(harness)
    assert read[0] == ("通知 委員二", True) and sum(r for _, r in read) == 1 and len(read) == 5
    # Another step's reminders were never sent by hand.
    assert _receipts(harness, Step.PLAN) == []

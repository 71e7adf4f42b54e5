"""The board dashboard's data against known councils: page, order, filters, charts (SVG
and tables), the reach of a reminder before it is sent, and the history timeline."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

import store
from application.board_acts import remind_preview, temporal_ui_link, timeline
from application.charts import ChartData, bar_chart_svg
from application.dashboard import (
    DashboardQuery,
    SortKey,
    cycle_path,
    dashboard_charts,
    dashboard_page,
    prefecture_view,
    yearly_report_page,
)
from domain.commands import RemindInput
from domain.model import Step
from tests.board.support import apply
from tests.dashboard.conftest import TODAY, YEAR, Dash, jst


def _query(**changes: object) -> DashboardQuery:
    return DashboardQuery.model_validate(
        {"municipality_id": "dashcity", "fiscal_year": YEAR, **changes}
    )


def _ids(engine: Engine, **changes: object) -> list[str]:
    with store.session_scope(engine) as session:
        page = dashboard_page(session, _query(**changes), TODAY)
    return [row.council_id for row in page.rows]


def test_the_list_is_paged_and_each_row_says_where_the_council_stands(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        page = dashboard_page(session, _query(per_page=2, page=2), TODAY)
        first = dashboard_page(session, _query(), TODAY)
    assert [r.council_id for r in page.rows] == ["dash-c3", "dash-c4"]
    assert (page.total, page.pages) == (6, 3)
    rows = {r.council_id: r for r in first.rows}
    assert (rows["dash-c2"].step, rows["dash-c2"].days_overdue) == (Step.APPROVE, 15)
    assert rows["dash-c2"].due_on == date(YEAR, 5, 31) and rows["dash-c2"].days_in_step == 45
    assert rows["dash-c3"].paused and rows["dash-c3"].days_overdue == 1
    assert rows["dash-c4"].days_overdue == 46 and rows["dash-c6"].step is None
    assert rows["dash-c1"].districts == ("東中学校区",)


def test_sorting_by_lateness_and_by_step(dash_engine: Engine) -> None:
    late_first = _ids(dash_engine, sort=SortKey.DAYS_LATE, descending=True)
    assert late_first[:3] == ["dash-c4", "dash-c2", "dash-c3"]
    by_step = _ids(dash_engine, sort=SortKey.STEP)
    assert by_step == ["dash-c6", "dash-c4", "dash-c2", "dash-c3", "dash-c1", "dash-c5"]


def test_filters_by_district_step_and_late_only(dash_engine: Engine) -> None:
    assert _ids(dash_engine, district="dash-d2") == ["dash-c3", "dash-c4"]
    assert _ids(dash_engine, step=Step.APPROVE) == ["dash-c2", "dash-c3"]
    assert _ids(dash_engine, late_only=True) == ["dash-c2", "dash-c3", "dash-c4"]
    with store.session_scope(dash_engine) as session, pytest.raises(store.NotFound):
        dashboard_page(session, _query(district="nowhere"), TODAY)


def test_the_charts_have_their_numbers_as_tables_and_accessible_svg(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        charts = dashboard_charts(session, _query(), TODAY)
    steps = dict(charts.steps.rows)
    assert (steps["未開始"], steps["話し合い"], steps["承認"], steps["計画"]) == (
        (1,),
        (1,),
        (2,),
        (2,),
    )
    assert charts.late_districts.rows == (("西中学校区", (2,)), ("東中学校区", (1,)))
    months = dict(charts.approvals.rows)
    assert months["5月"] == (1, 1, 0) and months["6月"] == (1, 2, 1) and months["3月"] == (0, 2, 0)
    for svg, chart in ((charts.steps_svg, charts.steps), (charts.approvals_svg, charts.approvals)):
        assert svg.startswith("<svg") and 'role="img"' in svg
        assert f'<title id="{chart.chart_id}-title">{chart.title}</title>' in svg
        assert f'aria-label="{chart.title}"' in svg
    assert "期限 5月31日" in charts.approvals_svg
    # The charts follow the filters.
    with store.session_scope(dash_engine) as session:
        district = dashboard_charts(session, _query(district="dash-d3"), TODAY)
    assert dict(district.steps.rows)["計画"] == (1,)


def test_names_in_a_chart_are_escaped() -> None:
    chart = ChartData(
        chart_id="x", title="<t>", description="d", columns=("a", "b"),
        rows=(("<script>alert(1)</script>", (3,)),),
    )  # fmt: skip
    svg = bar_chart_svg(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_reminder_shows_whom_it_will_reach_before_it_is_sent(dash: Dash) -> None:
    now = jst(TODAY)
    with store.session_scope(dash.engine) as session:
        reach = remind_preview(session, "dashcity", YEAR, Step.APPROVE, now)
    # c2 waits at approve; c3 too but paused. The principal and c2's chair hear it.
    assert (reach.council_ids, reach.paused, reach.reminded_today, reach.people) == (
        ("dash-c2",), 1, 0, 2,
    )  # fmt: skip
    # Once c2 is reminded today, a second reminder would reach nobody.
    apply(dash.engine, dash.states[2], RemindInput(actor="dash-board", step=Step.APPROVE), now)
    with store.session_scope(dash.engine) as session:
        again = remind_preview(session, "dashcity", YEAR, Step.APPROVE, now)
    assert (again.council_ids, again.reminded_today, again.people) == ((), 1, 0)


def test_the_timeline_links_each_event_to_its_temporal_run(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        entries = timeline(session, "dash-c3", YEAR, "http://ui.example:8233/")
    assert [e.action for e in entries] == ["record_meeting", "close_discussion", "pause_cycle"]
    pause = entries[-1]
    assert (pause.actor_name, pause.action_ja) == ("教委", "一時停止")
    assert [(c.field, c.before, c.after) for c in pause.changes] == [("paused", None, "臨時休校")]
    assert pause.temporal_link == (
        "http://ui.example:8233/namespaces/default/workflows/council-cycle%2Fdash-c3%2F2026/run-1"
    )
    assert temporal_ui_link("http://u", "w", "r") == "http://u/namespaces/default/workflows/w/r"


def test_the_prefecture_view_counts_each_municipality(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        [row] = prefecture_view(session, "ダッシュ県", YEAR, TODAY)
    assert (row.councils, row.not_started, row.paused) == (6, 1, 1)


def test_the_yearly_report_page_sums_its_rows(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        report = yearly_report_page(session, "dashcity", YEAR)
    assert report.municipality_name == "ダッシュ市" and len(report.rows) == 6
    assert (report.totals.schools, report.totals.policies_approved) == (6, 2)
    assert report.totals.meetings_held == 4  # c1, c2, c3 and c5 met once each
    assert cycle_path("dash-c1", YEAR) == "/councils/dash-c1/2026"

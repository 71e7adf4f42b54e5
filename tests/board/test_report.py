"""The yearly activity report per school, and its CSV and Markdown renderings, after a
whole cycle decided by the real rules and recorded in the store."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import Engine

import store
from domain.base import SYSTEM_ACTOR
from domain.events import Change
from domain.model import Step
from reports.exports import REPORT_HEADERS, history_csv, report_csv, report_markdown
from store.yearly_report import ReportRow, yearly_report
from tests.board.support import MUNICIPALITY, OPENED, apply, open_cycle
from tests.workflows.driver import to_close, to_plan

C1, C2 = "testcity-c1", "testcity-c2"


def _full_cycle(engine: Engine, year: int) -> None:
    state = open_cycle(engine, C1, year)
    # One command a day from 1 April: the second vote closes on 14 April (JST).
    for day, command in enumerate(to_plan(), start=1):
        state = apply(engine, state, command, OPENED + timedelta(days=day))
    # The rest from July, once the activities (June) have taken place.
    for day, command in enumerate(to_close(), start=1):
        state = apply(engine, state, command, OPENED + timedelta(days=90 + day))


def _report(engine: Engine, year: int) -> list[ReportRow]:
    with store.session_scope(engine) as session:
        return yearly_report(session, MUNICIPALITY, year)


def test_a_closed_cycle_is_reported_for_every_school_its_council_serves(
    testcity_engine: Engine,
) -> None:
    _full_cycle(testcity_engine, 2026)
    rows = _report(testcity_engine, 2026)

    assert [(r.school_id, r.council_id) for r in rows] == [
        ("testcity-e1", C1), ("testcity-j1", C1), ("testcity-j1", C2),
    ]  # fmt: skip
    joint = rows[0]
    assert joint.joint_council and rows[1].joint_council and not rows[2].joint_council
    assert joint.step == "closed"
    assert joint.meetings_held == 1
    assert joint.approved_on == date(2026, 4, 14)
    assert (joint.activities_planned, joint.aims) == (2, 3)
    assert (joint.aims_met, joint.aims_partly, joint.aims_not_met, joint.aims_unrated) == (
        1, 1, 1, 0,
    )  # fmt: skip
    # Reading held with 24 children and no registered volunteer; patrol cancelled.
    assert (joint.activities_held, joint.activities_cancelled) == (1, 1)
    assert (joint.children, joint.volunteers) == (24, 0)
    assert rows[1].model_dump(exclude={"school_id", "school_name"}) == joint.model_dump(
        exclude={"school_id", "school_name"}
    )
    idle = rows[2]
    assert (idle.step, idle.meetings_held, idle.approved_on, idle.aims) == (None, 0, None, 0)
    # No activity recorded: "not recorded", never a made-up zero.
    assert (idle.activities_held, idle.children, idle.volunteers) == (None, None, None)


def test_report_csv_is_utf8_with_bom_japanese_headers_and_both_date_forms(
    testcity_engine: Engine,
) -> None:
    _full_cycle(testcity_engine, 2026)
    data = report_csv(_report(testcity_engine, 2026))

    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == REPORT_HEADERS
    first = dict(zip(table[0], table[1], strict=True))
    assert first["学校名"] == "テスト市立第一小学校"
    assert first["基本方針承認日（和暦）"] == "令和8年4月14日"
    assert first["基本方針承認日（ISO 8601）"] == "2026-04-14"
    assert (first["会議開催回数"], first["達成"], first["未達成"]) == ("1", "1", "1")
    assert first["合同設置"] == "合同"
    assert (first["実施した活動数"], first["中止した活動数"]) == ("1", "1")
    assert first["参加した児童生徒数（延べ）"] == "24"
    last = dict(zip(table[0], table[3], strict=True))
    assert (last["実施した活動数"], last["参加した児童生徒数（延べ）"]) == ("", "")
    assert len(table) == 4


def test_history_csv_opens_in_excel_with_wareki_and_iso_times(testcity_engine: Engine) -> None:
    _full_cycle(testcity_engine, 2026)
    with store.session_scope(testcity_engine) as session:
        rows = store.history(session, C1, 2026)
        names = store.person_names(session, sorted({r.actor for r in rows}))
    data = history_csv(rows, names)

    assert data[:3] == b"\xef\xbb\xbf"
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(table) == len(rows)
    first = table[0]
    assert first["日時（和暦）"] == "令和8年4月2日 09:00"
    assert first["日時（ISO 8601）"] == "2026-04-02T09:00:00+09:00"
    assert (first["操作"], first["実行者ID"], first["実行者"]) == (
        "会議の記録", "t-coord", "試験 推進員",
    )  # fmt: skip
    assert "vision: — → ふるさとを誇り、自ら学ぶ子ども" in first["変更内容（項目: 前 → 後）"]
    closing = table[-1]
    assert closing["ステップ（前）"] == "評価" and closing["ステップ（後）"] == "終了"


def test_report_markdown_is_one_table_row_per_school(testcity_engine: Engine) -> None:
    _full_cycle(testcity_engine, 2026)
    text = report_markdown(_report(testcity_engine, 2026), "テスト市", 2026)

    lines = text.splitlines()
    assert lines[0] == "# テスト市 2026年度 学校運営協議会 活動報告"
    table = [line for line in lines if line.startswith("| ")]
    assert len(table) == 1 + 3  # header and one row per school and council
    assert "令和8年4月14日（2026-04-14）" in table[1]
    assert "| 2/1/1 | 24 | 0 | 1/1/1/0 |" in table[1]
    assert "（合同）" in table[1] and "（合同）" not in table[3]


def test_alerts_raised_by_the_cycle_itself_are_attributed_to_the_system() -> None:
    alert = store.HistoryRow(
        fiscal_year=2026,
        seq=1,
        at=OPENED,
        step_before=Step.DISCUSS,
        step_after=Step.DISCUSS,
        action="alert",
        actor=SYSTEM_ACTOR,
        changes=(Change(field="alert", before=None, after="discuss:overdue:2026-04-30:1"),),
    )
    table = list(csv.DictReader(io.StringIO(history_csv([alert], {}).decode("utf-8-sig"))))
    assert (table[0]["実行者ID"], table[0]["実行者"]) == ("system", "システム（自動）")
    assert table[0]["変更内容（項目: 前 → 後）"] == "alert: — → discuss:overdue:2026-04-30:1"

"""Exports that open cleanly in Excel and read well in a terminal or a wiki.

CSV: UTF-8 with a byte-order mark (Excel otherwise reads UTF-8 as Shift_JIS and garbles
every Japanese character), CRLF line ends, Japanese headers, and every date twice: in 和暦
for people and in ISO 8601 for machines. A text cell starting with ``= + - @``, a tab or a
CR gets a leading ``'`` (CSV injection). Markdown: the same figures as a table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date

from domain.base import SYSTEM_ACTOR
from domain.events import Change
from domain.refusals import ACTION_NAMES, STEP_NAMES
from reports.wareki import iso_datetime, wareki, wareki_datetime
from store.cycles import HistoryRow
from store.yearly_report import ReportRow

BOM = "\ufeff"
NONE = "—"

HISTORY_HEADERS = (
    "年度", "番号", "日時（和暦）", "日時（ISO 8601）", "操作", "実行者ID", "実行者",
    "ステップ（前）", "ステップ（後）", "変更内容（項目: 前 → 後）",
)  # fmt: skip

REPORT_HEADERS = (
    "年度", "学校ID", "学校名", "中学校区", "協議会ID", "協議会名", "合同設置",
    "現在のステップ", "会議開催回数", "基本方針承認日（和暦）", "基本方針承認日（ISO 8601）",
    "計画した活動数", "実施した活動数", "中止した活動数", "参加した児童生徒数（延べ）",
    "参加したボランティア数（延べ）",
    "ねらいの数", "達成", "一部達成", "未達成", "未評価",
)  # fmt: skip


#: What a spreadsheet reads as the start of a formula (or, tab and CR, as a way to hide
#: one): a name like ``=HYPERLINK(...)`` would otherwise run as one when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` (shown as
    written, computed never); numbers and other cells as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    # Every CSV this project writes comes through here, so every cell is neutralised here.
    rows = [[neutralise(value) for value in row] for row in rows]
    buffer = io.StringIO()
    # Excel splits a cell on a bare LF inside quotes only with CRLF row ends; the csv
    # module's default dialect writes CRLF and quotes what needs quoting.
    writer = csv.writer(buffer, dialect="excel")
    writer.writerow(headers)
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def step_label(step: str | None) -> str:
    """The Japanese name of a step; 未開始 when the cycle has not opened."""
    return "未開始" if step is None else STEP_NAMES.name(step, "ja")


def change_text(change: Change) -> str:
    """``項目: 前 → 後``; a missing value is a dash."""
    before, after = change.before, change.after
    if change.field == "step":
        before, after = step_label(before), step_label(after)
    return f"{change.field}: {before or NONE} → {after or NONE}"


def _actor_name(actor: str, names: Mapping[str, str]) -> str:
    # The cycle's own alerts are recorded as the system's doing, not a person's.
    return "システム（自動）" if actor == SYSTEM_ACTOR else names.get(actor, "")


def history_csv(rows: Sequence[HistoryRow], names: Mapping[str, str]) -> bytes:
    """The audit trail of a council as an Excel-ready CSV (bytes, BOM first)."""
    return _csv(
        HISTORY_HEADERS,
        [
            (
                row.fiscal_year,
                row.seq,
                wareki_datetime(row.at),
                iso_datetime(row.at),
                ACTION_NAMES.name(row.action, "ja"),
                row.actor,
                _actor_name(row.actor, names),
                step_label(row.step_before),
                step_label(row.step_after),
                "; ".join(change_text(c) for c in row.changes),
            )
            for row in rows
        ],
    )


def _optional(value: int | None) -> int | str:
    # "Not recorded" is not zero: an empty cell, not a misleading 0.
    return "" if value is None else value


def _day(value: date | None, japanese: bool) -> str:
    if value is None:
        return ""
    return wareki(value) if japanese else value.isoformat()


def report_csv(rows: Sequence[ReportRow]) -> bytes:
    """The yearly activity report as an Excel-ready CSV (bytes, BOM first)."""
    return _csv(
        REPORT_HEADERS,
        [
            (
                row.fiscal_year,
                row.school_id,
                row.school_name,
                row.district or "",
                row.council_id,
                row.council_name,
                "合同" if row.joint_council else "",
                step_label(row.step),
                row.meetings_held,
                _day(row.approved_on, japanese=True),
                _day(row.approved_on, japanese=False),
                row.activities_planned,
                _optional(row.activities_held),
                "" if row.activities_held is None else row.activities_cancelled,
                _optional(row.children),
                _optional(row.volunteers),
                row.aims,
                row.aims_met,
                row.aims_partly,
                row.aims_not_met,
                row.aims_unrated,
            )
            for row in rows
        ],
    )


def _cell(value: object) -> str:
    # A pipe would end the Markdown cell; a newline would end the row.
    return " ".join(str(value).split()).replace("|", "\\|")


def report_markdown(
    rows: Sequence[ReportRow], municipality_name: str, year: int, anchors: Sequence[str] = ()
) -> str:
    """The yearly activity report as a Markdown document with one table, then the audit
    anchors taken when it was made (``store.audit_anchor``), one a line."""
    headers = (
        "学校", "中学校区", "協議会", "ステップ", "会議", "基本方針承認日",
        "活動（計画/実施/中止）", "児童生徒", "ボランティア", "ねらい 達成/一部/未達成/未評価",
    )  # fmt: skip
    lines = [
        f"# {municipality_name} {year}年度 学校運営協議会 活動報告",
        "",
        f"対象: {len({r.school_id for r in rows})}校、"
        f"{len({r.council_id for r in rows})}協議会。空欄は未記録。",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
    ]
    for row in rows:
        acted = (
            f"{NONE}/{NONE}"
            if row.activities_held is None
            else f"{row.activities_held}/{row.activities_cancelled}"
        )
        council = row.council_name + ("（合同）" if row.joint_council else "")
        approved = (
            NONE
            if row.approved_on is None
            else f"{wareki(row.approved_on)}（{row.approved_on.isoformat()}）"
        )
        cells = (
            row.school_name,
            row.district or NONE,
            council,
            step_label(row.step),
            f"{row.meetings_held}回",
            approved,
            f"{row.activities_planned}/{acted}",
            NONE if row.children is None else row.children,
            NONE if row.volunteers is None else row.volunteers,
            f"{row.aims_met}/{row.aims_partly}/{row.aims_not_met}/{row.aims_unrated}",
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if anchors:
        lines += [
            "",
            "## 監査記録の照合値（アンカー）",
            "",
            "作成時点の監査記録の先頭です。データベースの外に保管し、"
            "`python -m starter audit verify --anchor` で改ざん・欠落がないか照合できます。",
            "",
            *(f"- `{line}`" for line in anchors),
        ]
    return "\n".join(lines) + "\n"

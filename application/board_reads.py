"""The board's reads, as use cases: who asks is checked here, before the store is read,
and a read that shows personal data is an audit row in the same transaction.

- ``overview``: the board admin of the municipality (as the console's dashboard).
- ``summary``: the municipalities whose board the principal is (every one for the local
  operator); a person with no board role is refused.
Each takes the ``Context`` first (``application.context``).

- ``history`` in every format (table, ``--json``, ``--csv``, ``--raw``): the board admin
  of the council's municipality. The console shows a council's history to the board
  only, and the domain gives the board the inspection of every council's history; the
  table and JSON name who did what, so they are audited like the CSV (``export``), as
  ``read_personal_data``. ``--raw`` carries no personal content (event types and times),
  so it is checked but not audited.
- ``report``: the board admin of the municipality; audited as an export.
- ``history_csv`` and ``export_report_csv``: the CSVs, as the CLI writes them and
  the board's dashboard downloads them (one use case for both doors).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

import store
from application import audit
from application.context import Context
from application.permissions import (
    board_municipalities,
    require_board,
    require_board_of_council,
)
from application.principal import Principal
from application.views import HistoryEntry
from domain.model import Step
from store.audit_anchor import take_anchors
from store.board import OverviewRow
from store.board_summary import MunicipalitySummary


def overview(
    ctx: Context,
    municipality_id: str,
    fiscal_year: int,
    *,
    today: date,
    district: str | None,
    step: Step | None,
    overdue_only: bool,
) -> list[OverviewRow]:
    """Every council of the municipality with its cycle (the board's overview)."""

    who = ctx.principal

    def read(session: Session) -> list[OverviewRow]:
        require_board(session, who, municipality_id)
        return store.overview(
            session,
            municipality_id,
            fiscal_year,
            today=today,
            district=district,
            step=step,
            overdue_only=overdue_only,
        )

    return ctx.unit_of_work(read)


def summary(
    ctx: Context, fiscal_year: int, *, today: date, prefecture: str | None
) -> list[MunicipalitySummary]:
    """Counts per municipality, of those whose board the principal is."""
    mine = board_municipalities(ctx.principal)

    def read(session: Session) -> list[MunicipalitySummary]:
        rows = store.summary(session, fiscal_year, today=today, prefecture=prefecture)
        return rows if mine is None else [row for row in rows if row.municipality_id in mine]

    return ctx.unit_of_work(read)


def _history_target(council_id: str, fiscal_year: int | None) -> str:
    return f"councils/{council_id}/history" + ("" if fiscal_year is None else f"/{fiscal_year}")


def history(
    ctx: Context,
    council_id: str,
    fiscal_year: int | None,
    shown_as: Literal["table", "json"],
) -> tuple[list[HistoryEntry], dict[str, str]]:
    """The council's accepted commands (of one year if given) and the actors' names; the
    read is an audit row."""
    who = ctx.principal

    def read(session: Session) -> tuple[list[HistoryEntry], dict[str, str]]:
        require_board_of_council(session, who, council_id)
        rows = store.history(session, council_id, fiscal_year)
        entries = [
            HistoryEntry(
                fiscal_year=row.fiscal_year,
                seq=row.seq,
                at=row.at,
                step_before=row.step_before,
                step_after=row.step_after,
                action=row.action,
                actor=row.actor,
                changes=list(row.changes),
            )
            for row in rows
        ]
        names = store.person_names(session, sorted({e.actor for e in entries}))
        audit.record_in(
            session,
            who.actor,
            audit.AuditAction.READ_PERSONAL_DATA,
            _history_target(council_id, fiscal_year),
            {"format": shown_as},
        )
        return entries, names

    return ctx.unit_of_work(read)


def history_csv(ctx: Context, council_id: str, fiscal_year: int | None) -> bytes:
    """The council's history as an Excel-ready CSV; the export is an audit row."""
    from reports.exports import history_csv as render

    who = ctx.principal

    def read(session: Session) -> bytes:
        require_board_of_council(session, who, council_id)
        rows = store.history(session, council_id, fiscal_year)
        names = store.person_names(session, sorted({r.actor for r in rows}))
        target = _history_target(council_id, fiscal_year)
        audit.record_in(session, who.actor, audit.AuditAction.EXPORT, target, {"format": "csv"})
        return render(rows, names)

    return ctx.unit_of_work(read)


async def raw_history(ctx: Context, council_id: str, fiscal_year: int) -> list[str] | None:
    """The cycle's Temporal event history, one line per event (types and times, no
    personal content: checked, not audited); ``None`` when the engine has no such cycle."""
    from temporalio.service import RPCError, RPCStatusCode

    from contracts.cycle import cycle_workflow_id
    from reports.temporal_history import history_lines

    who = ctx.principal
    ctx.unit_of_work(lambda session: require_board_of_council(session, who, council_id))
    client = await ctx.temporal()
    handle = client.get_workflow_handle(cycle_workflow_id(council_id, fiscal_year))
    try:
        found = await handle.fetch_history()
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    return history_lines(found)


def _yearly_report(
    session: Session, who: Principal, municipality_id: str, fiscal_year: int, output_format: str
) -> list[store.ReportRow]:
    require_board(session, who, municipality_id)
    rows = store.yearly_report(session, municipality_id, fiscal_year)
    audit.record_in(
        session,
        who.actor,
        audit.AuditAction.EXPORT,
        f"municipalities/{municipality_id}/report/{fiscal_year}",
        {"format": output_format},
    )
    return rows


def report(
    ctx: Context, municipality_id: str, fiscal_year: int, output_format: Literal["md", "csv"]
) -> str | bytes:
    """The municipality's yearly report: Markdown text, or an Excel-ready CSV (bytes),
    ending with the audit chains' anchor lines (Markdown); the export is an audit row."""
    from reports.exports import report_csv, report_markdown

    who = ctx.principal

    def read(session: Session) -> tuple[str, list[store.ReportRow], list[str]]:
        require_board(session, who, municipality_id)
        name = store.municipality_name(session, municipality_id)
        rows = _yearly_report(session, who, municipality_id, fiscal_year, output_format)
        # Taken after the export's own audit row: the printed anchor covers it too.
        anchors = [a.line() for a in take_anchors(session, ctx.now())]
        return name, rows, anchors

    name, rows, anchors = ctx.unit_of_work(read)
    if output_format == "csv":
        return report_csv(rows)
    return report_markdown(rows, name, fiscal_year, anchors)


def export_report_csv(ctx: Context, municipality_id: str, fiscal_year: int) -> bytes:
    """The yearly report as the CLI's ``report --format csv`` makes it (BOM, Excel-clean),
    for the board's download; the export is an audit row."""
    content = report(ctx, municipality_id, fiscal_year, "csv")
    assert isinstance(content, bytes)  # report() answers bytes for "csv"
    return content

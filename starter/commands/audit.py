"""``audit verify|anchor``: check the audit trail's hash chain; print its anchors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from application.texts import text
from application.vocabulary import InvalidAnchor, parse_anchors
from starter.cli_auth import context
from starter.cli_common import (
    CliError,
    say,
    session_of,
)

if TYPE_CHECKING:
    pass


app = typer.Typer(help="監査記録。`audit verify` で改ざん・欠落がないか確かめる")


AnchorOption = Annotated[
    str | None,
    typer.Option(
        "--anchor",
        help="保管した照合値: `audit anchor` の行そのもの、またはそれを含むファイル",
    ),
]


@app.command("verify")
def audit_verify(ctx: typer.Context, anchor: AnchorOption = None) -> None:
    """監査記録のハッシュ連鎖を確かめる。最初の壊れた行を1行で示して終了コード1。
    --anchor があれば、保管した照合値と比べて書き換え・末尾の欠落も見つける。"""
    from application import operations

    lang = session_of(ctx).lang
    kept = None
    if anchor is not None:
        # Read first: a bad anchor is reported before anything else is printed.
        try:
            kept = parse_anchors(_anchor_text(anchor))
        except InvalidAnchor as exc:
            raise CliError("audit_bad_anchor", detail=str(exc)) from exc
    reports = operations.verify_audit(context())
    for report in reports:
        if report.broken is not None:
            raise CliError("audit_broken", detail=report.broken)
    if kept is not None:
        problem = operations.verify_audit_anchors(context(), kept)
        if problem is not None:
            raise CliError("audit_broken", detail=problem)
    for report in reports:
        say(text("audit_ok", lang, table=report.table, rows=report.rows))
    for kept_anchor in kept or []:
        at = kept_anchor.at.isoformat(timespec="seconds")
        say(text("audit_anchor_ok", lang, table=kept_anchor.table, at=at, seq=kept_anchor.seq))


def _anchor_text(value: str) -> str:
    """``--anchor``: the line itself, or a file holding it (a kept copy, a mail, a
    report)."""
    if value.lstrip().startswith("audit-anchor"):
        return value
    path = Path(value)
    try:
        with path.open(encoding="utf-8", errors="replace") as kept:
            return kept.read(1_000_000)  # a year of anchors is far less than this
    except OSError as exc:
        raise CliError("audit_bad_anchor", detail=f"{path}: {exc.strerror}") from exc


@app.command("anchor")
def audit_anchor(ctx: typer.Context) -> None:
    """監査記録の現在の先頭（seq とハッシュ）を照合値として1表1行で出力する。
    データベースの外（紙・別のシステム）に保管し、`audit verify --anchor` で照合する。"""
    from application import operations

    session_of(ctx)
    for taken in operations.audit_anchors(context()):
        say(taken.line())


def register(root: typer.Typer) -> None:
    """Add ``audit`` to ``root``."""
    root.add_typer(app, name="audit")

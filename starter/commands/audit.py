"""CLI commands that change or guard the directory: ``load`` (shown, confirmed, audited,
sent to the running cycles), ``audit verify`` and ``audit anchor``, and ``person erase``.

The actor is the owner of the CLI's access token (``starter.cli_auth``); the application
functions take it as a parameter.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from application.texts import text
from application.views import LoadResult
from domain.refusals import Lang
from starter.cli_auth import cli_actor, principal, require_board
from starter.cli_common import (
    CliError,
    JsonOption,
    print_json,
    run_async,
    say,
    session_of,
    settings,
)

if TYPE_CHECKING:
    from application.directory import RosterSent

YesOption = Annotated[bool, typer.Option("--yes", help="確認なしで適用する（スクリプト用）")]


def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="自治体ファイル（YAML）")],
    yes: YesOption = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="変更点を表示するだけで何も変更しない")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """自治体ファイル（学校・人・協議会・名簿）を読み込む。変更点を表示し、確認してから適用する。"""
    from application import directory

    lang = session_of(ctx).lang
    config = settings()
    principal()  # signed in before the file or the store is read
    interactive = sys.stdin.isatty() and not as_json
    if not (yes or dry_run or interactive):
        raise CliError("load_unconfirmed")
    plan = directory.plan_load(config, file)
    # The diff itself shows names and contacts: the board's, before anything is printed.
    require_board(plan.summary.municipality_id)
    header = {"name": plan.name, "id": plan.summary.municipality_id}
    if not as_json:
        if plan.changes:
            say(text("load_diff_header", lang, count=len(plan.changes), **header))
            for change in plan.changes:
                say("  " + change.line())
        else:
            say(text("load_no_changes", lang, **header))
    if dry_run or not plan.changes:
        if as_json:
            print_json(_result(plan.summary))
        return
    if not yes and not typer.confirm(text("load_confirm", lang), default=False):
        raise CliError("load_declined")
    actor = cli_actor()
    applied = directory.apply_load(config, file, actor, plan.changes)
    sent = run_async(directory.send_rosters(config, applied.rosters, applied.change_id, actor))
    if as_json:
        print_json(_result(applied.summary))
    else:
        say(text("load_applied", lang, count=len(plan.changes), change_id=applied.change_id))
    _report_rosters(lang, sent, quiet=as_json)


def _result(summary: object) -> LoadResult:
    return LoadResult.model_validate(summary, from_attributes=True)


audit_app = typer.Typer(help="監査記録。`audit verify` で改ざん・欠落がないか確かめる")


AnchorOption = Annotated[
    str | None,
    typer.Option(
        "--anchor",
        help="保管した照合値: `audit anchor` の行そのもの、またはそれを含むファイル",
    ),
]


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, anchor: AnchorOption = None) -> None:
    """監査記録のハッシュ連鎖を確かめる。最初の壊れた行を1行で示して終了コード1。
    --anchor があれば、保管した照合値と比べて書き換え・末尾の欠落も見つける。"""
    from application import operations
    from store.audit_anchor import InvalidAnchor, parse_anchors

    lang = session_of(ctx).lang
    config = settings()
    who = principal()
    kept = None
    if anchor is not None:
        # Read first: a bad anchor is reported before anything else is printed.
        try:
            kept = parse_anchors(_anchor_text(anchor))
        except InvalidAnchor as exc:
            raise CliError("audit_bad_anchor", detail=str(exc)) from exc
    reports = operations.verify_audit(config, who)
    for report in reports:
        if report.broken is not None:
            raise CliError("audit_broken", detail=report.broken)
    if kept is not None:
        problem = operations.verify_audit_anchors(config, who, kept)
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


@audit_app.command("anchor")
def audit_anchor(ctx: typer.Context) -> None:
    """監査記録の現在の先頭（seq とハッシュ）を照合値として1表1行で出力する。
    データベースの外（紙・別のシステム）に保管し、`audit verify --anchor` で照合する。"""
    from application import operations

    session_of(ctx)
    for taken in operations.audit_anchors(settings(), principal()):
        say(taken.line())


person_app = typer.Typer(help="利用者の個人情報。`person erase` で退任者の氏名・連絡先を消去する")


@person_app.command("erase")
def person_erase(
    ctx: typer.Context,
    person: Annotated[str, typer.Option("--person", help="消去する人（またはボランティア）のID")],
    municipality: Annotated[str, typer.Option("--municipality", help="自治体ID")],
    yes: YesOption = False,
) -> None:
    """退任した人の氏名・連絡先を消去する（IDは記録に残り「削除済みの利用者」と表示）。"""
    from application import erasure

    if not yes:
        raise CliError("erase_unconfirmed")
    lang = session_of(ctx).lang
    require_board(municipality)
    done = run_async(erasure.erase_and_update_cycles(settings(), cli_actor(), municipality, person))
    say(
        text(
            "erased",
            lang,
            person=person,
            roles=done.erasure.roles_removed,
            notifications=done.erasure.notifications_cleared,
        )
    )
    _report_rosters(lang, done.sent)


roster_app = typer.Typer(help="実行中のサイクルの名簿。`roster sync` で名簿を再送する")


@roster_app.command("sync")
def roster_sync(
    ctx: typer.Context,
    municipality: Annotated[str, typer.Option("--municipality", help="自治体ID")],
) -> None:
    """データベースの名簿を自治体の実行中のすべてのサイクルに送る（反映に失敗したとき）。"""
    from application import directory

    require_board(municipality)
    sent = run_async(directory.sync_rosters(settings(), municipality, cli_actor()))
    _report_rosters(session_of(ctx).lang, sent)


def _report_rosters(lang: Lang, sent: Sequence[RosterSent], quiet: bool = False) -> None:
    """A line per cycle that took its roster (unless ``quiet``: JSON output), then the
    first one that did not as the command's error."""
    for cycle in sent:
        if cycle.problem is None and not quiet:
            say(text("roster_sent", lang, council=cycle.council_id, year=cycle.fiscal_year))
    for cycle in sent:
        if cycle.problem is not None:
            raise CliError(
                "roster_not_sent",
                council=cycle.council_id,
                year=cycle.fiscal_year,
                detail=cycle.problem,
            )


def register(app: typer.Typer) -> None:
    """Add ``load``, ``audit``, ``person`` and ``roster`` to ``app``."""
    app.command("load")(load)
    app.add_typer(audit_app, name="audit")
    app.add_typer(person_app, name="person")
    app.add_typer(roster_app, name="roster")

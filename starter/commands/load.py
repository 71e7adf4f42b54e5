"""``load FILE``: read a municipality file (schools, people, councils, rosters), show what
changes, apply it once confirmed, audited, and send the new rosters to the running cycles.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from application.texts import text
from application.views import LoadResult
from starter.cli_auth import context, require_board
from starter.cli_common import (
    CliError,
    JsonOption,
    YesOption,
    print_json,
    report_rosters,
    run_async,
    say,
    session_of,
)

if TYPE_CHECKING:
    pass


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
    context()  # signed in before the file or the store is read
    interactive = sys.stdin.isatty() and not as_json
    if not (yes or dry_run or interactive):
        raise CliError("load_unconfirmed")
    plan = directory.plan_load(context(), file)
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
    use = context()
    applied = directory.apply_load(use, file, plan.changes)
    sent = run_async(
        directory.send_rosters(use.config, applied.rosters, applied.change_id, use.principal.actor)
    )
    if as_json:
        print_json(_result(applied.summary))
    else:
        say(text("load_applied", lang, count=len(plan.changes), change_id=applied.change_id))
    report_rosters(lang, sent, quiet=as_json)


def _result(summary: object) -> LoadResult:
    return LoadResult.model_validate(summary, from_attributes=True)


def register(root: typer.Typer) -> None:
    """Add ``load`` to ``root``."""
    root.command("load")(load)

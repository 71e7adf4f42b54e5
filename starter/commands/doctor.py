"""``doctor``: compare the store with the engine and, with ``--repair``, fix what differs."""

from __future__ import annotations

from typing import Annotated

import typer

from application import operations
from i18n.catalogue import Texts
from starter.cli_auth import context
from starter.cli_common import run_async, say, session_of

#: The doctor's lines: the catalogue's ``"cli.doctor"`` context.
_DOCTOR = Texts("cli.doctor")


#: The exit code when the store and the engine disagree (before any repair).
EXIT_DIFFERENCES = 1


def doctor_command(
    ctx: typer.Context,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="自治体ID（省略時は全自治体）")
    ] = None,
    include_closed: Annotated[bool, typer.Option("--all", help="終了したサイクルも比べる")] = False,
    repair: Annotated[
        bool, typer.Option("--repair", help="違いをワークフローの状態に合わせて直す")
    ] = False,
) -> None:
    """ストアの記録とワークフローの状態を比べ、違いを1行ずつ表示する。"""
    lang = session_of(ctx).lang
    found = run_async(operations.run_doctor(context(), municipality, include_closed, repair))
    for difference in found.differences:
        say(difference.line())
    count = len(found.differences)
    say(_DOCTOR.text("compared", lang, cycles=found.cycles, count=count))
    if repair:
        say(_DOCTOR.text("repaired", lang, repaired=found.repaired, unrepaired=found.unrepaired))
    # Without --repair any difference fails; with it, only what could not be repaired.
    if (found.differences and not repair) or found.unrepaired:
        raise typer.Exit(EXIT_DIFFERENCES)


def register(root: typer.Typer) -> None:
    """Add ``doctor`` to ``root``."""
    root.command("doctor")(doctor_command)

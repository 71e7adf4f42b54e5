"""``remind``: remind the owners of a step, in every council of a municipality still at it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from application import board_acts, operations
from application.board_acts import RemindOutcome
from application.texts import step_name
from application.vocabulary import Lang, RemindInput, Step
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CliError,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    console,
    print_json,
    run_async,
    say,
    session_of,
    year_or_current,
)

#: This module's lines: the catalogue's ``"cli.notify"`` context.
_TEXTS = Texts("cli.notify")


def remind(
    ctx: typer.Context,
    municipality: Annotated[str, typer.Option("--municipality", help="自治体ID")],
    step: Annotated[Step, typer.Option("--step", help="督促するステップ")],
    year: YearOption = None,
    as_json: JsonOption = False,
    on_behalf: OnBehalfOption = None,
) -> None:
    """ステップで止まっている全協議会に督促を送る（教育委員会。1協議会1日1回まで）。"""
    actor = acting(on_behalf)
    lang = session_of(ctx).lang
    command = build(RemindInput, actor=actor, step=step)
    fiscal_year = year_or_current(year)
    council_ids = operations.remind_targets(context(), actor, municipality)
    results = run_async(_remind_all(council_ids, fiscal_year, command, lang, as_json))
    if as_json:
        print_json(list(results))
        return
    count = {o: sum(1 for r in results if r.outcome == o) for o in ("sent", "skipped")}
    say(
        _TEXTS.text(
            "summary",
            lang,
            municipality=municipality,
            step=step_name(step.value, lang),
            sent=count["sent"],
            people=sum(r.recipients for r in results),
            skipped=count["skipped"],
            not_started=sum(1 for r in results if r.outcome == "not_started"),
        )
    )


async def _remind_all(
    council_ids: list[str], year: int, command: RemindInput, lang: Lang, quiet: bool
) -> tuple[RemindOutcome, ...]:
    """``board_acts.remind_councils`` behind a progress bar (not with ``--json``); the
    councils that failed are reported in one line at the end, after the councils that
    could be reminded were."""
    client = await context().temporal()
    progress = Progress(console=console(), disable=quiet, transient=False)
    bar: list[TaskID] = []

    def one_done() -> None:
        # The bar appears only once the first council went through: a refusal that
        # is not a skip fails there with one line and nothing on stdout.
        if not bar:
            progress.start()
            bar.append(progress.add_task(_TEXTS.text("progress", lang), total=len(council_ids)))
        progress.advance(bar[0])

    try:
        report = await board_acts.remind_councils(
            client, council_ids, year, command.actor, command.step, lang=lang, on_each=one_done
        )
    finally:
        if bar:
            progress.stop()
    if report.failures:
        raise CliError(
            "remind_failed", count=len(report.failures), details="; ".join(report.failures)
        )
    return report.outcomes


def register(root: typer.Typer) -> None:
    """Add ``remind`` to ``root``."""
    root.command("remind")(remind)

"""``cycle start|status|pause|resume|restore``: open a council's yearly cycle, read its
state, pause and resume it (the board of education), and start it again from the store
after its Temporal data was lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.progress import Progress

from application import operations
from application.cycles import StartOutcome
from application.texts import text
from application.views import StartResult
from application.vocabulary import Lang, PauseCycleInput, ResumeCycleInput
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CliError,
    CommandIdOption,
    CouncilOption,
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
from starter.cli_render import state_table
from starter.cli_send import execute

app = typer.Typer(help="サイクルの開始と状態の確認", no_args_is_help=True)


@app.command("start")
def start(
    ctx: typer.Context,
    council: Annotated[str | None, typer.Option("--council", help="協議会ID")] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="自治体ID（全協議会を開始）")
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """協議会（または自治体の全協議会）のサイクルを開始する。既に開始済みなら何もしない。"""
    lang = session_of(ctx).lang
    fiscal_year = year_or_current(year)
    if (council is None) == (municipality is None):
        raise CliError("council_xor_municipality")
    council_ids = operations.start_targets(context(), council, municipality)
    if council is not None:
        result = run_async(_start_one(council, fiscal_year))
        if as_json:
            print_json([result])
        else:
            say(text(result.outcome.value, lang, council=council, year=fiscal_year))
        return
    assert municipality is not None
    results = run_async(_start_many(council_ids, fiscal_year, lang, as_json))
    if as_json:
        print_json(results)
        return
    counts = {outcome: 0 for outcome in StartOutcome}
    for result in results:
        counts[result.outcome] += 1
    say(
        text(
            "start_summary",
            lang,
            municipality=municipality,
            started=counts[StartOutcome.STARTED],
            running=counts[StartOutcome.ALREADY_RUNNING],
            closed=counts[StartOutcome.ALREADY_CLOSED],
        )
    )


async def _start_one(council: str, year: int) -> StartResult:
    ctx = context()
    return await operations.start_cycle_of(ctx, await ctx.temporal(), council, year, None)


async def _start_many(
    council_ids: Sequence[str], year: int, lang: Lang, quiet: bool
) -> list[StartResult]:
    """Start every council's cycle (``operations.start_cycles``, as the board's "open
    the year" page does) with a progress bar (not with ``--json``, whose stdout must hold
    the JSON alone). The failures are reported together at the end."""
    ctx = context()
    with Progress(console=console(), disable=quiet, transient=False) as progress:
        task = progress.add_task(text("starting_councils", lang), total=len(council_ids))
        results, failures = await operations.start_cycles(
            ctx, council_ids, year, lambda: progress.advance(task)
        )
    if failures:
        raise CliError("start_failed", count=len(failures), details="; ".join(failures))
    return results


@app.command("status")
def status(
    ctx: typer.Context,
    council: Annotated[str, typer.Option("--council", help="協議会ID")],
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """サイクルの現在の状態を表示する。"""
    fiscal_year = year_or_current(year)
    state = run_async(operations.cycle_status(context(), council, fiscal_year))
    if as_json:
        print_json(state)
    else:
        console().print(state_table(state, session_of(ctx).lang))


@app.command("pause")
def pause(
    ctx: typer.Context,
    council: CouncilOption,
    reason: Annotated[str, typer.Option("--reason", help="一時停止の理由（全員に表示される）")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """サイクルを一時停止する。停止中のコマンドは理由とともに拒否される（教育委員会）。"""
    actor = acting(on_behalf)
    execute(
        ctx, council, year, build(PauseCycleInput, actor=actor, reason=reason), as_json, command_id
    )


@app.command("resume")
def resume(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """一時停止したサイクルを再開する。未到来の期限は停止した期間だけ延びる（教育委員会）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(ResumeCycleInput, actor=actor), as_json, command_id)


#: What became of each year: the catalogue's ``"cli.restore"`` context.
_SAID = Texts("cli.restore")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    council: Annotated[str | None, typer.Option("--council", help="協議会ID")] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="自治体ID（全協議会の未終了サイクル）")
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """Temporalのデータを失ったサイクルを、ストアの記録から再開する。"""
    lang = session_of(ctx).lang
    if (council is None) == (municipality is None):
        raise CliError("council_xor_municipality")
    results = run_async(operations.restore_cycles(context(), council, municipality, year))
    if as_json:
        print_json(results)
        return
    for result in results:
        say(
            _SAID.text(
                result.outcome.value, lang, council=result.council_id, year=result.fiscal_year
            )
        )


def register(root: typer.Typer) -> None:
    """Add ``cycle`` to ``root``."""
    root.add_typer(app, name="cycle")

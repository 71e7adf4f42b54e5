"""The ``starter`` command line: run a council's yearly cycle from a terminal.

``run(args)`` is the entry point (``python -m starter``). It turns every failure into
exactly one line on stderr (Japanese by default, English with ``--lang en``) and a
non-zero exit code: 1 for an error, 2 for a usage mistake, 3 for a command the cycle's
rules refused. Nothing is printed on stdout when a command fails.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import Progress
from temporalio.client import Client
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from application import cycles, operations, records
from application.cycles import CommandRefused, CycleError
from application.errors import one_line
from application.texts import text
from application.views import StartOutcome, StartResult
from config import Settings
from contracts.cycle import cycle_workflow_id
from domain.model import CycleState
from domain.refusals import Lang
from starter import (
    audit_cli,
    board_cli,
    cli_auth,
    cli_oversight,
    cli_records,
    cli_steps,
    doctor_cli,
    notify_cli,
    restore_cli,
    tasks_cli,
)
from starter.cli_auth import principal
from starter.cli_common import (
    CliError,
    CliSession,
    JsonOption,
    LangChoice,
    YearOption,
    console,
    print_json,
    run_async,
    say,
    session_of,
    settings,
    summarize,
    year_or_current,
)
from starter.render import state_table, visible

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_INTERRUPTED = 130

#: How many cycles ``cycle start --municipality`` starts at once.
START_CONCURRENCY = 16

app = typer.Typer(
    name="starter",
    help="学校運営協議会の年間サイクル（話し合い→承認→計画→連絡調整→活動→評価）を操作します。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    lang: Annotated[
        LangChoice, typer.Option("--lang", help="表示言語 ja（既定）または en")
    ] = LangChoice.JA,
) -> None:
    """学校運営協議会サイクルのCLI。"""
    session_of(ctx).lang = "ja" if lang is LangChoice.JA else "en"


cycle_app = typer.Typer(help="サイクルの開始と状態の確認", no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")


@cycle_app.command("start")
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
    council_ids = operations.start_targets(settings(), principal(), council, municipality)
    if council is not None:
        result = run_async(_start_one(settings(), council, fiscal_year))
        if as_json:
            print_json([result])
        else:
            say(text(result.outcome.value, lang, council=council, year=fiscal_year))
        return
    assert municipality is not None
    results = run_async(_start_many(settings(), council_ids, fiscal_year, lang, as_json))
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


async def _start_one(config: Settings, council: str, year: int) -> StartResult:
    client = await cycles.connect(config)
    return await _start_with(client, config, council, year)


async def _start_with(
    client: Client, config: Settings, council: str, year: int, in_store: set[str] | None = None
) -> StartResult:
    outcome = await cycles.start_cycle(client, config, council, year, in_store)
    if outcome is StartOutcome.STARTED:
        # Wait until it has opened, so that an unknown council is an error here and not
        # a silent failure later.
        await cycles.state(client, council, year)
    return StartResult(
        council_id=council,
        fiscal_year=year,
        workflow_id=cycle_workflow_id(council, year),
        outcome=outcome,
    )


async def _start_many(
    config: Settings, council_ids: Sequence[str], year: int, lang: Lang, quiet: bool
) -> list[StartResult]:
    """Start every council's cycle, a few at a time, with a progress bar (not with
    ``--json``, whose stdout must hold the JSON alone). A council that fails does not
    stop the others; the failures are reported together at the end."""
    client = await cycles.connect(config)
    in_store = await asyncio.to_thread(records.years_in_store, config, list(council_ids), year)
    gate = asyncio.Semaphore(START_CONCURRENCY)
    failures: list[str] = []
    results: list[StartResult] = []
    with Progress(console=console(), disable=quiet, transient=False) as progress:
        task = progress.add_task(text("starting_councils", lang), total=len(council_ids))

        async def one(council: str) -> None:
            async with gate:
                try:
                    results.append(await _start_with(client, config, council, year, in_store))
                except Exception as exc:
                    # Collected, not swallowed: every failure is named in the final error.
                    failures.append(f"{council} ({type(exc).__name__}: {one_line(str(exc))})")
                progress.advance(task)

        await asyncio.gather(*(one(council) for council in council_ids))
    if failures:
        raise CliError("start_failed", count=len(failures), details="; ".join(sorted(failures)))
    order = {council: i for i, council in enumerate(council_ids)}
    return sorted(results, key=lambda r: order[r.council_id])


@cycle_app.command("status")
def status(
    ctx: typer.Context,
    council: Annotated[str, typer.Option("--council", help="協議会ID")],
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """サイクルの現在の状態を表示する。"""
    fiscal_year = year_or_current(year)
    who = principal()
    minutes_allowed = operations.may_read_cycle(settings(), who, council)

    async def go() -> CycleState:
        client = await cycles.connect(settings())
        return await cycles.state(client, council, fiscal_year)

    state = operations.cycle_as_seen(
        settings(), who, run_async(go()), minutes_allowed, "cycle status"
    )
    if as_json:
        print_json(state)
    else:
        console().print(state_table(state, session_of(ctx).lang))


cli_steps.register(app)
cli_oversight.register(app, cycle_app)
restore_cli.register(cycle_app)
doctor_cli.register(app)
cli_records.register(app)
audit_cli.register(app)
notify_cli.register(app)
tasks_cli.register(app)
board_cli.register(app)


def run(args: Sequence[str]) -> int:
    """Run the CLI with ``args``; return the exit code. Never raises."""
    session = CliSession()
    # Each run signs in afresh (tests run the CLI many times in one process).
    cli_auth.principal.cache_clear()
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(args), prog_name="starter", standalone_mode=False, obj=session
        )
    except CommandRefused as exc:
        return _fail(exc.message(session.lang), EXIT_REFUSED)
    except CliError as exc:
        return _fail(exc.message(session.lang), exc.exit_code)
    except CycleError as exc:
        return _fail(exc.message(session.lang), EXIT_ERROR)
    except ValidationError as exc:
        # A value the shared input models reject (say, a council id with a space).
        return _fail(text("invalid_input", session.lang, detail=summarize(exc)), EXIT_ERROR)
    except NoArgsIsHelpError as exc:
        # A bare group name asks for help: show it, as the user expects.
        sys.stdout.write(exc.format_message() + "\n")
        return 0
    except UsageError as exc:
        where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        detail = where + exc.format_message()
        return _fail(text("usage", session.lang, detail=detail), EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        return _fail(text("interrupted", session.lang), EXIT_INTERRUPTED)
    except typer.TyperException as exc:
        return _fail(text("usage", session.lang, detail=exc.format_message()), EXIT_USAGE)
    except Exception as exc:
        return _fail(_unexpected(exc, session), EXIT_ERROR)
    return result if isinstance(result, int) else 0


def _unexpected(exc: Exception, session: CliSession) -> str:
    """A bug or an outage: name the exception and its cause, since no rule explains it."""
    detail = str(exc)
    cause = getattr(exc, "cause", None) or exc.__cause__
    if cause is not None:
        detail = f"{detail}: {cause}"
    return text("unexpected", session.lang, kind=type(exc).__name__, detail=detail)


def _fail(message: str, code: int) -> int:
    # The message may quote a file's or a person's text: shown, never obeyed.
    sys.stderr.write(visible(one_line(message)) + "\n")
    return code

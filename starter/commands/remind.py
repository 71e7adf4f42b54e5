"""``remind``: remind the owners of a step, in every council of a municipality still at it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

import typer
from pydantic import BaseModel, ConfigDict
from rich.progress import Progress
from temporalio.client import Client

from application import cycles, operations
from application.cycles import CommandRefused, CycleNotStarted
from application.errors import one_line
from application.texts import step_name
from application.vocabulary import STEP_OWNERS, Lang, RemindInput, Step
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

#: Refusals that mean "nothing to remind here": counted as skipped, not failures.
SKIPPED = frozenset({"not_at_step", "already_reminded", "paused", "cycle_closed"})


CONCURRENCY = 16


#: This module's lines: the catalogue's ``"cli.notify"`` context.
_TEXTS = Texts("cli.notify")


class RemindResult(BaseModel):
    """What ``remind`` did for one council (``--json`` prints a list of these)."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    outcome: Literal["sent", "skipped", "not_started"]
    #: People reminded (the step's owners on the roster); 0 unless sent.
    recipients: int = 0
    #: Why it was skipped: the refusal code and its one-line message (in ``--lang``).
    reason_code: str | None = None
    reason: str | None = None


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
        print_json(results)
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
) -> list[RemindResult]:
    """Remind each council, a few at a time, behind a progress bar (not with ``--json``).

    The first council goes alone before the bar appears: a refusal that is not a skip (a
    person who is not a board admin) would be the same for every council, and fails there
    with one line and nothing on stdout. Other failures are collected and reported in one
    line at the end, after the councils that could be reminded were."""
    client = await context().temporal()
    results = {council_ids[0]: await _remind_one(client, council_ids[0], year, command, lang)}
    gate = asyncio.Semaphore(CONCURRENCY)
    failures: list[str] = []
    with Progress(console=console(), disable=quiet, transient=False) as progress:
        label = _TEXTS.text("progress", lang)
        task = progress.add_task(label, total=len(council_ids), completed=1)

        async def one(council: str) -> None:
            async with gate:
                try:
                    results[council] = await _remind_one(client, council, year, command, lang)
                except Exception as exc:
                    # Collected, not swallowed: every failure is named in the final error.
                    failures.append(f"{council} ({type(exc).__name__}: {one_line(str(exc))})")
                progress.advance(task)

        await asyncio.gather(*(one(council) for council in council_ids[1:]))
    if failures:
        raise CliError("remind_failed", count=len(failures), details="; ".join(sorted(failures)))
    return [results[council] for council in council_ids]


async def _remind_one(
    client: Client, council: str, year: int, command: RemindInput, lang: Lang
) -> RemindResult:
    try:
        await cycles.send(client, council, year, command)
    except CycleNotStarted:
        return RemindResult(council_id=council, fiscal_year=year, outcome="not_started")
    except CommandRefused as refusal:
        if refusal.code not in SKIPPED:
            raise
        return RemindResult(
            council_id=council,
            fiscal_year=year,
            outcome="skipped",
            reason_code=refusal.code,
            reason=refusal.message(lang),
        )
    # The roster as the cycle knows it: the receipt is small and carries no roster.
    state = await cycles.state(client, council, year)
    owners = state.roster.holders_of(*STEP_OWNERS[command.step])
    return RemindResult(
        council_id=council, fiscal_year=year, outcome="sent", recipients=len(owners)
    )


def register(root: typer.Typer) -> None:
    """Add ``remind`` to ``root``."""
    root.command("remind")(remind)

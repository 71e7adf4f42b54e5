"""``cycle restore``: start cycles again from the store after their Temporal data was lost.

One council and year (``--council``, ``--year``), or every open cycle of a municipality
(``--municipality``). A cycle the engine still has is left alone.
"""

from __future__ import annotations

from typing import Annotated

import typer

from application import cycles, operations, restore
from application.restore import RestoreResult
from i18n.catalogue import Texts
from starter.cli_auth import principal
from starter.cli_common import (
    CliError,
    JsonOption,
    YearOption,
    print_json,
    run_async,
    say,
    session_of,
    settings,
    year_or_current,
)

#: What became of each year: the catalogue's ``"cli.restore"`` context.
_SAID = Texts("cli.restore")


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
    config = settings()
    targets = operations.restore_targets(
        config, principal(), council, municipality, year, year_or_current(None)
    )

    async def go() -> list[RestoreResult]:
        client = await cycles.connect(config)
        return await restore.restore_many(client, config, targets)

    results = run_async(go())
    if as_json:
        print_json(results)
        return
    for result in results:
        say(
            _SAID.text(
                result.outcome.value, lang, council=result.council_id, year=result.fiscal_year
            )
        )


def register(cycle_app: typer.Typer) -> None:
    """Add ``restore`` to the ``cycle`` group."""
    cycle_app.command("restore")(restore_command)

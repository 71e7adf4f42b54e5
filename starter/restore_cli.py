"""``cycle restore``: start cycles again from the store after their Temporal data was lost.

One council and year (``--council``, ``--year``), or every open cycle of a municipality
(``--municipality``). A cycle the engine still has is left alone.
"""

from __future__ import annotations

from typing import Annotated

import typer

from application import cycles, operations, restore
from application.restore import RestoreOutcome, RestoreResult
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

_SAID = {
    "ja": {
        RestoreOutcome.RESTORED: "協議会 {council} の{year}年度を記録から復元しました",
        RestoreOutcome.ENGINE_HAS_IT: "協議会 {council} の{year}年度は稼働中です（復元不要）",
        RestoreOutcome.CLOSED: "協議会 {council} の{year}年度は終了しています（復元不要）",
        RestoreOutcome.NEXT_YEAR_OPENED: (
            "協議会 {council} の{year}年度は終了済み。翌年度を引き継ぎ事項とともに開始しました"
        ),
    },
    "en": {
        RestoreOutcome.RESTORED: "council {council} {year}: restored from the store",
        RestoreOutcome.ENGINE_HAS_IT: "council {council} {year}: running already, left alone",
        RestoreOutcome.CLOSED: "council {council} {year}: closed, nothing to restore",
        RestoreOutcome.NEXT_YEAR_OPENED: (
            "council {council} {year}: closed; next year opened with its findings"
        ),
    },
}


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
        say(_SAID[lang][result.outcome].format(council=result.council_id, year=result.fiscal_year))


def register(cycle_app: typer.Typer) -> None:
    """Add ``restore`` to the ``cycle`` group."""
    cycle_app.command("restore")(restore_command)

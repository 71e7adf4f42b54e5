"""``resource list``: the community resource list."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import Lang
from i18n.catalogue import Texts
from starter.cli_auth import context
from starter.cli_common import (
    JsonOption,
    console,
    print_json,
    say,
    session_of,
)
from starter.cli_render import SafeTable

MunicipalityOption = Annotated[str, typer.Option("--municipality", help="自治体ID")]


#: This module's lines: the catalogue's ``"cli.volunteers"`` context.
_LINES = Texts("cli.volunteers")


def line(key: str, lang: Lang, **params: object) -> str:
    """One of this module's sentences in ``lang``."""
    return _LINES.text(key, lang, **params)


app = typer.Typer(help="地域人材・資源リスト", no_args_is_help=True)


@app.command("list")
def list_resources(
    ctx: typer.Context,
    municipality: MunicipalityOption,
    kind: Annotated[str | None, typer.Option("--kind", help="種類で絞り込む（例: 施設）")] = None,
    as_json: JsonOption = False,
) -> None:
    """地域人材・資源リスト（企業・団体・施設・個人ができること）を表示する。"""
    from application import task_records

    lang = session_of(ctx).lang
    shown_as = "json" if as_json else "table"
    rows = task_records.resources(context(), municipality, kind, shown_as)
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(line("no_resources", lang))
        return
    table = SafeTable(show_header=True)
    for key in ("id", "name", "kind", "contact", "notes"):
        table.add_column(line(key, lang), no_wrap=key != "notes")
    for row in rows:
        table.add_row(row.id, row.name, row.kind, row.contact or "", row.notes)
    console().print(table)


def register(root: typer.Typer) -> None:
    """Add ``resource`` to ``root``."""
    root.add_typer(app, name="resource")

"""``volunteer add|list|renew|withdraw|import``: the volunteer registry.

Names and contacts are shown in tables and in ``--json`` of these commands only: they are
the registry itself, read by the coordinators who keep it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from application.vocabulary import JAPAN, Lang, VolunteerEntry, VolunteerKind
from i18n.catalogue import Texts
from starter.cli_auth import context
from starter.cli_common import (
    JsonOption,
    build,
    console,
    parse_date,
    print_json,
    say,
    session_of,
    split_ids,
)
from starter.cli_render import SafeTable

MunicipalityOption = Annotated[str, typer.Option("--municipality", help="自治体ID")]


VolunteerArgument = Annotated[str, typer.Argument(help="ボランティアの登録番号")]


OnOption = Annotated[
    str | None, typer.Option("--on", help="日付 YYYY-MM-DD（省略時は今日・日本時間）")
]


#: This module's lines: the catalogue's ``"cli.volunteers"`` context.
_LINES = Texts("cli.volunteers")


def line(key: str, lang: Lang, **params: object) -> str:
    """One of this module's sentences in ``lang``."""
    return _LINES.text(key, lang, **params)


def _day(value: str | None) -> date:
    return parse_date(value) if value is not None else datetime.now(JAPAN).date()


app = typer.Typer(help="ボランティア登録（2年ごとに更新）", no_args_is_help=True)


class KindChoice(StrEnum):
    """person (個人) or group (団体), as typed on the command line."""

    PERSON = "person"
    GROUP = "group"


@app.command("add")
def add(
    ctx: typer.Context,
    volunteer_id: VolunteerArgument,
    municipality: MunicipalityOption,
    name: Annotated[str, typer.Option("--name", help="氏名または団体名")],
    kind: Annotated[KindChoice, typer.Option("--kind", help="person（個人）/ group（団体）")] = (
        KindChoice.PERSON
    ),
    fields: Annotated[str, typer.Option("--fields", help="活動分野（カンマ区切り）")] = "",
    availability: Annotated[str, typer.Option("--availability", help="活動可能日")] = "",
    contact: Annotated[str | None, typer.Option("--contact", help="連絡先")] = None,
    registered: Annotated[
        str | None, typer.Option("--registered", help="登録日 YYYY-MM-DD（省略時は今日）")
    ] = None,
    consent: Annotated[
        bool, typer.Option("--consent/--no-consent", help="連絡してよいか（本人の同意）")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """ボランティア（個人・団体）を登録する。同じ登録番号なら内容を更新する。"""
    from application import volunteer_registry

    entry = build(
        VolunteerEntry,
        id=volunteer_id,
        name=name,
        kind=VolunteerKind(kind.value),
        fields_of_help=split_ids(fields),
        availability=availability,
        contact=contact,
        registered_on=_day(registered),
        consent_to_contact=consent,
    )
    done, row = volunteer_registry.register(context(), municipality, entry)
    if as_json:
        print_json(row)
        return
    say(line(done, session_of(ctx).lang, id=row.id, expires=row.expires_on.isoformat()))


@app.command("list")
def list_volunteers(
    ctx: typer.Context,
    municipality: MunicipalityOption,
    active_on: Annotated[
        str | None, typer.Option("--active-on", help="この日に登録が有効な人だけ（YYYY-MM-DD）")
    ] = None,
    field: Annotated[str | None, typer.Option("--field", help="活動分野で絞り込む")] = None,
    as_json: JsonOption = False,
) -> None:
    """登録ボランティアの一覧（登録日・有効期限・連絡可否つき）。"""
    from application import task_records

    lang = session_of(ctx).lang
    day = parse_date(active_on) if active_on is not None else None
    shown_as = "json" if as_json else "table"
    # Names and contacts of residents: checked and audited in the read's transaction.
    rows = task_records.volunteers(context(), municipality, day, field, shown_as)
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(line("none", lang))
        return
    today = _day(None)
    table = SafeTable(show_header=True)
    keys = ("id", "name", "kind", "fields", "availability", "registered", "expires", "consent")
    for key in (*keys, "state"):
        table.add_column(line(key, lang), no_wrap=key not in ("fields", "availability"))
    for row in rows:
        if row.withdrawn_on is not None and row.withdrawn_on <= today:
            state = "withdrawn_state"
        else:
            state = "active" if row.active_on(today) else "expired"
        table.add_row(
            row.id,
            row.name,
            line(row.kind.value, lang),
            "・".join(row.fields_of_help),
            row.availability,
            row.registered_on.isoformat(),
            row.expires_on.isoformat(),
            line("yes" if row.consent_to_contact else "no", lang),
            line(state, lang),
        )
    console().print(table)


@app.command("renew")
def renew(
    ctx: typer.Context,
    volunteer_id: VolunteerArgument,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """登録を更新する（更新日から2年間有効）。"""
    from application import volunteer_registry

    row = volunteer_registry.renew(context(), volunteer_id, _day(on))
    if as_json:
        print_json(row)
        return
    say(line("renewed", session_of(ctx).lang, id=row.id, expires=row.expires_on.isoformat()))


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    volunteer_id: VolunteerArgument,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """登録を取り消す（その日以降の活動には記録できない）。"""
    from application import volunteer_registry

    row = volunteer_registry.withdraw(context(), volunteer_id, _day(on))
    if as_json:
        print_json(row)
        return
    on_day = row.withdrawn_on.isoformat() if row.withdrawn_on else ""
    say(line("withdrawn", session_of(ctx).lang, id=row.id, on=on_day))


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV（Shift_JIS または UTF-8、見出し行つき）")],
    municipality: MunicipalityOption,
    as_json: JsonOption = False,
) -> None:
    """Excel の名簿（CSV）を取り込む。読めない行は「行 N: 理由」と表示し、正しい行は取り込む。"""
    from application import task_records

    report = task_records.import_csv(context(), municipality, file)
    if as_json:
        print_json(report)
        return
    lang = session_of(ctx).lang
    say(
        line(
            "imported",
            lang,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            errors=len(report.errors),
        )
    )
    for error in report.errors:
        say(error)


def register(root: typer.Typer) -> None:
    """Add ``volunteer`` to ``root``."""
    root.add_typer(app, name="volunteer")

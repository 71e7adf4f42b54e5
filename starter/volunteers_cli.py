"""CLI commands of the volunteer registry and the community resource list:
``volunteer add|list|renew|withdraw|import`` and ``resource list``.

Names and contacts are shown in tables and in ``--json`` of these commands only: they are
the registry itself, read by the coordinators who keep it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from domain.japan_time import JAPAN as JST
from domain.refusals import Lang
from domain.volunteers import VolunteerKind
from i18n.catalogue import Texts
from starter.cli_auth import principal
from starter.cli_common import (
    JsonOption,
    build,
    console,
    parse_date,
    print_json,
    say,
    session_of,
    settings,
    split_ids,
)
from starter.render import SafeTable

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
    return parse_date(value) if value is not None else datetime.now(JST).date()


volunteer_app = typer.Typer(help="ボランティア登録（2年ごとに更新）", no_args_is_help=True)


class KindChoice(StrEnum):
    """person (個人) or group (団体), as typed on the command line."""

    PERSON = "person"
    GROUP = "group"


@volunteer_app.command("add")
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
    from application import task_records
    from store import VolunteerEntry

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
    done, row = task_records.add_volunteer(settings(), principal(), municipality, entry)
    if as_json:
        print_json(row)
        return
    say(line(done, session_of(ctx).lang, id=row.id, expires=row.expires_on.isoformat()))


@volunteer_app.command("list")
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
    rows = task_records.volunteers(settings(), principal(), municipality, day, field, shown_as)
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


@volunteer_app.command("renew")
def renew(
    ctx: typer.Context,
    volunteer_id: VolunteerArgument,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """登録を更新する（更新日から2年間有効）。"""
    from application import task_records

    row = task_records.renew(settings(), principal(), volunteer_id, _day(on))
    if as_json:
        print_json(row)
        return
    say(line("renewed", session_of(ctx).lang, id=row.id, expires=row.expires_on.isoformat()))


@volunteer_app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    volunteer_id: VolunteerArgument,
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """登録を取り消す（その日以降の活動には記録できない）。"""
    from application import task_records

    row = task_records.withdraw(settings(), principal(), volunteer_id, _day(on))
    if as_json:
        print_json(row)
        return
    on_day = row.withdrawn_on.isoformat() if row.withdrawn_on else ""
    say(line("withdrawn", session_of(ctx).lang, id=row.id, on=on_day))


@volunteer_app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV（Shift_JIS または UTF-8、見出し行つき）")],
    municipality: MunicipalityOption,
    as_json: JsonOption = False,
) -> None:
    """Excel の名簿（CSV）を取り込む。読めない行は「行 N: 理由」と表示し、正しい行は取り込む。"""
    from application import task_records

    report = task_records.import_csv(settings(), principal(), municipality, file)
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


resource_app = typer.Typer(help="地域人材・資源リスト", no_args_is_help=True)


@resource_app.command("list")
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
    rows = task_records.resources(settings(), principal(), municipality, kind, shown_as)
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


def register(app: typer.Typer) -> None:
    """Add ``volunteer`` and ``resource`` to ``app``."""
    app.add_typer(volunteer_app, name="volunteer")
    app.add_typer(resource_app, name="resource")

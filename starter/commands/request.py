"""``request create|candidates|send|answer|accept|list|show``: volunteer requests
(ボランティア依頼・募集) of a council, and ``newsletter preview|publish``: the
coordinator's newsletter (コーディネーター通信).

A request is named by its council, fiscal year and number (``--number``, shown by
``create`` and ``list``). Names of volunteers and applicants are shown by ``candidates``
and ``show`` only: they are for the council's coordinators.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated

import typer

from application import newsletter
from application import volunteer_requests as use
from application.vocabulary import Lang
from i18n.catalogue import Texts
from starter.cli_auth import context
from starter.cli_common import (
    CliError,
    CommandIdOption,
    CouncilOption,
    JsonOption,
    YearOption,
    build,
    console,
    parse_date,
    print_json,
    run_async,
    say,
    session_of,
    split_ids,
    year_or_current,
)
from starter.cli_render import SafeTable

_LINES = Texts("cli.requests")

NumberOption = Annotated[int, typer.Option("--number", help="依頼番号（create / list で表示）")]

app = typer.Typer(help="ボランティア依頼・募集", no_args_is_help=True)
letters = typer.Typer(help="コーディネーター通信", no_args_is_help=True)


def line(key: str, lang: Lang, **params: object) -> str:
    """One of this module's sentences in ``lang``."""
    return _LINES.text(key, lang, **params)


def fill_text(view: use.RequestView, lang: Lang) -> str:
    """「3/5人 確定・2人 待ち」."""
    fill = view.fill
    return line("fill", lang, confirmed=fill.confirmed, needed=fill.needed, waiting=fill.waiting)


def _start(value: str | None) -> time | None:
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError as exc:
        raise CliError("invalid_input", detail=f"--start: {value[:20]}") from exc


@app.command("create")
def create(
    ctx: typer.Context,
    council: CouncilOption,
    activity: Annotated[str, typer.Option("--activity", help="計画の活動ID")],
    title: Annotated[str, typer.Option("--title", help="依頼の題名")],
    needed: Annotated[int, typer.Option("--needed", help="必要な人数")],
    held_on: Annotated[str, typer.Option("--date", help="活動日 YYYY-MM-DD")],
    reply_by: Annotated[str, typer.Option("--reply-by", help="返事の締切 YYYY-MM-DD")],
    start: Annotated[str | None, typer.Option("--start", help="開始時刻 HH:MM")] = None,
    place: Annotated[str, typer.Option("--place", help="場所")] = "",
    skills: Annotated[str, typer.Option("--skills", help="求める技能（カンマ区切り）")] = "",
    notes: Annotated[str, typer.Option("--notes", help="補足")] = "",
    public: Annotated[
        bool, typer.Option("--public/--no-public", help="自治体の公開ページに載せる")
    ] = False,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """活動のボランティア依頼をつくる（締切・前日のお知らせは自動）。"""
    given = build(
        use.NewRequest, council_id=council, fiscal_year=year_or_current(year),
        activity_id=activity, title=title, needed=needed, held_on=parse_date(held_on),
        starts_at=_start(start), place=place, skills=tuple(split_ids(skills)),
        reply_by=parse_date(reply_by), notes=notes, public=public,
    )  # fmt: skip
    view = run_async(use.create_request(context(), given))
    if as_json:
        print_json(view)
        return
    say(line("created", session_of(ctx).lang, number=view.number, title=view.title))


@app.command("candidates")
def candidates(
    ctx: typer.Context,
    council: CouncilOption,
    number: NumberOption,
    skill: Annotated[str, typer.Option("--skill", help="活動分野で絞り込む")] = "",
    area: Annotated[str, typer.Option("--area", help="地域（活動可能日の記載）で絞り込む")] = "",
    min_past: Annotated[int, typer.Option("--min-past", help="過去の参加回数の下限")] = 0,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """依頼を送れる登録ボランティア（連絡に同意した人、参加回数の多い順）。"""
    key = use.key_of(council, year_or_current(year), number)
    rows = use.candidates(context(), key, skill, area, min_past)
    if as_json:
        print_json(rows)
        return
    lang = session_of(ctx).lang
    table = SafeTable(show_header=True)
    for column in ("id", "name", "fields", "past"):
        table.add_column(line(f"column.{column}", lang))
    for row in rows:
        table.add_row(row.volunteer_id, row.name, "・".join(row.fields_of_help),
                      str(row.past_activities))  # fmt: skip
    console().print(table)


@app.command("send")
def send(
    ctx: typer.Context,
    council: CouncilOption,
    number: NumberOption,
    volunteers: Annotated[
        str, typer.Option("--volunteers", help="送る相手の登録番号（カンマ区切り）")
    ] = "",
    skill: Annotated[str, typer.Option("--skill", help="この分野の人すべてに送る")] = "",
    area: Annotated[str, typer.Option("--area", help="この地域の人すべてに送る")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
) -> None:
    """依頼を登録ボランティアに送る（返事のリンクつき。同じ人には一度だけ）。"""
    key = use.key_of(council, year_or_current(year), number)
    chosen = list(split_ids(volunteers))
    if not chosen:
        chosen = [c.volunteer_id for c in use.candidates(context(), key, skill, area)]
    if not chosen:
        raise CliError("invalid_input", detail="--volunteers")
    run_async(use.send_request(context(), key, chosen, command_id))
    _show_fill(ctx, key, as_json)


@app.command("answer")
def answer(
    ctx: typer.Context,
    council: CouncilOption,
    number: NumberOption,
    volunteer: Annotated[str, typer.Option("--volunteer", help="ボランティアの登録番号")],
    can: Annotated[bool, typer.Option("--can/--cannot", help="参加できる / できない")] = True,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
) -> None:
    """電話などで受けた返事を記録する。"""
    key = use.key_of(council, year_or_current(year), number)
    reply = use.Reply.CAN if can else use.Reply.CANNOT
    run_async(use.record_answer(context(), key, volunteer, reply, command_id))
    _show_fill(ctx, key, as_json)


@app.command("accept")
def accept(
    ctx: typer.Context,
    council: CouncilOption,
    number: NumberOption,
    application: Annotated[int, typer.Option("--application", help="応募番号（show で表示）")],
    decline: Annotated[bool, typer.Option("--decline", help="受け付けない")] = False,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
) -> None:
    """公開ページからの応募を受け付ける（ボランティアに登録し「参加できる」とする）。"""
    key = use.key_of(council, year_or_current(year), number)
    run_async(use.decide_application(context(), key, application, not decline, command_id))
    _show_fill(ctx, key, as_json)


def _show_fill(ctx: typer.Context, key: str, as_json: bool) -> None:
    page = use.request_page(context(), key)
    if as_json:
        print_json(page.request)
        return
    say(fill_text(page.request, session_of(ctx).lang))


@app.command("list")
def list_requests(
    ctx: typer.Context,
    council: Annotated[
        str | None, typer.Option("--council", help="協議会ID（省略時は担当すべて）")
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """依頼の一覧と充足状況（統括コーディネーターは支援するすべての学校の分）。"""
    rows = use.list_requests(context(), year_or_current(year), council)
    if as_json:
        print_json(rows)
        return
    lang = session_of(ctx).lang
    table = SafeTable(show_header=True)
    for column in ("council", "number", "title", "date", "reply_by", "status", "fill"):
        table.add_column(line(f"column.{column}", lang))
    for row in rows:
        table.add_row(row.council_id, str(row.number), row.title, row.held_on.isoformat(),
                      row.reply_by.isoformat(), line(f"status.{row.status.value}", lang),
                      fill_text(row, lang))  # fmt: skip
    console().print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    council: CouncilOption,
    number: NumberOption,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """一つの依頼: 充足状況、返事、受付待ちの応募。"""
    page = use.request_page(context(), use.key_of(council, year_or_current(year), number))
    if as_json:
        print_json(page)
        return
    lang = session_of(ctx).lang
    say(f"{page.request.title} {page.request.held_on.isoformat()} {fill_text(page.request, lang)}")
    for answered in page.answers:
        place = line(f"place.{answered.place.value}", lang)
        say(f"  {answered.volunteer_id} {answered.name}: {place}")
    for applied in page.applications:
        say(line("application", lang, id=applied.application_id, name=applied.name,
                 contact=applied.contact))  # fmt: skip


@letters.command("preview")
def preview(
    ctx: typer.Context,
    council: CouncilOption,
    message: Annotated[str, typer.Option("--message", help="ひとこと（お礼など）")] = "",
    year: YearOption = None,
) -> None:
    """コーディネーター通信の下書きを見る（まだ公開しない）。"""
    page = newsletter.preview(context(), council, year_or_current(year), message)
    print_json(page)


@letters.command("publish")
def publish(
    ctx: typer.Context,
    council: CouncilOption,
    message: Annotated[str, typer.Option("--message", help="ひとこと（お礼など）")] = "",
    year: YearOption = None,
) -> None:
    """コーディネーター通信を公開する（公開ページと印刷用ページ）。"""
    fiscal_year = year_or_current(year)
    newsletter.publish(context(), council, fiscal_year, message)
    say(
        line("published", session_of(ctx).lang, path=f"/public/newsletters/{council}/{fiscal_year}")
    )


def register(root: typer.Typer) -> None:
    """Add ``request`` and ``newsletter`` to ``root``."""
    root.add_typer(app, name="request")
    root.add_typer(letters, name="newsletter")

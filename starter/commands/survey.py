"""``survey open|close|screen|results|qr``: the school-evaluation survey
(学校関係者評価アンケート) of the evaluate step."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from application import surveys
from application.surveys import CloseSurveyInput, ScreenCommentInput
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    OnBehalfOption,
    YearOption,
    build,
    run_async,
    say,
    session_of,
    year_or_current,
)

#: This module's lines: the catalogue's ``"cli.survey"`` context.
_TEXTS = Texts("cli.survey")

app = typer.Typer(help="学校関係者評価アンケート（評価ステップ）", no_args_is_help=True)


def _link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/survey/{token}"


@app.command("open")
def open_survey(
    ctx: typer.Context,
    council: CouncilOption,
    closes_on: Annotated[
        str, typer.Option("--closes-on", help="締切日 YYYY-MM-DD（この日まで回答可）")
    ],
    question: Annotated[
        list[str] | None, typer.Option("--question", help="協議会独自の設問（最大5問、繰り返し可）")
    ] = None,
    year: YearOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """今年度のねらいからアンケートを作り、回答の受付を始める（会長）。"""
    try:
        closing = date.fromisoformat(closes_on)
    except ValueError:
        raise typer.BadParameter("YYYY-MM-DD", param_hint="--closes-on") from None
    survey = run_async(
        surveys.open_survey(
            context(), council, year_or_current(year), closing, tuple(question or ()),
            acting(on_behalf),
        )
    )  # fmt: skip
    say(_TEXTS.text("opened", session_of(ctx).lang, questions=len(survey.questions)))
    say(_link(context().config.console_base_url, survey.link_token))


@app.command("close")
def close(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """締切日を待たずに回答の受付を終える（会長）。"""
    command = build(CloseSurveyInput, actor=acting(on_behalf))
    run_async(
        surveys.survey_command(context(), council, year_or_current(year), command, command_id)
    )
    say(_TEXTS.text("closed", session_of(ctx).lang))


@app.command("screen")
def screen(
    ctx: typer.Context,
    answer_id: Annotated[int, typer.Argument(help="コメントの番号（results で表示）", min=1)],
    council: CouncilOption,
    show: Annotated[bool, typer.Option("--show/--hide", help="協議会に見せる／隠す")] = True,
    year: YearOption = None,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """自由記述のコメントを確認し、協議会に見せるか隠す（会長）。"""
    command = build(ScreenCommentInput, actor=acting(on_behalf), answer_id=answer_id, show=show)
    run_async(
        surveys.survey_command(context(), council, year_or_current(year), command, command_id)
    )
    say(_TEXTS.text("screened", session_of(ctx).lang))


@app.command("results")
def results(ctx: typer.Context, council: CouncilOption, year: YearOption = None) -> None:
    """設問ごとの回答数（4段階）とコメントを表示する。"""
    lang = session_of(ctx).lang
    view = surveys.survey_view(context(), council, year_or_current(year))
    if view is None:
        say(_TEXTS.text("none", lang))
        return
    say(
        _TEXTS.text(
            "heading", lang, council=view.council_name, year=view.survey.fiscal_year,
            state=_TEXTS.text("state.closed" if view.closed else "state.open", lang),
            answers=view.results.answers,
        )
    )  # fmt: skip
    for q in view.results.questions:
        counts = " / ".join(str(c) for c in q.counts)
        average = "-" if q.average is None else f"{q.average:.2f}"
        say(_TEXTS.text("question", lang, text=q.text, counts=counts, average=average))
    for c in view.results.comments:
        status = _TEXTS.text(f"comment.{c.status}", lang)
        say(_TEXTS.text("comment", lang, id=c.answer_id, status=status, text=c.text))


@app.command("qr")
def qr(
    ctx: typer.Context,
    council: CouncilOption,
    out: Annotated[Path, typer.Option("--out", help="QRコードのSVGを書き出すファイル")],
    year: YearOption = None,
) -> None:
    """回答用リンクのQRコードをSVGで書き出す（おたより用）。"""
    view = surveys.survey_view(context(), council, year_or_current(year))
    if view is None:
        say(_TEXTS.text("none", session_of(ctx).lang))
        raise typer.Exit(1)
    link = _link(context().config.console_base_url, view.survey.link_token)
    out.write_text(surveys.qr_svg(link), encoding="utf-8")
    say(link)


def register(root: typer.Typer) -> None:
    """Add ``survey`` to ``root``."""
    root.add_typer(app, name="survey")

"""``opinion draft|vote|close|answer|list``: the council's opinions (意見申出) to the board
of education or the principal (地教行法47条の5)."""

from __future__ import annotations

from typing import Annotated

import typer

from application import opinions
from application.opinions import (
    Addressee,
    AnswerOpinionInput,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionCommand,
    OpinionSubject,
)
from application.vocabulary import Ballot
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    print_json,
    run_async,
    say,
    session_of,
    year_or_current,
)

#: This module's lines: the catalogue's ``"cli.opinion"`` context.
_TEXTS = Texts("cli.opinion")

app = typer.Typer(help="協議会の意見申出（教育委員会・校長へ）", no_args_is_help=True)
NumberArgument = Annotated[int, typer.Argument(help="意見申出の番号（その年度の第N号）", min=1)]


@app.command("draft")
def draft(
    ctx: typer.Context,
    council: CouncilOption,
    to: Annotated[
        Addressee, typer.Option("--to", help="board（教育委員会）または principal（校長）")
    ],
    subject: Annotated[
        OpinionSubject,
        typer.Option(
            "--subject", help="school_operation（学校運営）または staff_appointments（任用）"
        ),
    ],
    title: Annotated[str, typer.Option("--title", help="件名")],
    body: Annotated[str, typer.Option("--body", help="意見の本文")],
    year: YearOption = None,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """意見申出を起案し、協議会の採決にかける（会長）。"""
    command = build(
        DraftOpinionInput, actor=acting(on_behalf), addressee=to, subject=subject, title=title,
        body=body,
    )  # fmt: skip
    fiscal_year = year_or_current(year)
    number = run_async(opinions.draft_opinion(context(), council, fiscal_year, command, command_id))
    say(_TEXTS.text("drafted", session_of(ctx).lang, number=number))


def _send(
    ctx: typer.Context,
    council: str, year: int | None, number: int, command: OpinionCommand, as_json: bool,
    command_id: str | None,
) -> None:  # fmt: skip
    state = run_async(
        opinions.send_opinion_command(
            context(), council, year_or_current(year), number, command, command_id
        )
    )
    if as_json:
        print_json(state)
    else:
        lang = session_of(ctx).lang
        status = _TEXTS.text(f"status.{state.status.value}", lang)
        say(_TEXTS.text("now", lang, number=number, status=status))


@app.command("vote")
def vote(
    ctx: typer.Context,
    number: NumberArgument,
    ballot: Annotated[Ballot, typer.Argument(help="approve（賛成）または reject（反対）")],
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """意見申出に投票する（会長・委員）。"""
    command = build(OpinionBallotInput, actor=acting(on_behalf), ballot=ballot)
    _send(ctx, council, year, number, command, as_json, command_id)


@app.command("close")
def close(
    ctx: typer.Context,
    number: NumberArgument,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """採決を締め切る。可決なら宛先へ送付、否決なら終了（会長）。"""
    command = build(CloseOpinionVoteInput, actor=acting(on_behalf))
    _send(ctx, council, year, number, command, as_json, command_id)


@app.command("answer")
def answer(
    ctx: typer.Context,
    number: NumberArgument,
    council: CouncilOption,
    text: Annotated[str, typer.Option("--text", help="回答の本文")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """意見申出に回答する（宛先の教育委員会または校長）。"""
    command = build(AnswerOpinionInput, actor=acting(on_behalf), answer=text)
    _send(ctx, council, year, number, command, as_json, command_id)


@app.command("list")
def list_opinions(ctx: typer.Context, council: CouncilOption, year: YearOption = None) -> None:
    """協議会のその年度の意見申出と回答を一覧する。"""
    lang = session_of(ctx).lang
    page = opinions.opinions_page(context(), council, year_or_current(year))
    if not page.opinions:
        say(_TEXTS.text("none", lang))
    for o in page.opinions:
        status = _TEXTS.text(f"status.{o.status}", lang)
        due = o.answer_due.isoformat() if o.answer_due else "-"
        say(_TEXTS.text("line", lang, number=o.number, status=status, title=o.title, due=due))
        if o.answer:
            say(_TEXTS.text("answer", lang, answer=o.answer))


def register(root: typer.Typer) -> None:
    """Add ``opinion`` to ``root``."""
    root.add_typer(app, name="opinion")

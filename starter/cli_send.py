"""CLI commands that move a council's cycle: one command per domain command.

Each builds the domain command from its options (a bad value is a one-line error before
anything is sent), sends it as the update of the same name, and prints one confirming
line, or the new ``CycleState`` with ``--json``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from application import cycles, operations
from domain.commands import (
    CastVoteInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteStepInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.model import AimRating, Ballot, CycleState, Step
from starter.cli_auth import acting
from starter.cli_common import (
    CliError,
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    parse_date,
    print_json,
    read_text_file,
    run_async,
    say,
    session_of,
    settings,
    split_ids,
    year_or_current,
)
from starter.plans import read_plan_file
from starter.render import accepted_line


def execute(
    ctx: typer.Context,
    council: str,
    year: int | None,
    command: Command,
    as_json: bool,
    command_id: str | None = None,
) -> CycleState:
    """Send ``command`` to the council's cycle under ``command_id`` (a fresh one when
    left out), then read the state with the query and print the outcome."""
    fiscal_year = year_or_current(year)
    # Nothing reaches the cycle from someone who does not sit on the council.
    operations.may_send(settings(), command.actor, council)

    async def go() -> CycleState:
        client = await cycles.connect(settings())
        await cycles.send(client, council, fiscal_year, command, command_id=command_id)
        return await cycles.state(client, council, fiscal_year)

    state = run_async(go())
    if as_json:
        print_json(state)
    else:
        say(accepted_line(command.kind, state, session_of(ctx).lang))
    return state


def meeting(
    ctx: typer.Context,
    council: CouncilOption,
    held_on: Annotated[str, typer.Option("--date", help="開催日 YYYY-MM-DD")],
    attendance: Annotated[str, typer.Option("--attendance", help="出席者ID（カンマ区切り）")],
    minutes: Annotated[str, typer.Option("--minutes", help="会議録（公開）")],
    closed_minutes: Annotated[
        str, typer.Option("--closed-minutes", help="会議録（非公開部分）")
    ] = "",
    vision: Annotated[
        str | None, typer.Option("--vision", help="目指す子ども像（話し合いステップのみ）")
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """会議を記録する（日付・出席者・会議録・目指す子ども像）。"""
    actor = acting(on_behalf)
    command = build(
        RecordMeetingInput,
        actor=actor,
        held_on=parse_date(held_on),
        attendance=split_ids(attendance),
        minutes_public=minutes,
        minutes_closed=closed_minutes,
        vision_draft=vision,
    )
    execute(ctx, council, year, command, as_json, command_id)


discussion_app = typer.Typer(help="話し合い（ステップ1）", no_args_is_help=True)


@discussion_app.command("close")
def close_discussion(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """話し合いを終えて承認ステップへ進む（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseDiscussionInput, actor=actor), as_json, command_id)


policy_app = typer.Typer(help="学校運営の基本方針（ステップ2）", no_args_is_help=True)


@policy_app.command("submit")
def submit_policy(
    ctx: typer.Context,
    council: CouncilOption,
    policy_text: Annotated[str | None, typer.Option("--text", help="基本方針の本文")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="本文を読むファイル")] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """基本方針を提出する（否決後の再提出も同じ）（校長）。"""
    actor = acting(on_behalf)
    if file is not None and policy_text is None:
        body = read_text_file(file)
    elif policy_text is not None and file is None:
        body = policy_text
    else:
        raise CliError("text_xor_file")
    execute(
        ctx, council, year, build(SubmitPolicyInput, actor=actor, text=body), as_json, command_id
    )


vote_app = typer.Typer(help="基本方針の採決（ステップ2）", no_args_is_help=True)


@vote_app.command("cast")
def cast_vote(
    ctx: typer.Context,
    ballot: Annotated[Ballot, typer.Argument(help="approve（賛成）または reject（反対）")],
    council: CouncilOption,
    comment: Annotated[str, typer.Option("--comment", help="意見")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """採決中の基本方針に投票する（会長・委員）。"""
    actor = acting(on_behalf)
    command = build(CastVoteInput, actor=actor, ballot=ballot, comment=comment)
    execute(ctx, council, year, command, as_json, command_id)


@vote_app.command("close")
def close_vote(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """採決を締め切る。可決なら計画へ、否決なら校長の再提出を待つ（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseVoteInput, actor=actor), as_json, command_id)


plan_app = typer.Typer(help="活動計画（ステップ3）", no_args_is_help=True)


@plan_app.command("submit")
def submit_plan(
    ctx: typer.Context,
    council: CouncilOption,
    file: Annotated[Path, typer.Option("--file", help="活動計画のYAMLファイル")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """活動計画（活動・ねらい・日程・役割）を提出する（コーディネーター）。"""
    actor = acting(on_behalf)
    activities = read_plan_file(file)
    command = build(SubmitPlanInput, actor=actor, activities=activities)
    execute(ctx, council, year, command, as_json, command_id)


class ManualStep(StrEnum):
    """Steps a coordinator completes by hand."""

    COORDINATE = "coordinate"
    ACT = "act"


step_app = typer.Typer(help="連絡調整・活動（ステップ4・5）", no_args_is_help=True)


@step_app.command("complete")
def complete_step(
    ctx: typer.Context,
    council: CouncilOption,
    step: Annotated[ManualStep, typer.Option("--step", help="coordinate または act")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """（旧コマンド）連絡調整・活動はタスクと活動の記録で自動的に完了するため、常に拒否される。"""
    actor = acting(on_behalf)
    command = build(CompleteStepInput, actor=actor, step=Step(step.value))
    execute(ctx, council, year, command, as_json, command_id)


evaluate_app = typer.Typer(
    help="ねらいの評価とサイクルの終了（ステップ6）", invoke_without_command=True
)


@evaluate_app.callback()
def evaluate_aim(
    ctx: typer.Context,
    council: Annotated[str | None, typer.Option("--council", help="協議会ID")] = None,
    on_behalf: OnBehalfOption = None,
    aim: Annotated[str | None, typer.Option("--aim", help="ねらいID")] = None,
    rating: Annotated[
        AimRating | None, typer.Option("--rating", help="met / partly / not_met")
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="評価のコメント")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
) -> None:
    """ねらいを評価する（会長）。`evaluate close` でサイクルを終える。"""
    given = any(v is not None for v in (council, on_behalf, aim, rating, year)) or comment
    if ctx.invoked_subcommand is not None:
        if given or as_json:
            raise CliError(
                "options_before_subcommand", group="evaluate", sub=ctx.invoked_subcommand
            )
        return
    for option, value in (
        ("--council", council),
        ("--aim", aim),
        ("--rating", rating),
    ):
        if value is None:
            raise CliError("missing_option", option=option)
    assert council is not None and rating is not None
    actor = acting(on_behalf)
    command = build(EvaluateAimInput, actor=actor, aim_id=aim, rating=rating, comment=comment)
    execute(ctx, council, year, command, as_json, command_id)


@evaluate_app.command("close")
def close_cycle(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """評価を締めくくり、この年度のサイクルを終える。次年度のサイクルが始まる（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseCycleInput, actor=actor), as_json, command_id)


def register(app: typer.Typer) -> None:
    """Add the cycle-moving commands to ``app``."""
    app.command("meeting")(meeting)
    app.add_typer(discussion_app, name="discussion")
    app.add_typer(policy_app, name="policy")
    app.add_typer(vote_app, name="vote")
    app.add_typer(plan_app, name="plan")
    app.add_typer(step_app, name="step")
    app.add_typer(evaluate_app, name="evaluate")

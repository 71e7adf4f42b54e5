"""``plan submit``: submit the activity plan (step 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from application.vocabulary import SubmitPlanInput
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
)
from starter.cli_plans import read_plan_file
from starter.cli_send import execute

app = typer.Typer(help="活動計画（ステップ3）", no_args_is_help=True)


@app.command("submit")
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


def register(root: typer.Typer) -> None:
    """Add ``plan`` to ``root``."""
    root.add_typer(app, name="plan")

"""``step complete``: the old manual completion of steps 4 and 5 (always refused)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from application.vocabulary import CompleteStepInput, Step
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
)
from starter.cli_send import execute


class ManualStep(StrEnum):
    """Steps a coordinator completes by hand."""

    COORDINATE = "coordinate"
    ACT = "act"


app = typer.Typer(help="連絡調整・活動（ステップ4・5）", no_args_is_help=True)


@app.command("complete")
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


def register(root: typer.Typer) -> None:
    """Add ``step`` to ``root``."""
    root.add_typer(app, name="step")

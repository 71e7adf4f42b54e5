"""``policy submit``: submit the school's basic policy (step 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from application.vocabulary import SubmitPolicyInput
from starter.cli_auth import acting
from starter.cli_common import (
    CliError,
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    read_text_file,
)
from starter.cli_send import execute

app = typer.Typer(help="学校運営の基本方針（ステップ2）", no_args_is_help=True)


@app.command("submit")
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


def register(root: typer.Typer) -> None:
    """Add ``policy`` to ``root``."""
    root.add_typer(app, name="policy")

"""``demo``: run a whole year of a sample council's cycle from start to end."""

from __future__ import annotations

from typing import Annotated

import typer

from starter.cli_common import (
    YearOption,
    session_of,
)


def demo(
    ctx: typer.Context,
    council: Annotated[
        str, typer.Option("--council", help="デモに使う協議会ID")
    ] = "kushiro-kushiro",
    year: YearOption = None,
) -> None:
    """釧路市のサンプルで、1年分のサイクルを最初から最後まで実行して見せる。"""
    from starter.demo import run_demo

    run_demo(council, year, session_of(ctx).lang)


def register(root: typer.Typer) -> None:
    """Add ``demo`` to ``root``."""
    root.command("demo")(demo)

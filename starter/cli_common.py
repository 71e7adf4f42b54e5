"""What every CLI command shares: the session (language), option types, errors, output.

Output rules: results go to stdout; a failure is exactly one line on stderr and nothing
on stdout, so scripts can rely on the exit code and ``--json`` output alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from application.commands import CommandRefused
from application.cycles import current_fiscal_year
from application.errors import AppError, one_line
from application.texts import text
from application.vocabulary import Lang, refusal_of
from config import Settings, get_settings
from starter.cli_render import visible, visible_json

if TYPE_CHECKING:
    from application.directory import RosterSent

T = TypeVar("T")


class LangChoice(StrEnum):
    """Languages the CLI speaks."""

    JA = "ja"
    EN = "en"


@dataclass
class CliSession:
    """Per-invocation state, shared by the root callback, the commands and the error
    handler (which needs the language even when a command failed half-way)."""

    lang: Lang = "ja"


#: The CLI's name for the application layer's one-line error.
CliError = AppError


# --- option types shared by several commands ----------------------------------------

CouncilOption = Annotated[str, typer.Option("--council", help="協議会ID (council id)")]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help="年度（省略時は今日の日本時間での年度、4月〜3月）"),
]
OnBehalfOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="代理で操作する人のID（「代理で操作できる」教育委員会担当者のトークンのみ。"
        "省略時はトークンの本人）",
    ),
]
CommandIdOption = Annotated[
    str | None,
    typer.Option(
        "--command-id",
        help="コマンドID。タイムアウト後に同じIDで再送すると二重に適用されない（省略時は自動）",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="結果をJSONで出力する（docs/cli-json.md）")
]
YesOption = Annotated[bool, typer.Option("--yes", help="確認なしで適用する（スクリプト用）")]


def session_of(ctx: typer.Context) -> CliSession:
    """The session that ``run`` put into the root context."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliSession):
        raise RuntimeError("the CLI must be started through starter.cli.run")
    return obj


def settings() -> Settings:
    """Settings from the environment, read when a command needs them."""
    return get_settings()


def year_or_current(year: int | None) -> int:
    """``year`` as given, else the current fiscal year in Japan time."""
    return year if year is not None else current_fiscal_year()


def parse_date(value: str) -> date:
    """A ``YYYY-MM-DD`` date, or a one-line error naming the bad value."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError("bad_date", value=value) from exc


def split_ids(value: str) -> tuple[str, ...]:
    """``a,b, c`` → ``("a", "b", "c")``; empty items are dropped."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def read_text_file(path: Path) -> str:
    """The file's UTF-8 text, or a one-line error naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CliError("file_missing", path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError("file_unreadable", path=path, detail=one_line(str(exc))) from exc


def build(model: type[T], **fields: Any) -> T:
    """Build a pydantic model from CLI values; invalid values become one-line errors. A
    text or list over its maximum, or text of only spaces, is refused with the rules'
    own reason before anything is sent."""
    try:
        return model(**fields)
    except ValidationError as exc:
        refusal = refusal_of(exc)
        if refusal is not None:
            raise CommandRefused(refusal.code, refusal.params) from exc
        raise CliError("invalid_input", detail=summarize(exc)) from exc


def summarize(exc: ValidationError) -> str:
    """The first validation problem in one line, and how many more there are."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "-"
    more = f" (+{len(errors) - 1})" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one command's async work on a fresh event loop."""
    return asyncio.run(coroutine)


# --- output --------------------------------------------------------------------------


def console() -> Console:
    """A console for tables; wide when not a terminal so piped tables do not wrap."""
    return Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False)


def say(line: str) -> None:
    """Print one plain line to stdout, control characters shown, not obeyed."""
    sys.stdout.write(visible(line) + "\n")


def print_json(value: BaseModel | Sequence[BaseModel]) -> None:
    """Print documented models as stable JSON (``model_dump(mode="json")``)."""
    data: Any
    if not isinstance(value, BaseModel):
        data = [item.model_dump(mode="json") for item in value]
    else:
        data = value.model_dump(mode="json")
    sys.stdout.write(visible_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def report_rosters(lang: Lang, sent: Sequence[RosterSent], quiet: bool = False) -> None:
    """A line per cycle that took its roster (unless ``quiet``: JSON output), then the
    first one that did not as the command's error (``load``, ``person erase``,
    ``roster sync``)."""
    for cycle in sent:
        if cycle.problem is None and not quiet:
            say(text("roster_sent", lang, council=cycle.council_id, year=cycle.fiscal_year))
    for cycle in sent:
        if cycle.problem is not None:
            raise CliError(
                "roster_not_sent",
                council=cycle.council_id,
                year=cycle.fiscal_year,
                detail=cycle.problem,
            )

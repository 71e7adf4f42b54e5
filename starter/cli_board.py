"""What the board's read commands (``overview``, ``summary``, ``report``, ``history``)
share: their catalogue context, their error, and how they print rows and bytes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Protocol

import typer
from rich.table import Table

from application.vocabulary import JAPAN, Lang
from i18n.catalogue import Texts
from starter.cli_common import (
    CliError,
    console,
    say,
)

#: This module's lines: the catalogue's ``"cli.board"`` context.
_TEXTS = Texts("cli.board")


_USAGE_KEYS = frozenset({"history_formats"})


def board_text(key: str, lang: Lang, **params: object) -> str:
    return _TEXTS.text(key, lang, **params)


class BoardCliError(CliError):
    """A failure of a board command, explained in one line."""

    def __init__(self, key: str, **params: object) -> None:
        Exception.__init__(self, board_text(key, "en", **params))
        self.key = key
        self.params = params

    @property
    def exit_code(self) -> int:
        """2 for options that exclude each other (a usage mistake), 1 otherwise."""
        return 2 if self.key in _USAGE_KEYS else 1

    def message(self, lang: Lang) -> str:
        """The one-line reason in ``lang``."""
        return board_text(self.key, lang, **self.params)


MunicipalityOption = Annotated[str, typer.Option("--municipality", help="自治体ID")]


def today_in_japan() -> date:
    """Today's date in Japan: the board's "today" is a Japanese calendar day."""
    return datetime.now(JAPAN).date()


def write_bytes(data: bytes) -> None:
    """Write ``data`` to stdout as it is (a CSV keeps its BOM and CRLF line ends)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


class _JsonRow(Protocol):
    def as_json(self) -> dict[str, Any]: ...


def print_rows(
    rows: Sequence[_JsonRow], as_json: bool, empty: str, table: Callable[[], Table]
) -> None:
    """A board listing as JSON, as the one-line ``empty`` message, or as ``table()``."""
    if as_json:
        say(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    elif not rows:
        say(empty)
    else:
        console().print(table())

"""The application layer's one-line errors, shared by the CLI and the console."""

from __future__ import annotations

from application.texts import text
from domain.refusals import Lang

#: Failures that are mistakes in how a command was typed; they exit 2 like Typer's own.
USAGE_KEYS: frozenset[str] = frozenset(
    {"missing_option", "options_before_subcommand", "text_xor_file", "council_xor_municipality"}
)


class AppError(Exception):
    """A failure explained in one line: a ``texts`` key plus its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(text(key, "en", **params))

    @property
    def exit_code(self) -> int:
        """2 for a usage mistake, 1 for any other error."""
        return 2 if self.key in USAGE_KEYS else 1

    def message(self, lang: Lang) -> str:
        """The one-line reason in ``lang``."""
        return text(self.key, lang, **self.params)


def one_line(value: str) -> str:
    """Collapse whitespace so a message can never span lines."""
    return " ".join(value.split())

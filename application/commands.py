"""What the application checks in a command before it reaches Temporal: its bounds,
its dates against the fiscal year, and its id.

The workflow checks the same again (pydantic while decoding the update, the rules in its
validator); checking here as well means a bad command never costs a round trip, and a
3 MB text never travels at all.
"""

from __future__ import annotations

import re
import uuid

from pydantic import ValidationError

from domain.commands import Command
from domain.limits import refusal_of
from domain.refusals import Lang, Refusal, render
from domain.sanity import check_dates

#: The longest command id a client may give (it is Temporal's update id).
COMMAND_ID_MAX = 100
_COMMAND_ID = re.compile(rf"[A-Za-z0-9_.:-]{{1,{COMMAND_ID_MAX}}}")


class CommandRefused(Exception):
    """The cycle refused a command; its state is unchanged. Carries the refusal code and
    parameters so the reason can be shown in either language."""

    def __init__(self, code: str, params: dict[str, str]) -> None:
        self.code = code
        self.params = params
        super().__init__(render(code, params, "ja"))

    def message(self, lang: Lang = "ja") -> str:
        """The one-line reason in ``lang``."""
        return render(self.code, self.params, lang)


def new_command_id() -> str:
    """A fresh command (update) id."""
    return str(uuid.uuid4())


def check_command_id(value: str) -> str:
    """``value`` if it can be a command id (letters, digits, ``-_.:``, at most 100), else
    a ``CommandRefused`` naming the problem."""
    if not _COMMAND_ID.fullmatch(value):
        raise CommandRefused("bad_command_id", {"limit": str(COMMAND_ID_MAX)})
    return value


def checked_command(command: Command, fiscal_year: int) -> Command:
    """``command`` validated again (its bounds hold even when it was built without
    validation) with its dates inside ``fiscal_year``; else ``CommandRefused``."""
    try:
        again = type(command).model_validate(command.model_dump())
        check_dates(fiscal_year, again)
    except ValidationError as exc:
        refusal = refusal_of(exc)
        if refusal is None:
            raise CommandRefused("invalid_command", {"detail": _validation_summary(exc)}) from exc
        raise CommandRefused(refusal.code, refusal.params) from exc
    except Refusal as refusal:
        raise CommandRefused(refusal.code, refusal.params) from refusal
    return again


def _validation_summary(exc: ValidationError) -> str:
    """The first problem's place and kind, never the value (it may be personal data)."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "-"
    return f"{where}: {first['type']}"

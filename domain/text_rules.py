"""Which characters free text and names may hold: the one rule, applied where text enters.

Control characters do nothing useful in a council's words and do harm where the text is
shown again: ESC sequences rewrite a terminal, NUL cuts strings in C libraries and some
databases, CR/LF in a name becomes a new header line of an e-mail, and the bidirectional
overrides (U+202E "RIGHT-TO-LEFT OVERRIDE" and friends) make a text read differently from
what it is. So:

* multi-line text (minutes, policies, reasons, comments, notes) keeps newline, tab and the
  CR of a CRLF line end (browsers send textareas with CRLF); every other C0 control, DEL,
  every C1 control and the bidi embeddings, overrides and isolates are refused;
* one-line text (names, titles, places, token names, addresses) refuses CR, LF, tab and
  the Unicode line and paragraph separators too: a name is never more than one line.

Nothing is cleaned silently: a refused text is refused with one line naming the field and
the character (as ``U+001B``), never quoting the text itself.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

#: Bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
#: Line and paragraph separators: a line break to ``str.splitlines`` and e-mail headers.
LINE_SEPARATORS = frozenset({"\u2028", "\u2029"})
#: The pydantic error type of a refused character (``domain.limits.refusal_of`` knows it).
ERROR_TYPE = "control_character"


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI_CONTROLS


def forbidden_character(value: str, *, multiline: bool) -> str | None:
    """The first character ``value`` may not hold, or ``None`` when it is clean."""
    for index, char in enumerate(value):
        if multiline:
            if char in "\n\t":
                continue
            if char == "\r" and value[index + 1 : index + 2] == "\n":
                continue
        elif char in LINE_SEPARATORS:
            return char
        if _is_control(char):
            return char
    return None


def code_point(char: str) -> str:
    """``"\\x1b"`` → ``"U+001B"``: how a refused character is named in a message."""
    return f"U+{ord(char):04X}"


def text_problem(value: str, field: str, *, multiline: bool = False) -> str | None:
    """One line (Japanese, then English) saying why ``value`` is refused for ``field``,
    or ``None`` when it is clean. Names the character, never quotes the text."""
    char = forbidden_character(value, multiline=multiline)
    if char is None:
        return None
    point = code_point(char)
    return (
        f"{field} に制御文字 {point} は使えません / {field} contains the control character"
        f" {point}, which is not allowed"
    )


def _check(value: str, multiline: bool) -> str:
    char = forbidden_character(value, multiline=multiline)
    if char is not None:
        raise PydanticCustomError(
            ERROR_TYPE,
            "contains the control character {char}, which is not allowed",
            {"char": code_point(char)},
        )
    return value


def check_one_line(value: str) -> str:
    """Pydantic validator: ``value`` unchanged, or the ``control_character`` error."""
    return _check(value, multiline=False)


def check_multiline(value: str) -> str:
    """Pydantic validator for multi-line text (newline, tab and CRLF allowed)."""
    return _check(value, multiline=True)


#: Add to an ``Annotated[str, ...]`` field: refuses control characters, line breaks too.
ONE_LINE = AfterValidator(check_one_line)
#: Add to an ``Annotated[str, ...]`` field: refuses control characters but line breaks.
MULTI_LINE = AfterValidator(check_multiline)

OneLineStr = Annotated[str, ONE_LINE]
MultiLineStr = Annotated[str, MULTI_LINE]

"""Bounds for what a URL or a form carries as a number: every path id and query number
is parsed here, so out-of-range or odd input (``²``, ``１``, twenty digits) is a 4xx
answer and never reaches the store, where SQLite and PostgreSQL overflow on huge ints."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path

#: The fiscal years the console serves (the dashboard's own bounds).
MIN_YEAR = 2000
MAX_YEAR = 2100
#: The largest row id: PostgreSQL's ``integer`` (SQLite holds it too).
MAX_ROW_ID = 2**31 - 1

#: A fiscal year in a path: out of bounds is refused before any route code runs.
Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]
#: A store row id in a path (a token, a notice, a meeting's number).
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

# ASCII digits only: str.isdigit() accepts "²", which int() then refuses.
_DIGITS = re.compile(r"[0-9]{1,10}")


def bounded_int(raw: object, low: int, high: int) -> int | None:
    """``raw`` as an int when it is 1-10 ASCII digits within ``low``..``high``; else None."""
    text = str(raw)
    if _DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None

"""Japan time and the fiscal year (年度), in one place.

Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact and,
unlike ``zoneinfo``, safe inside Temporal's workflow sandbox (no time-zone files read).
Dates a person reads, due dates and fiscal years are always Japanese dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

#: Japan Standard Time.
JAPAN = timezone(timedelta(hours=9), "JST")

#: The month the fiscal year starts in (April).
FISCAL_YEAR_START_MONTH = 4


def fiscal_year_of(day: date) -> int:
    """The fiscal year (April to March) that ``day`` falls in: 2027-03-31 is in 2026."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def calendar_year(fiscal_year: int, month: int) -> int:
    """The calendar year that ``month`` of ``fiscal_year`` falls in: April to December in
    the year itself, January to March in the next."""
    return fiscal_year if month >= FISCAL_YEAR_START_MONTH else fiscal_year + 1


def japan_date(moment: datetime) -> date:
    """The Japanese calendar date of ``moment`` (an aware datetime)."""
    return moment.astimezone(JAPAN).date()


def current_fiscal_year(now: datetime | None = None) -> int:
    """The fiscal year of ``now`` (default: the wall clock), reckoned in Japan time."""
    moment = now if now is not None else datetime.now(UTC)
    return fiscal_year_of(japan_date(moment))

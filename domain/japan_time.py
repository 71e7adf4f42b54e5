"""Japan time and the fiscal year (年度), in one place.

Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact and,
unlike ``zoneinfo``, safe inside Temporal's workflow sandbox (no time-zone files read).
Dates a person reads, due dates and fiscal years are always Japanese dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

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


def morning_of(day: date, hour: int) -> datetime:
    """The moment (in UTC) that ``day`` reaches ``hour`` o'clock in Japan: when a
    reminder or an alert of that day goes out (``hour`` is the rules' alert hour)."""
    return datetime.combine(day, time(hour=hour), tzinfo=JAPAN).astimezone(UTC)


def current_fiscal_year(now: datetime | None = None) -> int:
    """The fiscal year of ``now`` (default: the wall clock), reckoned in Japan time."""
    moment = now if now is not None else datetime.now(UTC)
    return fiscal_year_of(japan_date(moment))


# --- how a person reads a date or a time ------------------------------------------
# One place for every page, notice and report (``application.wording`` hands these to
# the console's templates as filters): Japan time, the weekday, and 和暦 on official
# documents. Written out rather than taken from ``strftime`` (its weekday follows the
# machine's locale and it has no era).

#: Monday first, as ``date.weekday()`` counts.
WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Eras by first day, newest first. Dates before 大正 are not in any council record.
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
)


def in_japan(moment: datetime) -> datetime:
    """An aware ``moment`` in Japan time; ``ValueError`` for a naive one (its zone is
    unknown, so any day shown from it could be a day off)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; pass an aware one")
    return moment.astimezone(JAPAN)


def weekday_ja(day: date) -> str:
    """The weekday of ``day`` in one character: 月 … 日."""
    return WEEKDAYS_JA[day.weekday()]


def day_text(day: date, *, with_year: bool = False, lang: str = "ja") -> str:
    """``12月20日（日）`` (``2026年12月20日（日）`` with the year); English ``Sun 20 Dec``."""
    if lang == "en":
        shown = f"{WEEKDAYS_EN[day.weekday()]} {day.day} {day:%b}"
        return f"{shown} {day.year}" if with_year else shown
    year = f"{day.year}年" if with_year else ""
    return f"{year}{day.month}月{day.day}日（{weekday_ja(day)}）"


def moment_text(moment: datetime, *, with_year: bool = False, lang: str = "ja") -> str:
    """An aware timestamp as a person reads it, in Japan time: ``12月20日（日）18:30``.
    A moment late on a UTC day is the next Japanese day (15:30 UTC is 00:30 JST)."""
    local = in_japan(moment)
    gap = " " if lang == "en" else ""  # 「（日）」 already closes the day in Japanese
    return f"{day_text(local.date(), with_year=with_year, lang=lang)}{gap}{local:%H:%M}"


def era_year(day: date) -> tuple[str, int]:
    """The era and the year within it of ``day``; ``ValueError`` before 大正."""
    for first_day, name in ERAS:
        if day >= first_day:
            return name, day.year - first_day.year + 1
    raise ValueError(f"{day.isoformat()} is before the 大正 era; no 和暦 is defined for it")


def wareki(day: date, *, weekday: bool = False) -> str:
    """``day`` in 和暦: ``令和8年4月18日`` (``令和8年4月18日（土）`` with the weekday);
    an era's first year is 元年, as official documents write it."""
    era, year = era_year(day)
    shown = f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{shown}（{weekday_ja(day)}）" if weekday else shown


def wareki_fiscal_year(fiscal_year: int) -> str:
    """The fiscal year in 和暦, as official documents head it: ``令和8年度``. Named by
    the era in force at the end of its first calendar year: the year 平成 gave way to 令和
    (May 2019) is 令和元年度, as the government named it; 1988 stays 昭和63年度."""
    era, year = era_year(date(fiscal_year, 12, 31))
    return f"{era}{'元' if year == 1 else year}年度"

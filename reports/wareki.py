"""Japanese era dates (和暦): 令和8年4月18日.

Written out here rather than taken from the platform: ``strftime`` has no era, and ICU's
calendars are not installed everywhere. An era's first year is written 元年, as official
documents do. Eras change on the day the new one starts: 平成 ends on 2019-04-30 and 令和
begins on 2019-05-01; 昭和 ends on 1989-01-07 and 平成 begins on 1989-01-08.
"""

from __future__ import annotations

from datetime import date, datetime

from domain.japan_time import JAPAN

#: Eras by first day, newest first. Dates before 大正 are not in any council record.
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
)


def era_year(day: date) -> tuple[str, int]:
    """The era and the year within it of ``day``; ``ValueError`` before 大正."""
    for first_day, name in ERAS:
        if day >= first_day:
            return name, day.year - first_day.year + 1
    raise ValueError(f"{day.isoformat()} is before the 大正 era; no 和暦 is defined for it")


def wareki(day: date) -> str:
    """``day`` in 和暦: ``令和8年4月18日``, ``令和元年5月1日``."""
    era, year = era_year(day)
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def wareki_datetime(moment: datetime) -> str:
    """An aware timestamp as a Japan-time 和暦 date and time: ``令和8年4月18日 19:30``."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; pass an aware one")
    local = moment.astimezone(JAPAN)
    return f"{wareki(local.date())} {local:%H:%M}"


def iso_datetime(moment: datetime) -> str:
    """An aware timestamp in ISO 8601, Japan time: ``2026-04-18T19:30:00+09:00``."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} given; pass an aware one")
    return moment.astimezone(JAPAN).isoformat(timespec="seconds")

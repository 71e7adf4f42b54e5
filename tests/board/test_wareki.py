"""和暦 dates, exact at the era boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.wareki import ERAS, era_year, iso_datetime, wareki, wareki_datetime


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 18), "令和8年4月18日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 30), "大正元年7月30日"),
    ],
)
def test_wareki_at_and_around_era_boundaries(day: date, expected: str) -> None:
    assert wareki(day) == expected


def test_dates_before_taisho_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="1912-07-29 is before the 大正 era"):
        wareki(date(1912, 7, 29))


@given(st.dates(min_value=date(1912, 7, 30), max_value=date(2100, 12, 31)))
def test_the_era_year_counts_from_the_era_s_first_year(day: date) -> None:
    era, year = era_year(day)
    first_day = next(start for start, name in ERAS if name == era)
    assert first_day <= day
    assert year == day.year - first_day.year + 1
    # The next era (if any) has not begun yet.
    later = [start for start, _ in ERAS if start > first_day]
    assert all(day < start for start in later)


def test_times_are_shown_in_japan_time_across_midnight() -> None:
    # 30 April 2019 15:30 UTC is already 1 May 00:30 in Japan: the first day of 令和.
    moment = datetime(2019, 4, 30, 15, 30, tzinfo=UTC)
    assert wareki_datetime(moment) == "令和元年5月1日 00:30"
    assert iso_datetime(moment) == "2019-05-01T00:30:00+09:00"
    assert wareki_datetime(moment - timedelta(hours=1)) == "平成31年4月30日 23:30"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        wareki_datetime(datetime(2026, 4, 1, 9, 0))
    with pytest.raises(ValueError, match="naive datetime"):
        iso_datetime(datetime(2026, 4, 1, 9, 0))

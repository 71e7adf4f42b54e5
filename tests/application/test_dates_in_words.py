"""Dates and times as people read them (``domain.japan_time``, ``application.wording``):
the weekday, Japan time across midnight UTC, 和暦 on official documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from application import wording
from domain.japan_time import day_text, moment_text, wareki, wareki_fiscal_year, weekday_ja


def test_the_weekday_of_each_day_of_a_week() -> None:
    # 2026-12-14 is a Monday.
    week = [weekday_ja(date(2026, 12, 14) + timedelta(days=n)) for n in range(7)]
    assert week == ["月", "火", "水", "木", "金", "土", "日"]


def test_a_date_with_its_weekday() -> None:
    assert day_text(date(2026, 12, 20)) == "12月20日（日）"
    assert day_text(date(2027, 3, 1), with_year=True) == "2027年3月1日（月）"
    assert day_text(date(2026, 12, 20), lang="en") == "Sun 20 Dec"


def test_a_moment_late_on_a_utc_day_is_the_next_day_in_japan() -> None:
    # 15:30 UTC on Saturday 19 December is 00:30 on Sunday 20 December in Japan.
    late = datetime(2026, 12, 19, 15, 30, tzinfo=UTC)
    assert moment_text(late) == "12月20日（日）00:30"
    assert wording.day(late) == "12月20日（日）"
    # 14:59 UTC is still the same day in Japan (23:59).
    assert moment_text(datetime(2026, 12, 19, 14, 59, tzinfo=UTC)) == "12月19日（土）23:59"
    # Any offset is shown in Japan time.
    new_york = timezone(timedelta(hours=-5))
    assert moment_text(datetime(2026, 12, 20, 4, 30, tzinfo=new_york)) == "12月20日（日）18:30"


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        moment_text(datetime(2026, 12, 20, 18, 30))


def test_reiwa_on_official_documents() -> None:
    assert wareki(date(2026, 12, 20)) == "令和8年12月20日"
    assert wareki(date(2026, 12, 20), weekday=True) == "令和8年12月20日（日）"
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wording.official_day(datetime(2027, 3, 31, 15, 0, tzinfo=UTC)) == "令和9年4月1日（木）"
    # The fiscal year is named by its April: 2026 (April 2026 – March 2027) is 令和8年度.
    assert wareki_fiscal_year(2026) == "令和8年度"
    assert wareki_fiscal_year(2019) == "令和元年度"  # as the government named it
    assert wareki_fiscal_year(1988) == "昭和63年度"
    assert wording.official_year(2026) == "令和8年度"


def test_missing_and_form_dates() -> None:
    assert wording.day(None) == "—"
    assert wording.moment(None) == "—"
    assert wording.day("2026-12-20") == "12月20日（日）"
    assert wording.day("not a date") == "not a date"

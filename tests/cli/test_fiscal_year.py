"""The default ``--year``: the fiscal year (April to March) of today in Japan time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.japan_time import current_fiscal_year, fiscal_year_of


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 4, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2027, 4, 1), 2027),
    ],
)
def test_the_fiscal_year_runs_from_april_to_march(day: date, year: int) -> None:
    assert fiscal_year_of(day) == year


def test_the_year_turns_at_midnight_in_japan_not_in_utc() -> None:
    # 15:30 UTC on 31 March is already 00:30 on 1 April in Tokyo.
    assert current_fiscal_year(datetime(2027, 3, 31, 15, 30, tzinfo=UTC)) == 2027
    assert current_fiscal_year(datetime(2027, 3, 31, 14, 30, tzinfo=UTC)) == 2026

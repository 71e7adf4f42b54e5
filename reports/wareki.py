"""Japanese era dates (和暦): 令和8年4月18日.

Written out here rather than taken from the platform: ``strftime`` has no era, and ICU's
calendars are not installed everywhere. An era's first year is written 元年, as official
documents do. Eras change on the day the new one starts: 平成 ends on 2019-04-30 and 令和
begins on 2019-05-01; 昭和 ends on 1989-01-07 and 平成 begins on 1989-01-08.
"""

from __future__ import annotations

from datetime import datetime

# The eras and 和暦 dates live with the rest of Japan time (``domain.japan_time``), so the
# console, notices and these exports share one formula; re-exported here for the exports.
from domain.japan_time import ERAS as ERAS
from domain.japan_time import JAPAN
from domain.japan_time import era_year as era_year
from domain.japan_time import wareki as wareki


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

"""``meeting postpone``: the chair moves a called meeting to a later date from the CLI,
against the real server, worker and store; a member who did not call it is refused in
one line and nothing moves; ``meeting`` alone still records a meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pydantic import SecretStr

from application.cycles import connect, send
from config import Settings
from domain.japan_time import japan_date
from domain.meeting_calls import CallMeetingInput
from domain.sanity import year_window
from tests.cli.conftest import cli_environment

COUNCIL = "kushiro-kushiro"
CHAIR = "kushiro-kushiro-chair"
MEMBER = "kushiro-kushiro-member-1"


def _fiscal_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


async def test_the_chair_postpones_a_called_meeting(tmp_path: Path) -> None:
    held_on = japan_date(datetime.now(UTC)) + timedelta(days=20)
    later = held_on + timedelta(days=1)
    year = _fiscal_year(held_on)
    assert later <= year_window(year)[1]
    where = ("--council", COUNCIL, "--year", str(year))
    async with cli_environment(tmp_path, "postpone") as cli:
        await cli.ok("cycle", "start", *where)
        settings = Settings(
            temporal_address=cli.env["TEMPORAL_ADDRESS"],
            temporal_namespace="default",
            task_queue=cli.env["TASK_QUEUE"],
            data_dir=Path(cli.env["DATA_DIR"]),
            database_url=SecretStr(cli.env["DATABASE_URL"]),
        )
        client = await connect(settings)
        call = CallMeetingInput(
            actor=CHAIR,
            call_id="autumn",
            held_on=held_on,
            starts_at=time(18, 30),
            place="会議室",
            agenda="学校評価について",
        )
        await send(client, COUNCIL, year, call)
        postpone = (
            "meeting", "postpone", "autumn", *where, "--date", later.isoformat(),
            "--time", "19:00", "--place", "体育館", "--reason", "台風の接近のため",
        )  # fmt: skip

        refused = await cli(*postpone, "--as", MEMBER)
        # A refusal by the rules: exit 3, its reason in one line.
        assert refused.code == 3 and refused.stdout == ""
        assert refused.error_lines() == [
            f"{MEMBER} には「会議の延期」の権限がありません（必要な役割: 会長・コーディネーター）"
        ]
        status = await cli.ok("cycle", "status", *where, "--json")
        assert status.json()["calls"][0]["held_on"] == held_on.isoformat()

        moved = await cli.ok(*postpone, "--as", CHAIR, "--json")
        [after] = moved.json()["calls"]
        assert (after["held_on"], after["starts_at"], after["place"]) == (
            later.isoformat(),
            "19:00:00",
            "体育館",
        )

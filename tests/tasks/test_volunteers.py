"""The volunteer registry, its CSV import (Shift_JIS and UTF-8) and the resource list, on
the real store (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

import store
from domain.volunteers import VolunteerKind, expires_on
from store import InvalidVolunteerFile, VolunteerEntry
from tests.store.support import load_example, row_counts
from tests.workflows.conftest import FIXTURES

HEADER = "登録番号,氏名,区分,活動分野,活動可能日,登録日,連絡可,連絡先"
GOOD_AND_BAD = [
    HEADER,
    "kv-001,釧路 花子,個人,読み聞かせ・見守り,平日午前,2025-04-01,はい,0154-00-0001",
    "kv-002,春採町内会,団体,見守り,毎朝,2024/4/1,いいえ,",
    "kv-003,,個人,読み聞かせ,,2025-04-01,はい,",  # no name
    "kv-004,鳥取 次郎,個人,茶道,土日,2025-02-30,はい,",  # no such day
    "kv-005,共栄 三郎,法人,郷土芸能,,2025-05-01,はい,",  # unknown kind
    "kv-001,釧路 花子,個人,読み聞かせ,,2025-04-01,はい,",  # the same id again
    "kv-006,釧路 四郎,個人,学習支援,放課後,2025年6月1日,○,",
]


def load_taskcity(engine: Engine) -> None:
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "taskcity.yaml"))


def write_csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["shift_jis", "utf-8-sig", "utf-8"])
def test_import_keeps_good_rows_and_reports_bad_ones_by_line(
    clean_engine: Engine, tmp_path: Path, encoding: str
) -> None:
    load_taskcity(clean_engine)
    path = write_csv(tmp_path / "volunteers.csv", GOOD_AND_BAD, encoding)
    with store.session_scope(clean_engine) as session:
        report = store.import_volunteers(session, "taskcity", path)
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    assert report.errors == (
        "行 4: 氏名 が空です",
        "行 5: 登録日 '2025-02-30' は存在しない日付です",
        "行 6: 区分 '法人' は 個人 または 団体 にしてください",
        "行 7: 登録番号 kv-001 は行 2 と重複しています",
    )
    with store.session_scope(clean_engine) as session:
        rows = {v.id: v for v in store.volunteers(session, "taskcity")}
    assert set(rows) == {"kv-001", "kv-002", "kv-006"}
    hanako = rows["kv-001"]
    assert hanako.name == "釧路 花子"  # the Japanese text survived the encoding
    assert hanako.fields_of_help == ("読み聞かせ", "見守り")
    assert (hanako.consent_to_contact, hanako.contact) == (True, "0154-00-0001")
    assert hanako.expires_on == date(2027, 4, 1)
    group = rows["kv-002"]
    assert (group.kind, group.consent_to_contact) == (VolunteerKind.GROUP, False)
    assert rows["kv-006"].registered_on == date(2025, 6, 1)

    # Importing the same file again changes nothing and reports the same lines.
    with store.session_scope(clean_engine) as session:
        again = store.import_volunteers(session, "taskcity", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert again.errors == report.errors


def test_a_file_missing_a_required_column_or_undecodable_is_refused_whole(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_taskcity(clean_engine)
    no_date = write_csv(tmp_path / "a.csv", ["登録番号,氏名", "kv-1,名前"], "utf-8")
    with store.session_scope(clean_engine) as session, pytest.raises(InvalidVolunteerFile) as e:
        store.import_volunteers(session, "taskcity", no_date)
    assert str(e.value).endswith("見出し行に 登録日 の列がありません")
    garbage = tmp_path / "b.csv"
    garbage.write_bytes(HEADER.encode("utf-8") + b"\r\n\x80\xff\xfe,\x81\r\n")
    with store.session_scope(clean_engine) as session, pytest.raises(InvalidVolunteerFile) as e:
        store.import_volunteers(session, "taskcity", garbage)
    assert "UTF-8 または Shift_JIS" in str(e.value)
    assert row_counts(clean_engine)["volunteers"] == 0


def test_the_shipped_kushiro_example_imports_cleanly(clean_engine: Engine) -> None:
    load_example(clean_engine, "kushiro")
    path = Path(__file__).resolve().parents[2] / "examples" / "volunteers-kushiro.csv"
    path.read_bytes().decode("cp932")  # shipped as Shift_JIS, as Excel saves it
    with store.session_scope(clean_engine) as session:
        report = store.import_volunteers(session, "kushiro", path)
        listed = store.volunteers(session, "kushiro")
    assert report.errors == ()
    assert report.inserted == len(listed) >= 10


def test_registration_expires_after_two_years_renews_and_withdraws(clean_engine: Engine) -> None:
    load_taskcity(clean_engine)
    assert expires_on(date(2024, 2, 29)) == date(2026, 3, 1)
    with store.session_scope(clean_engine) as session:
        for ident, registered in (("v-a", date(2024, 4, 1)), ("v-b", date(2025, 4, 1))):
            entry = VolunteerEntry(id=ident, name=ident, registered_on=registered)
            store.upsert_volunteer(session, "taskcity", entry)
    with store.session_scope(clean_engine) as session:
        on = date(2026, 6, 10)
        assert [v.id for v in store.volunteers(session, "taskcity", active_on=on)] == ["v-b"]
        expired = store.check_volunteers(session, "tc-east", ["v-b", "v-a"], on)
        assert expired is not None and expired.code == "volunteer_expired"
        assert expired.params == {
            "volunteer_id": "v-a",
            "expires_on": "2026-04-01",
            "on": "2026-06-10",
        }
        unknown = store.check_volunteers(session, "tc-east", ["v-zz"], on)
        assert unknown is not None and unknown.message() == "ボランティア v-zz は登録されていません"
        renewed = store.renew_volunteer(session, "v-a", date(2026, 5, 1))
        assert renewed.expires_on == date(2028, 5, 1)
        assert store.check_volunteers(session, "tc-east", ["v-a", "v-b"], on) is None
        store.withdraw_volunteer(session, "v-b", date(2026, 6, 1))
        withdrawn = store.check_volunteers(session, "tc-east", ["v-b"], on)
        assert withdrawn is not None and withdrawn.code == "volunteer_withdrawn"
        # Before the withdrawal the volunteer still counted.
        assert store.check_volunteers(session, "tc-east", ["v-b"], date(2026, 5, 20)) is None


def test_the_resource_list_comes_from_the_municipality_file(clean_engine: Engine) -> None:
    load_example(clean_engine, "asahikawa")
    load_example(clean_engine, "asahikawa")  # loading twice changes nothing
    with store.session_scope(clean_engine) as session:
        listed = store.resources(session, "asahikawa")
        facilities = store.resources(session, "asahikawa", kind="施設")
    assert len(listed) == 5
    assert [r.name for r in facilities] == ["東陽公民館"]


def test_a_registration_in_the_future_is_refused_and_changes_nothing(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_taskcity(clean_engine)
    today = date(2026, 11, 29)
    lines = [HEADER, "kv-101,未来 太郎,個人,見守り,,2999-04-01,はい,"]
    path = write_csv(tmp_path / "future.csv", lines, "utf-8")
    with store.session_scope(clean_engine) as session:
        report = store.import_volunteers(session, "taskcity", path)
    assert report.inserted == 0
    [error] = report.errors
    assert error.startswith("行 2: 登録日 2999-04-01 は未来の日付です（今日は ")

    with store.session_scope(clean_engine) as session:
        entry = VolunteerEntry(id="v-now", name="今 花子", registered_on=date(2026, 4, 1))
        store.upsert_volunteer(session, "taskcity", entry, today=today)
    future = VolunteerEntry(id="v-now", name="今 花子", registered_on=date(2999, 4, 1))
    with store.session_scope(clean_engine) as session:
        with pytest.raises(store.InvalidVolunteer) as caught:
            store.upsert_volunteer(session, "taskcity", future, today=today)
        assert str(caught.value) == "登録日 2999-04-01 は未来の日付です（今日は 2026-11-29）"
        with pytest.raises(store.InvalidVolunteer):
            store.renew_volunteer(session, "v-now", date(2999, 4, 1), today=today)
    with store.session_scope(clean_engine) as session:
        [row] = store.volunteers(session, "taskcity")
    assert (row.id, row.registered_on, row.expires_on) == (
        "v-now", date(2026, 4, 1), date(2028, 4, 1),
    )  # fmt: skip

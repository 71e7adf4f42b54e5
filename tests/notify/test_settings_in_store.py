"""Deadline settings and channel preferences, from the municipality file to the store and
back out as the cycle's ``DeadlineRules``; the outbox rows they lead to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

import store
from contracts.activities import Channel, NotifyInput
from domain.deadlines import DeadlineRules, MonthDay
from domain.events import Notice
from domain.model import Step
from store import InvalidMunicipalityFile, read_municipality_file
from store.models import Person
from tests.notify.conftest import load_notifycity
from tests.store.support import EXAMPLES

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def test_municipality_defaults_and_a_council_override_make_the_rules(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_notifycity(clean_engine, "http://127.0.0.1:9", tmp_path)
    with store.session_scope(clean_engine) as session:
        c1 = store.council_setup(session, "notifycity-c1").deadline_rules
        c2 = store.council_setup(session, "notifycity-c2").deadline_rules
    assert c1 == DeadlineRules()  # the file states the engine's defaults
    assert c2.due[Step.APPROVE] == MonthDay(month=6, day=15)
    assert c2.due[Step.EVALUATE] == MonthDay(month=3, day=31)
    assert (c2.escalate_to_chief_after_days, c2.escalate_to_board_after_days) == (5, 10)
    assert c2.due_dates(2027)[Step.APPROVE] == date(2027, 6, 15)


def test_kushiro_example_overrides_one_council(clean_engine: Engine) -> None:
    with store.session_scope(clean_engine) as session:
        store.load_municipality(session, read_municipality_file(EXAMPLES / "kushiro.yaml"))
    with store.session_scope(clean_engine) as session:
        chuo = store.council_setup(session, "kushiro-chuo").deadline_rules
        kyoei = store.council_setup(session, "kushiro-kyoei").deadline_rules
        coord = store.person_contacts(session, ["kushiro-chuo-coord-2"])["kushiro-chuo-coord-2"]
    assert chuo.due[Step.APPROVE] == MonthDay(month=5, day=31)
    assert kyoei.due[Step.APPROVE] == MonthDay(month=6, day=20)
    assert (coord.notify_email, coord.notify_webhook) == (False, True)


def test_a_file_without_deadlines_keeps_the_engine_defaults(clean_engine: Engine) -> None:
    with store.session_scope(clean_engine) as session:
        store.load_municipality(session, read_municipality_file(EXAMPLES / "okayama.yaml"))
        council = store.council_ids(session, "okayama")[0]
        assert store.council_setup(session, council).deadline_rules == DeadlineRules()


HEAD = "municipality: {id: town, name: 町, prefecture: 県}\n"


@pytest.mark.parametrize(
    ("deadlines", "message"),
    [
        (
            "{due: {approve: 5/31}}",
            "deadlines.due.approve: expected MM-DD, for example 05-31 (got '5/31')",
        ),
        ("{due: {approve: 02-29}}", "deadlines.due.approve: not a day of every year"),
        ("{due: {approve: 13-01}}", "month"),
        ("{due: {closed: 03-31}}", "'closed' has no due date"),
        ("{due: {adopt: 03-31}}", "deadlines.due.adopt"),
        ("{remind_days_before: [0]}", "deadlines.remind_days_before[0]"),
        ("{escalate_after: 3}", "deadlines.escalate_after: unknown field"),
    ],
)
def test_bad_deadline_settings_fail_in_one_line_naming_the_field(
    tmp_path: Path, deadlines: str, message: str
) -> None:
    path = tmp_path / "town.yaml"
    path.write_text(HEAD + f"deadlines: {deadlines}\n", encoding="utf-8")
    with pytest.raises(InvalidMunicipalityFile) as bad:
        read_municipality_file(path)
    assert message in str(bad.value)
    assert "\n" not in str(bad.value)


def test_the_outbox_follows_preferences_and_configured_channels(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_notifycity(clean_engine, "http://127.0.0.1:9", tmp_path)
    data = NotifyInput(
        council_id="notifycity-c1", fiscal_year=2027, event_seq=1, step="discuss",
        notice=Notice(template="step_opened", recipients=("n-chair",)),
    )  # fmt: skip
    both = {Channel.EMAIL, Channel.WEBHOOK}
    with store.session_scope(clean_engine) as session:
        for person in ("n-chair", "n-m1", "n-m2", "n-coord"):
            key = f"notifycity-c1/2027/1/step_opened/{person}"
            store.deliver_inbox(session, key, data, person, "件名", "本文")
        keys = {
            person: store.enqueue_deliveries(
                session, f"notifycity-c1/2027/1/step_opened/{person}", both, NOW
            )
            for person in ("n-chair", "n-m1", "n-m2", "n-coord")
        }
        only_mail = store.enqueue_deliveries(
            session, "notifycity-c1/2027/1/step_opened/n-coord", {Channel.EMAIL}, NOW
        )
        again = store.enqueue_deliveries(
            session, "notifycity-c1/2027/1/step_opened/n-chair", both, NOW
        )
    assert keys["n-chair"] == [
        "notifycity-c1/2027/1/step_opened/n-chair/email",
        "notifycity-c1/2027/1/step_opened/n-chair/webhook",
    ]
    assert keys["n-m1"] == []  # no address: inbox only
    assert keys["n-m2"] == []  # e-mail switched off
    assert keys["n-coord"] == ["notifycity-c1/2027/1/step_opened/n-coord/webhook"]
    assert only_mail == keys["n-coord"]  # nothing new, the existing row is returned
    assert again == keys["n-chair"]
    with store.session_scope(clean_engine) as session:
        rows = store.deliveries(session, "notifycity-c1", 2027)
        assert len(rows) == 3 and {r.status for r in rows} == {"pending"}
        assert len({r.delivery_id for r in rows}) == 3


def test_claiming_counts_attempts_flags_an_unfinished_one_and_stops_once_sent(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_notifycity(clean_engine, "http://127.0.0.1:9", tmp_path)
    key = _queue_for_chair(clean_engine)
    with store.session_scope(clean_engine) as session:
        first = store.claim_delivery(session, f"{key}/email", NOW)
    with store.session_scope(clean_engine) as session:
        second = store.claim_delivery(session, f"{key}/email", NOW)  # the first one died
    assert first is not None and second is not None
    assert (first.attempt, first.after_unfinished_attempt) == (1, False)
    assert (second.attempt, second.after_unfinished_attempt) == (2, True)
    assert first.delivery_id == second.delivery_id and first.address == "chair@notify.example.jp"
    with store.session_scope(clean_engine) as session:
        store.mark_delivery_sent(session, f"{key}/email", NOW)
        assert store.claim_delivery(session, f"{key}/email", NOW) is None
        assert not store.mark_delivery_failed(session, f"{key}/email", "late timeout")
        [row] = store.deliveries(session, "notifycity-c1", 2027, status="sent")
    assert (row.attempts, row.sent_at) == (2, NOW)


def test_a_delivery_whose_address_was_removed_fails_instead_of_retrying(
    clean_engine: Engine, tmp_path: Path
) -> None:
    load_notifycity(clean_engine, "http://127.0.0.1:9", tmp_path)
    key = _queue_for_chair(clean_engine)
    with store.session_scope(clean_engine) as session:
        session.get_one(Person, "n-chair").webhook_url = None
    with store.session_scope(clean_engine) as session:
        assert store.claim_delivery(session, f"{key}/webhook", NOW) is None
        assert store.failed_deliveries_count(session, "notifycity-c1", 2027) == 1
        [row] = store.deliveries(session, "notifycity-c1", 2027, status="failed")
    assert row.channel == Channel.WEBHOOK and "removed" in (row.last_error or "")


def _queue_for_chair(engine: Engine) -> str:
    key = "notifycity-c1/2027/1/step_opened/n-chair"
    data = NotifyInput(
        council_id="notifycity-c1", fiscal_year=2027, event_seq=1, step="discuss",
        notice=Notice(template="step_opened", recipients=("n-chair",)),
    )  # fmt: skip
    with store.session_scope(engine) as session:
        store.deliver_inbox(session, key, data, "n-chair", "件名", "本文")
        store.enqueue_deliveries(session, key, {Channel.EMAIL, Channel.WEBHOOK}, NOW)
    return key

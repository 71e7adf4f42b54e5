"""The inbox: delivery idempotent by key, reading and marking as read."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine

from contracts.activities import NotifyInput
from domain.events import Notice
from store import NotFound, deliver_inbox, inbox, mark_read, session_scope
from tests.store.support import load_example, row_counts

CHAIR = "okayama-nishikawa-chair"
MEMBER = "okayama-nishikawa-member-1"


def _notify(seq: int) -> NotifyInput:
    return NotifyInput(
        council_id="okayama-nishikawa",
        fiscal_year=2026,
        event_seq=seq,
        step="approve",
        notice=Notice(template="vote_needed", recipients=(CHAIR, MEMBER), params={"version": "1"}),
    )


def _deliver(engine: Engine, seq: int, recipient: str) -> bool:
    key = f"okayama-nishikawa/2026/{seq}/vote_needed/{recipient}"
    with session_scope(engine) as session:
        return deliver_inbox(session, key, _notify(seq), recipient, "投票のお願い", f"第{seq}号")


def test_delivery_is_idempotent_by_key(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    assert _deliver(clean_engine, 3, CHAIR)
    assert not _deliver(clean_engine, 3, CHAIR)
    assert _deliver(clean_engine, 3, MEMBER)
    assert row_counts(clean_engine)["notifications"] == 2
    with session_scope(clean_engine) as session:
        rows = inbox(session, CHAIR)
    assert [(r.template, r.subject, r.body, r.event_seq, r.read_at) for r in rows] == [
        ("vote_needed", "投票のお願い", "第3号", 3, None)
    ]


def test_concurrent_deliveries_make_one_row(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    barrier = threading.Barrier(3)
    results: list[bool] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        barrier.wait()
        try:
            results.append(_deliver(clean_engine, 4, CHAIR))
        except BaseException as exc:  # collected so that the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, False, True]
    assert row_counts(clean_engine)["notifications"] == 1


def test_mark_read_only_by_the_recipient(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    for seq in (3, 4):
        _deliver(clean_engine, seq, CHAIR)
    with session_scope(clean_engine) as session:
        newest, oldest = inbox(session, CHAIR)
    assert (newest.event_seq, oldest.event_seq) == (4, 3)
    with session_scope(clean_engine) as session, pytest.raises(NotFound, match=MEMBER):
        mark_read(session, MEMBER, oldest.id)
    with session_scope(clean_engine) as session:
        mark_read(session, CHAIR, oldest.id)
    with session_scope(clean_engine) as session:
        first_read = inbox(session, CHAIR)[1].read_at
        mark_read(session, CHAIR, oldest.id)
    with session_scope(clean_engine) as session:
        unread = inbox(session, CHAIR, unread_only=True)
        everything = inbox(session, CHAIR)
    assert first_read is not None
    assert [r.id for r in unread] == [newest.id]
    assert everything[1].read_at == first_read
    with session_scope(clean_engine) as session, pytest.raises(NotFound, match="999999"):
        mark_read(session, CHAIR, 999999)


def test_unknown_recipient_or_person_is_named(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    with pytest.raises(NotFound, match="'stranger'"):
        _deliver(clean_engine, 3, "stranger")
    with session_scope(clean_engine) as session, pytest.raises(NotFound, match="'stranger'"):
        inbox(session, "stranger")
    assert row_counts(clean_engine)["notifications"] == 0

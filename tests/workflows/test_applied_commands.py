"""The workflow's own memory of applied command ids (the server usually answers a repeat
first; this is what answers when it does not): a repeat gets the first receipt, and the
memory stays bounded."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from temporalio import workflow

from domain.events import CommandReceipt
from domain.model import Step
from workflows import applied_commands
from workflows.applied_commands import AppliedCommands


def receipt(seq: int) -> CommandReceipt:
    return CommandReceipt(seq=seq, action="cast_vote", step=Step.APPROVE, paused=False)


def as_update(monkeypatch: pytest.MonkeyPatch, update_id: str | None) -> None:
    info = None if update_id is None else SimpleNamespace(id=update_id)
    monkeypatch.setattr(workflow, "current_update_info", lambda: info)


def test_a_repeated_id_answers_the_first_receipt(monkeypatch: pytest.MonkeyPatch) -> None:
    applied = AppliedCommands()
    as_update(monkeypatch, "vote-1")
    assert applied.current() is None
    applied.remember(receipt(4))
    assert applied.current() == receipt(4)
    as_update(monkeypatch, "vote-2")
    assert applied.current() is None
    as_update(monkeypatch, None)  # not in an update (the deadline loop): nothing kept
    applied.remember(receipt(5))
    assert applied.current() is None


def test_the_memory_keeps_only_the_latest_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applied_commands, "REMEMBERED_IDS", 3)
    applied = AppliedCommands()
    for n in range(5):
        as_update(monkeypatch, f"c{n}")
        applied.remember(receipt(n))
    found = {}
    for n in range(5):
        as_update(monkeypatch, f"c{n}")
        found[n] = applied.current()
    assert found == {0: None, 1: None, 2: receipt(2), 3: receipt(3), 4: receipt(4)}

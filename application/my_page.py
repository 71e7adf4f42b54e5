"""What a person is asked to do, and what became of what they asked of others:

- the next actions of my page (``domain.next_actions``: derived from the cycle's state);
- who has read a meeting call or its reminder (the inbox's read state), for the page of
  the call;
- the reasons given with the ballots, shown once a vote has closed, and a line-by-line
  comparison of two versions of the policy.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from domain.meeting_calls import reply_path
from domain.model import CycleState, PolicyStatus
from domain.next_actions import KINDS, NextAction, next_actions
from domain.task_rules import TASK_HOLDERS
from store.notifications import read_receipts
from store.vote_reasons import BallotReason, ballot_reasons

__all__ = [
    "KINDS",
    "TASK_HOLDERS",
    "BallotReason",
    "CompareLine",
    "NextAction",
    "ReadReceipt",
    "call_read_receipts",
    "compare_versions",
    "next_actions",
    "vote_reasons",
]

#: The notices that carry a call's page: the call and its reminder.
CALL_TEMPLATES = ("meeting_call", "meeting_call_reminder")


@dataclass(frozen=True)
class ReadReceipt:
    """One recipient of a call's notices and when they first read one (``None``: not yet)."""

    member_id: str
    read_at: datetime | None


def call_read_receipts(
    session: Session, council_id: str, fiscal_year: int, call_id: str
) -> list[ReadReceipt]:
    """Who was sent call ``call_id`` (or its reminder) and who has read it, readers first."""
    marker = reply_path(council_id, fiscal_year, call_id)
    seen = read_receipts(session, council_id, fiscal_year, CALL_TEMPLATES, marker)
    receipts = [ReadReceipt(member_id=m, read_at=at) for m, at in seen.items()]
    return sorted(
        receipts, key=lambda r: (r.read_at is None, r.read_at or datetime.min, r.member_id)
    )


def vote_reasons(session: Session, state: CycleState) -> dict[int, list[BallotReason]]:
    """The reasons given with the ballots of every closed vote of ``state``, by version
    (a vote still running shows none: nobody reads the others' reasons before voting)."""
    closed = {p.version for p in state.policies if p.status is not PolicyStatus.VOTING}
    found: dict[int, list[BallotReason]] = {}
    for reason in ballot_reasons(session, state.council_id, state.fiscal_year):
        if reason.version in closed:
            found.setdefault(reason.version, []).append(reason)
    return found


@dataclass(frozen=True)
class CompareLine:
    """One row of a side-by-side comparison: the older version's line and the newer's
    (``""`` where one side has none), and whether the row changed."""

    old: str
    new: str
    changed: bool


def compare_versions(old: str, new: str) -> list[CompareLine]:
    """The two texts side by side, line against line: unchanged lines once on both sides,
    a changed run as its old lines against its new ones."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[CompareLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [CompareLine(old=line, new=line, changed=False) for line in a[i1:i2]]
            continue
        left, right = a[i1:i2], b[j1:j2]
        for n in range(max(len(left), len(right))):
            rows.append(
                CompareLine(
                    old=left[n] if n < len(left) else "",
                    new=right[n] if n < len(right) else "",
                    changed=True,
                )
            )
    return rows

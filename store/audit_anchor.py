"""Anchors of the audit chains: each chain's head (sequence number and hash) written down
where a writer of the database cannot reach it — printed on the yearly report, mailed to
the board admins every day, printed by ``starter audit anchor`` for IT to keep.

The chain alone shows a row edited, removed or slipped in, but not a chain rewritten
from some row on with every later hash recomputed, nor the newest rows cut off. Against a
kept anchor ``check_anchor`` shows both: the row at the anchored ``seq`` no longer has
the anchored hash, or the chain no longer reaches that ``seq``.

One anchor is one line::

    audit-anchor access_audit seq=42 sha256=3f5a…(64 hex) at=2026-12-07T07:00:00+09:00

``at`` is when the anchor was taken (Japan time), for the reader; the check uses the
table, ``seq`` and ``sha256``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.japan_time import JAPAN
from store.audit_log import CHAINED_TABLES, GENESIS, ChainedRow

#: The most anchor lines one ``--anchor`` file may hold (a year of daily mails, twice).
MAX_ANCHORS = 1000
_MODELS: dict[str, type[ChainedRow]] = {model.__tablename__: model for model in CHAINED_TABLES}
_LINE = re.compile(
    r"audit-anchor (?P<table>[a-z_]{1,40}) seq=(?P<seq>\d{1,18}) "
    r"sha256=(?P<sha>[0-9a-f]{64}) at=(?P<at>[0-9T:.+-]{1,40})"
)


class InvalidAnchor(ValueError):
    """An anchor line that cannot be read; the message names what was wrong."""


class Anchor(NamedTuple):
    """One chain's head as it was at ``at``."""

    table: str
    seq: int
    sha256: str
    at: datetime

    def line(self) -> str:
        """The anchor as one line (see the module's docstring)."""
        at = self.at.astimezone(JAPAN).isoformat(timespec="seconds")
        return f"audit-anchor {self.table} seq={self.seq} sha256={self.sha256} at={at}"


def take_anchors(session: Session, at: datetime) -> list[Anchor]:
    """The head of every audit chain now (``seq=0`` and the genesis hash when empty)."""
    anchors = []
    for model in CHAINED_TABLES:
        head = session.execute(
            select(model.seq, model.row_hash).order_by(model.seq.desc()).limit(1)
        ).first()
        seq, sha = (0, GENESIS) if head is None else (head.seq, head.row_hash)
        anchors.append(Anchor(model.__tablename__, seq, sha, at))
    return anchors


def parse_anchors(text: str) -> list[Anchor]:
    """Every anchor line in ``text`` (a line as printed, a kept file, a copied mail or
    report: other lines are skipped). ``InvalidAnchor`` when a line naming
    ``audit-anchor`` is malformed, or when there is none."""
    anchors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "audit-anchor" not in raw:
            continue
        found = _LINE.search(raw)
        if found is None:
            raise InvalidAnchor(
                f"line {number}: not an audit anchor (audit-anchor TABLE seq=N sha256=HEX at=TIME)"
            )
        if found["table"] not in _MODELS:
            raise InvalidAnchor(f"line {number}: unknown audit table '{found['table']}'")
        try:
            at = datetime.fromisoformat(found["at"])
        except ValueError as exc:
            raise InvalidAnchor(f"line {number}: at= is not a time") from exc
        if at.tzinfo is None:
            raise InvalidAnchor(f"line {number}: at= has no time zone")
        anchors.append(Anchor(found["table"], int(found["seq"]), found["sha"], at))
        if len(anchors) > MAX_ANCHORS:
            raise InvalidAnchor(f"more than {MAX_ANCHORS} anchors")
    if not anchors:
        raise InvalidAnchor("no audit-anchor line found")
    return anchors


def check_anchor(session: Session, anchor: Anchor) -> str | None:
    """One line saying how the chain departs from ``anchor`` — the newest rows missing,
    or the row at the anchored ``seq`` carrying another hash (the chain was rewritten) —
    or ``None`` when the chain still holds the anchored head."""
    model = _MODELS[anchor.table]
    taken = anchor.at.astimezone(JAPAN).isoformat(timespec="seconds")
    if anchor.seq == 0:
        if anchor.sha256 != GENESIS:
            return f"{anchor.table}: anchor of {taken}: seq=0 must carry the genesis hash"
        return None
    head = session.scalar(select(model.seq).order_by(model.seq.desc()).limit(1)) or 0
    if head < anchor.seq:
        return (
            f"{anchor.table}: head seq {head} < anchored seq {anchor.seq} (anchor of {taken}): "
            "the newest rows are missing"
        )
    stored = session.scalar(select(model.row_hash).where(model.seq == anchor.seq))
    if stored != anchor.sha256:
        return (
            f"{anchor.table}: row seq {anchor.seq}: hash differs from the anchor of {taken}: "
            "the chain was rewritten"
        )
    return None

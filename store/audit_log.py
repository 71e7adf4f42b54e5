"""The audit trail that holds: the access audit (sign-ins, reads of personal data,
exports, directory changes, codec decodes, erasures) and the directory audit (every field
a directory change touched, before → after).

Both tables are hash chains. Each row has a ``seq`` one more than the row before and
carries that row's hash (``prev_hash``) and its own (``row_hash``, SHA-256 over the
canonical JSON of its fields and ``prev_hash``). A row edited, removed or slipped in
breaks the chain at that row, which ``verify`` finds. On PostgreSQL a trigger (created by
the migration) also refuses UPDATE and DELETE on both tables; the chain catches what a
superuser does around it. (Removing the newest rows, or rewriting the chain with every
later hash recomputed, leaves a chain that still verifies: ``store.audit_anchor`` keeps
its head outside the database to detect that.)

No full personal data goes in: actors and targets are ids, and the directory audit's
values are masked (``store.directory_changes``), so an erasure never needs to edit it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import JSON, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import ID, TZ_DATETIME, Base

#: ``prev_hash`` of the first row of a chain.
GENESIS = "0" * 64
ACTOR = String(100)


class _Chained:
    """Columns every chained table has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    actor: Mapped[str] = mapped_column(ACTOR)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64))


class AccessAuditRow(_Chained, Base):
    """Who did what to which data, when, and from which client."""

    __tablename__ = "access_audit"

    client: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class DirectoryAuditRow(_Chained, Base):
    """One field of the directory changed by one confirmed change (``change_id``)."""

    __tablename__ = "directory_audit"

    change_id: Mapped[str] = mapped_column(String(100), index=True)
    municipality_id: Mapped[str] = mapped_column(ID, index=True)
    op: Mapped[str] = mapped_column(String(1))
    target: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


ChainedRow = AccessAuditRow | DirectoryAuditRow
CHAINED_TABLES: tuple[type[ChainedRow], ...] = (AccessAuditRow, DirectoryAuditRow)
# The fields each row's hash covers, in a fixed order (``id`` is left out: it is the
# database's, and a gap in it after a rolled-back insert is harmless; ``seq`` is ours).
_HASHED: dict[str, tuple[str, ...]] = {
    "access_audit": ("seq", "at", "actor", "client", "action", "target", "detail"),
    "directory_audit": (
        "seq",
        "at",
        "actor",
        "change_id",
        "municipality_id",
        "op",
        "target",
        "field",
        "before",
        "after",
    ),
}


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def row_hash(table: str, values: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the row's hashed fields and the previous row's hash."""
    canonical = {name: _canonical(values[name]) for name in _HASHED[table]}
    canonical["prev_hash"] = prev_hash
    body = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def append(session: Session, model: type[ChainedRow], **values: Any) -> ChainedRow:
    """Add a row at the end of ``model``'s chain, in the caller's transaction.

    On PostgreSQL the table is locked against other writers until commit, so two
    transactions never chain onto the same row; on SQLite the writer lock and the unique
    ``seq`` and ``prev_hash`` do the same (a loser fails instead of forking the chain).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {model.__tablename__} IN EXCLUSIVE MODE"))
    last = session.execute(
        select(model.seq, model.row_hash).order_by(model.seq.desc()).limit(1)
    ).first()
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.row_hash)
    values = {**values, "seq": seq, "at": values["at"].astimezone(UTC)}
    row = model(**values, prev_hash=prev, row_hash=row_hash(model.__tablename__, values, prev))
    session.add(row)
    session.flush()
    return row


class BrokenLink(NamedTuple):
    """Where a chain first fails to verify, and why."""

    table: str
    seq: int
    row_id: int | None
    reason: str

    def line(self) -> str:
        """One line naming the row and the problem."""
        row = f" (id {self.row_id})" if self.row_id is not None else ""
        return f"{self.table}: row seq {self.seq}{row}: {self.reason}"


def verify(session: Session, model: type[ChainedRow]) -> tuple[int, BrokenLink | None]:
    """Walk ``model``'s chain in order; the number of rows checked and the first broken
    link (``None`` when the whole chain holds)."""
    table = model.__tablename__
    expected_seq, prev, count = 1, GENESIS, 0
    for row in _rows(session, model):
        count += 1
        values = {name: getattr(row, name) for name in _HASHED[table]}
        if row.seq != expected_seq:
            missing = f"row seq {expected_seq} is missing" if row.seq > expected_seq else "repeated"
            return count, BrokenLink(table, row.seq, row.id, f"out of order: {missing}")
        if row.prev_hash != prev:
            return count, BrokenLink(table, row.seq, row.id, "does not follow the row before")
        if row.row_hash != row_hash(table, values, row.prev_hash):
            return count, BrokenLink(table, row.seq, row.id, "content does not match its hash")
        expected_seq, prev = row.seq + 1, row.row_hash
    return count, None


def _rows(session: Session, model: type[ChainedRow]) -> Iterator[ChainedRow]:
    query = select(model).order_by(model.seq).execution_options(yield_per=500)
    for row in session.scalars(query):
        yield cast(ChainedRow, row)

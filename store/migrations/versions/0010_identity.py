"""One e-mail address, one person: ``people.email_key`` (the address case-folded and
NFKC-normalised) under a unique index, filled for the people already stored.

Addresses that several people already share (in any case or spelling): their key stays
NULL for every holder, so none of them gets a sign-in link by e-mail — exactly as before,
when the sign-in lookup found two people and sent nothing — and ``load`` refuses any file
that gives one of them that address again until the duplicate is taken out of one of the
files. The ids of the people concerned (never the addresses) are logged as a warning.

Revision ID: 0010_identity
Revises: 0009_access_tokens
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import logging
import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0010_identity"
down_revision = "0009_access_tokens"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _key(address: str) -> str:
    # A copy of ``domain.email_keys.email_key`` as of this revision: a migration must
    # keep doing what it did even when the application's function changes later.
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("email_key", sa.String(length=320), nullable=True))
    people = sa.table(
        "people",
        sa.column("id", sa.String()),
        sa.column("email", sa.String()),
        sa.column("email_key", sa.String()),
    )
    connection = op.get_bind()
    holders: dict[str, list[str]] = defaultdict(list)
    rows = connection.execute(
        sa.select(people.c.id, people.c.email).where(people.c.email.is_not(None))
    )
    for person_id, email in rows:
        holders[_key(email)].append(person_id)
    shared = sorted(ids for ids in holders.values() if len(ids) > 1)
    for ids in shared:
        log.warning(
            "people %s share one e-mail address: none of them can sign in by e-mail "
            "until the address is taken out of all but one municipality file",
            ", ".join(sorted(ids)),
        )
    update = (
        sa.update(people)
        .where(people.c.id == sa.bindparam("pid"))
        .values(email_key=sa.bindparam("key"))
    )
    unique = [
        {"pid": ids[0], "key": key}
        for key, ids in holders.items()
        if len(ids) == 1 and len(key) <= 320
    ]
    if unique:
        connection.execute(update, unique)
    op.create_index(op.f("ix_people_email_key"), "people", ["email_key"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_people_email_key"), table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("email_key")

"""The audit that holds: the access audit and the directory audit (hash-chained, and on
PostgreSQL append-only by trigger), and the record of erased people.

Revision ID: 0007_access_audit
Revises: 0005_field_sequences
Create Date: 2026-11-29 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_access_audit"
down_revision = "0005_field_sequences"
branch_labels = None
depends_on = None

_AUDIT_TABLES = ("access_audit", "directory_audit")

# Refuses every UPDATE and DELETE of an audit row, whoever asks; only a superuser can
# disable it (and the hash chain then shows what they changed).
_APPEND_ONLY = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$
"""


def _chained(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        *columns,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("prev_hash", name=op.f(f"uq_{name}_prev_hash")),
        sa.UniqueConstraint("seq", name=op.f(f"uq_{name}_seq")),
    )


def upgrade() -> None:
    _chained(
        "access_audit",
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    _chained(
        "directory_audit",
        sa.Column("change_id", sa.String(length=100), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=1), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
    )
    op.create_index(
        op.f("ix_directory_audit_change_id"), "directory_audit", ["change_id"], unique=False
    )
    op.create_index(
        op.f("ix_directory_audit_municipality_id"),
        "directory_audit",
        ["municipality_id"],
        unique=False,
    )
    op.create_table(
        "erased_people",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_erased_people_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_erased_people")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
        for table in _AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _AUDIT_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION audit_append_only()")
    op.drop_table("erased_people")
    op.drop_index(op.f("ix_directory_audit_municipality_id"), table_name="directory_audit")
    op.drop_index(op.f("ix_directory_audit_change_id"), table_name="directory_audit")
    op.drop_table("directory_audit")
    op.drop_table("access_audit")

"""Meeting calls with replies and published public minutes (issue 15). The board's
dashboard needs no new index: its queries use the existing ones (bench/README.md).

Revision ID: 0008_board_public
Revises: 0006_console
Create Date: 2026-11-29 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_board_public"
down_revision = "0006_console"
branch_labels = None
depends_on = None


def _cycle_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["cycle_id"], ["cycles.id"], name=op.f(f"fk_{table}_cycle_id_cycles")
    )


def upgrade() -> None:
    op.create_table(
        "meeting_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("called_by", sa.String(length=64), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("closed_part", sa.Text(), nullable=False),
        sa.Column("invitees", sa.JSON(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        _cycle_fk("meeting_calls"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_calls")),
        sa.UniqueConstraint("cycle_id", "call_id", name=op.f("uq_meeting_calls_cycle_id_call_id")),
    )
    op.create_table(
        "meeting_call_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        _cycle_fk("meeting_call_replies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_call_replies")),
        sa.UniqueConstraint(
            "cycle_id",
            "call_id",
            "member_id",
            name=op.f("uq_meeting_call_replies_cycle_id_call_id_member_id"),
        ),
    )
    op.create_table(
        "public_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("meeting_number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_by_version", sa.Integer(), nullable=True),
        _cycle_fk("public_minutes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_minutes")),
        sa.UniqueConstraint(
            "cycle_id",
            "meeting_number",
            "version",
            name=op.f("uq_public_minutes_cycle_id_meeting_number_version"),
        ),
    )


def downgrade() -> None:
    op.drop_table("public_minutes")
    op.drop_table("meeting_call_replies")
    op.drop_table("meeting_calls")

"""Minutes published or corrected after the year closed (the chair's duty outlives the
year's workflow): one row per act, keyed by its command id.

Revision ID: 0012_humane_confirm
Revises: 0011_hygiene
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_humane_confirm"
down_revision = "0011_hygiene"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closed_year_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("meeting_number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_closed_year_minutes_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_year_minutes")),
        sa.UniqueConstraint("command_id", name=op.f("uq_closed_year_minutes_command_id")),
    )
    op.create_index(
        op.f("ix_closed_year_minutes_cycle_id"), "closed_year_minutes", ["cycle_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_closed_year_minutes_cycle_id"), table_name="closed_year_minutes")
    op.drop_table("closed_year_minutes")

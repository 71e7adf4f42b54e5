"""The board's view: due dates and pause state of cycles, and indexes for the overview.

Revision ID: 0002_board
Revises: 0002_tasks
Create Date: 2026-11-21 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_board"
down_revision = "0002_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_due_dates",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_cycle_due_dates_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("cycle_id", "step", name=op.f("pk_cycle_due_dates")),
    )
    with op.batch_alter_table("cycles") as batch:
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paused_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("paused_reason", sa.Text(), nullable=True))
    # The overview reads a municipality's councils in id order; the composite index
    # replaces the single-column one.
    op.drop_index(op.f("ix_councils_municipality_id"), table_name="councils")
    op.create_index(
        "ix_councils_municipality_id_id", "councils", ["municipality_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_councils_municipality_id_id", table_name="councils")
    op.create_index(
        op.f("ix_councils_municipality_id"), "councils", ["municipality_id"], unique=False
    )
    with op.batch_alter_table("cycles") as batch:
        batch.drop_column("paused_reason")
        batch.drop_column("paused_since")
        batch.drop_column("due_on")
    op.drop_table("cycle_due_dates")

"""Each cycle's state as last rebuilt from its recorded events, for the pages to read.

Revision ID: 0012_fast
Revises: 0011_hygiene
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_fast"
down_revision = "0012_humane_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_snapshots",
        sa.Column(
            "cycle_id",
            sa.Integer(),
            sa.ForeignKey("cycles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cycle_snapshots")

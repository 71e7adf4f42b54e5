"""How many times a meeting call was postponed and when last: its calendar file keeps
its ``UID`` and raises its ``SEQUENCE`` with each postponement.

Revision ID: 0012_finish_21
Revises: 0012_humane_forms
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_finish_21"
down_revision = "0012_humane_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_calls") as batch:
        batch.add_column(
            sa.Column("postponements", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("postponed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_calls") as batch:
        batch.drop_column("postponed_at")
        batch.drop_column("postponements")

"""Per-field sequences on the cycle row, and the set-up each cycle opened with.

The sequences make the projection order-independent: a group of columns is written only by
an event newer than the one that last wrote it. ``cycle_setups`` keeps the roster, vote
rule and deadline rules of each cycle so that ``cycle restore`` can rebuild it.

Revision ID: 0005_field_sequences
Revises: 0002_channels
Create Date: 2026-11-29 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_field_sequences"
down_revision = "0002_channels"
branch_labels = None
depends_on = None

_SEQUENCES = ("step_seq", "vision_seq", "approved_seq", "pause_seq")


def upgrade() -> None:
    with op.batch_alter_table("cycles") as batch:
        for name in _SEQUENCES:
            batch.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    # Cycles recorded before: their columns are as new as the latest recorded event, so an
    # older event still in flight during the upgrade cannot overwrite them.
    latest = "COALESCE((SELECT MAX(seq) FROM audit_events WHERE cycle_id = cycles.id), 0)"
    op.execute(f"UPDATE cycles SET {', '.join(f'{name} = {latest}' for name in _SEQUENCES)}")
    op.create_table(
        "cycle_setups",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("setup", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_cycle_setups_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("cycle_id", name=op.f("pk_cycle_setups")),
    )


def downgrade() -> None:
    op.drop_table("cycle_setups")
    with op.batch_alter_table("cycles") as batch:
        for name in reversed(_SEQUENCES):
            batch.drop_column(name)

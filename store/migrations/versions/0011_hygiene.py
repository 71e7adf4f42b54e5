"""Why a delivery failed for good, as a code the board's page puts in words.

Revision ID: 0011_hygiene
Revises: 0010_identity
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_hygiene"
down_revision = "0010_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("failure_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("failure_reason")

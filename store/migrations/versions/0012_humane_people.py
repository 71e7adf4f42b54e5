"""Which device a console session signed in from (a few words from its browser), so a
person can tell their signed-in devices apart and end one.

Revision ID: 0012_humane_people
Revises: 0011_hygiene
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_humane_people"
down_revision = "0012_humane_confirm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_sessions") as batch:
        batch.add_column(sa.Column("device", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_column("device")

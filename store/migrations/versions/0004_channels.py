"""Notification channels and deadline configuration: per-person channel preferences,
municipality deadline rules and council overrides, and the deliveries outbox.

Revision ID: 0002_channels
Revises: 0002_board
Create Date: 2026-11-21 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_channels"
down_revision = "0002_board"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities") as batch:
        batch.add_column(sa.Column("deadline_rules", sa.JSON(), nullable=True))
    with op.batch_alter_table("councils") as batch:
        batch.add_column(sa.Column("deadline_overrides", sa.JSON(), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("notify_email", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("notify_webhook", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_key", sa.String(length=420), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_deliveries_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_deliveries_notification_id_notifications"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["people.id"], name=op.f("fk_deliveries_recipient_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_deliveries_delivery_key")),
    )
    op.create_index(
        "ix_deliveries_council_id_fiscal_year_status",
        "deliveries",
        ["council_id", "fiscal_year", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_deliveries_notification_id"), "deliveries", ["notification_id"], unique=False
    )
    op.create_index(
        op.f("ix_deliveries_recipient_id"), "deliveries", ["recipient_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_deliveries_recipient_id"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_notification_id"), table_name="deliveries")
    op.drop_index("ix_deliveries_council_id_fiscal_year_status", table_name="deliveries")
    op.drop_table("deliveries")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("notify_webhook")
        batch.drop_column("notify_email")
    with op.batch_alter_table("councils") as batch:
        batch.drop_column("deadline_overrides")
    with op.batch_alter_table("municipalities") as batch:
        batch.drop_column("deadline_rules")

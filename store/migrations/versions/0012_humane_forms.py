"""Plan drafts: the plan form saved before it is submitted, one per council and year.

Revision ID: 0012_humane_forms
Revises: 0012_humane_people
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_humane_forms"
down_revision = "0012_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name="fk_plan_drafts_council_id_councils"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan_drafts"),
        sa.UniqueConstraint(
            "council_id", "fiscal_year", name="uq_plan_drafts_council_id_fiscal_year"
        ),
    )


def downgrade() -> None:
    op.drop_table("plan_drafts")

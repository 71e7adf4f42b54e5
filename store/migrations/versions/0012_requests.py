"""Volunteer requests, their answers, notices and public applications; name consents;
the coordinator's newsletter.

Revision ID: 0012_requests
Revises: 0011_hygiene
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_requests"
down_revision = "0012_opinions_survey"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "volunteer_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_key", sa.String(160), nullable=False, unique=True),
        sa.Column("council_id", sa.String(64), sa.ForeignKey("councils.id"), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("needed", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.String(5), nullable=True),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.UniqueConstraint("council_id", "fiscal_year", "number"),
    )
    op.create_index("ix_volunteer_requests_council_id", "volunteer_requests", ["council_id"])
    op.create_table(
        "volunteer_request_answers",
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("volunteer_requests.id"), primary_key=True
        ),
        sa.Column("volunteer_id", sa.String(64), sa.ForeignKey("volunteers.id"), primary_key=True),
        sa.Column("place", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", _TZ, nullable=False),
    )
    op.create_index(
        "ix_volunteer_request_answers_volunteer_id", "volunteer_request_answers", ["volunteer_id"]
    )
    op.create_table(
        "volunteer_request_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("volunteer_requests.id"), nullable=False
        ),
        sa.Column("volunteer_id", sa.String(64), sa.ForeignKey("volunteers.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("sent_at", _TZ, nullable=True),
        sa.UniqueConstraint("request_id", "version", "kind", "volunteer_id"),
    )
    op.create_index(
        "ix_volunteer_request_notices_request_id", "volunteer_request_notices", ["request_id"]
    )
    op.create_index(
        "ix_volunteer_request_notices_volunteer_id", "volunteer_request_notices", ["volunteer_id"]
    )
    op.create_table(
        "volunteer_applications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("volunteer_requests.id"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("contact", sa.String(320), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("name_public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("applied_at", _TZ, nullable=False),
        sa.Column("decided_at", _TZ, nullable=True),
        sa.Column("volunteer_id", sa.String(64), nullable=True),
    )
    op.create_index(
        "ix_volunteer_applications_request_id", "volunteer_applications", ["request_id"]
    )
    op.create_table(
        "volunteer_name_consents",
        sa.Column("volunteer_id", sa.String(64), sa.ForeignKey("volunteers.id"), primary_key=True),
        sa.Column("given_at", _TZ, nullable=False),
    )
    op.create_table(
        "newsletters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("council_id", sa.String(64), sa.ForeignKey("councils.id"), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        sa.Column("published_at", _TZ, nullable=False),
        sa.UniqueConstraint("council_id", "fiscal_year"),
    )


def downgrade() -> None:
    for name in (
        "newsletters",
        "volunteer_name_consents",
        "volunteer_applications",
        "volunteer_request_notices",
        "volunteer_request_answers",
        "volunteer_requests",
    ):
        op.drop_table(name)

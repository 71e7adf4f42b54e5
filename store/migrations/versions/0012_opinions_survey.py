"""The council's opinions (意見申出) and the school-evaluation survey; the municipality's
answer period for opinions.

Revision ID: 0012_opinions_survey
Revises: 0011_hygiene
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_opinions_survey"
down_revision = "0012_fast"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities") as batch:
        batch.add_column(sa.Column("opinion_rules", sa.JSON(), nullable=True))
    op.create_table(
        "council_opinions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("command_id", sa.String(length=100), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("addressee", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("drafted_by", sa.String(length=64), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approve", sa.Integer(), nullable=True),
        sa.Column("reject", sa.Integer(), nullable=True),
        sa.Column("eligible", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_due", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerts_sent", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_opinions_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_opinions")),
        sa.UniqueConstraint("command_id", name=op.f("uq_council_opinions_command_id")),
        sa.UniqueConstraint(
            "council_id",
            "fiscal_year",
            "number",
            name=op.f("uq_council_opinions_council_id_fiscal_year_number"),
        ),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_council_opinions_workflow_id")),
    )
    op.create_index(op.f("ix_council_opinions_council_id"), "council_opinions", ["council_id"])
    op.create_index(op.f("ix_council_opinions_status"), "council_opinions", ["status"])
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("link_token", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_surveys_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint(
            "council_id", "fiscal_year", name=op.f("uq_surveys_council_id_fiscal_year")
        ),
        sa.UniqueConstraint("link_token", name=op.f("uq_surveys_link_token")),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_surveys_workflow_id")),
    )
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("comment_status", sa.String(length=32), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_answers_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint("survey_id", "device", name=op.f("uq_survey_answers_survey_id_device")),
    )
    op.create_index(op.f("ix_survey_answers_survey_id"), "survey_answers", ["survey_id"])


def downgrade() -> None:
    op.drop_table("survey_answers")
    op.drop_table("surveys")
    op.drop_table("council_opinions")
    with op.batch_alter_table("municipalities") as batch:
        batch.drop_column("opinion_rules")

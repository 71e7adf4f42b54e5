"""Volunteer registry, community resource list, coordination tasks and activity records.

Revision ID: 0002_tasks
Revises: 0001
Create Date: 2026-11-21 01:23:36.143628
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_tasks"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_resources_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_index(
        op.f("ix_resources_municipality_id"), "resources", ["municipality_id"], unique=False
    )
    op.create_table(
        "volunteers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("fields_of_help", sa.JSON(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("consent_to_contact", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_volunteers_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
    )
    op.create_index(
        op.f("ix_volunteers_municipality_id"), "volunteers", ["municipality_id"], unique=False
    )
    op.create_table(
        "activity_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("children", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("cancel_reason", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_activity_records_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_records")),
        sa.UniqueConstraint(
            "cycle_id", "activity_id", name=op.f("uq_activity_records_cycle_id_activity_id")
        ),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=80), nullable=False),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("waive_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_tasks_cycle_id_cycles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("cycle_id", "task_id", name=op.f("uq_tasks_cycle_id_task_id")),
    )
    op.create_index(op.f("ix_tasks_owner_id"), "tasks", ["owner_id"], unique=False)
    op.create_table(
        "activity_record_volunteers",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["activity_records.id"],
            name=op.f("fk_activity_record_volunteers_record_id_activity_records"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_activity_record_volunteers_volunteer_id_volunteers"),
        ),
        sa.PrimaryKeyConstraint(
            "record_id", "volunteer_id", name=op.f("pk_activity_record_volunteers")
        ),
    )
    op.create_index(
        op.f("ix_activity_record_volunteers_volunteer_id"),
        "activity_record_volunteers",
        ["volunteer_id"],
        unique=False,
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    op.drop_table("activity_record_volunteers")
    op.drop_table("tasks")
    op.drop_table("activity_records")
    op.drop_table("volunteers")
    op.drop_table("resources")

"""Initial schema: municipalities, councils, people, cycles and their projections.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 01:09:10.650129
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefecture", sa.String(length=50), nullable=False),
        sa.Column("vote_rule", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
    )
    op.create_table(
        "councils",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("designated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_councils_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
    )
    op.create_index(
        op.f("ix_councils_municipality_id"), "councils", ["municipality_id"], unique=False
    )

    op.create_table(
        "districts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model_from_year", sa.Integer(), nullable=True),
        sa.Column("model_to_year", sa.Integer(), nullable=True),
        sa.Column("model_budget_yen", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_districts_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
    )
    op.create_index(
        op.f("ix_districts_municipality_id"), "districts", ["municipality_id"], unique=False
    )

    op.create_table(
        "people",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kana", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("webhook_url", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_people_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_municipality_id"), "people", ["municipality_id"], unique=False)

    op.create_table(
        "council_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_members_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_council_members_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_members")),
        sa.UniqueConstraint(
            "council_id",
            "person_id",
            "role",
            name=op.f("uq_council_members_council_id_person_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_council_members_person_id"), "council_members", ["person_id"], unique=False
    )

    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("step_opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=100), nullable=False),
        sa.Column("carried_over", sa.JSON(), nullable=False),
        sa.Column("vision", sa.Text(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_cycles_council_id_councils")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
        sa.UniqueConstraint(
            "council_id", "fiscal_year", name=op.f("uq_cycles_council_id_fiscal_year")
        ),
    )
    op.create_index(op.f("ix_cycles_fiscal_year"), "cycles", ["fiscal_year"], unique=False)
    op.create_index(op.f("ix_cycles_step"), "cycles", ["step"], unique=False)

    op.create_table(
        "municipality_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipality_staff_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_municipality_staff_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality_staff")),
        sa.UniqueConstraint(
            "municipality_id",
            "person_id",
            "role",
            name=op.f("uq_municipality_staff_municipality_id_person_id_role"),
        ),
    )
    op.create_index(
        op.f("ix_municipality_staff_person_id"), "municipality_staff", ["person_id"], unique=False
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=400), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), server_default="inbox", nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_notifications_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["people.id"], name=op.f("fk_notifications_recipient_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("business_key", name=op.f("uq_notifications_business_key")),
    )
    op.create_index(
        op.f("ix_notifications_council_id"), "notifications", ["council_id"], unique=False
    )
    op.create_index(
        "ix_notifications_recipient_id_read_at",
        "notifications",
        ["recipient_id", "read_at"],
        unique=False,
    )

    op.create_table(
        "schools",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("municipality_id", sa.String(length=64), nullable=False),
        sa.Column("district_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_schools_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_schools_municipality_id_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_index(op.f("ix_schools_district_id"), "schools", ["district_id"], unique=False)
    op.create_index(
        op.f("ix_schools_municipality_id"), "schools", ["municipality_id"], unique=False
    )

    op.create_table(
        "aims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("aim_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_aims_cycle_id_cycles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aims")),
        sa.UniqueConstraint("cycle_id", "aim_id", name=op.f("uq_aims_cycle_id_aim_id")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_before", sa.String(length=32), nullable=False),
        sa.Column("step_after", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("command", sa.JSON(), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_audit_events_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_audit_events_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint(
            "council_id",
            "fiscal_year",
            "seq",
            name=op.f("uq_audit_events_council_id_fiscal_year_seq"),
        ),
    )
    op.create_index(
        "ix_audit_events_council_id_at", "audit_events", ["council_id", "at"], unique=False
    )
    op.create_index(op.f("ix_audit_events_cycle_id"), "audit_events", ["cycle_id"], unique=False)

    op.create_table(
        "council_schools",
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_council_schools_council_id_councils")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_council_schools_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("council_id", "school_id", name=op.f("pk_council_schools")),
    )
    op.create_index(
        op.f("ix_council_schools_school_id"), "council_schools", ["school_id"], unique=False
    )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("aim_id", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("evaluated_by", sa.String(length=64), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_evaluations_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("cycle_id", "aim_id", name=op.f("uq_evaluations_cycle_id_aim_id")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendance", sa.JSON(), nullable=False),
        sa.Column("attendance_count", sa.Integer(), nullable=False),
        sa.Column("minutes_public", sa.Text(), nullable=False),
        sa.Column("minutes_closed", sa.Text(), nullable=False),
        sa.Column("vision_draft", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_meetings_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("cycle_id", "number", name=op.f("uq_meetings_cycle_id_number")),
    )
    op.create_table(
        "plan_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_plan_activities_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activities")),
        sa.UniqueConstraint(
            "cycle_id", "activity_id", name=op.f("uq_plan_activities_cycle_id_activity_id")
        ),
    )
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("approve", sa.Integer(), nullable=True),
        sa.Column("reject", sa.Integer(), nullable=True),
        sa.Column("eligible", sa.Integer(), nullable=True),
        sa.Column("cast", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_policy_versions_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint(
            "cycle_id", "version", name=op.f("uq_policy_versions_cycle_id_version")
        ),
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("ballot", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_votes_cycle_id_cycles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.UniqueConstraint(
            "cycle_id", "version", "member_id", name=op.f("uq_votes_cycle_id_version_member_id")
        ),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    op.drop_table("votes")
    op.drop_table("policy_versions")
    op.drop_table("plan_activities")
    op.drop_table("meetings")
    op.drop_table("evaluations")
    op.drop_table("council_schools")
    op.drop_table("audit_events")
    op.drop_table("aims")
    op.drop_table("schools")
    op.drop_table("notifications")
    op.drop_table("municipality_staff")
    op.drop_table("cycles")
    op.drop_table("council_members")
    op.drop_table("people")
    op.drop_table("districts")
    op.drop_table("councils")
    op.drop_table("municipalities")

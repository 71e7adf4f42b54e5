"""The web console's sign-in state: link tokens, sessions, rate-limit events, passkeys
and WebAuthn challenges.

Revision ID: 0006_console
Revises: 0007_access_audit
Create Date: 2026-11-29 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_console"
down_revision = "0007_access_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sign_in_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_console_sign_in_tokens_person_id_people")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_sign_in_tokens")),
    )
    op.create_index(
        op.f("ix_console_sign_in_tokens_person_id"), "console_sign_in_tokens", ["person_id"]
    )
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("passkey_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_console_sessions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_person_id"), "console_sessions", ["person_id"])
    op.create_table(
        "console_rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_rate_events")),
    )
    op.create_index(op.f("ix_console_rate_events_bucket"), "console_rate_events", ["bucket"])
    op.create_table(
        "console_passkeys",
        sa.Column("credential_id", sa.String(length=512), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_console_passkeys_person_id_people")
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_console_passkeys")),
    )
    op.create_index(op.f("ix_console_passkeys_person_id"), "console_passkeys", ["person_id"])
    op.create_table(
        "console_webauthn_challenges",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("challenge", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_console_webauthn_challenges")),
    )


def downgrade() -> None:
    op.drop_table("console_webauthn_challenges")
    op.drop_index(op.f("ix_console_passkeys_person_id"), table_name="console_passkeys")
    op.drop_table("console_passkeys")
    op.drop_index(op.f("ix_console_rate_events_bucket"), table_name="console_rate_events")
    op.drop_table("console_rate_events")
    op.drop_index(op.f("ix_console_sessions_person_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_index(op.f("ix_console_sign_in_tokens_person_id"), table_name="console_sign_in_tokens")
    op.drop_table("console_sign_in_tokens")

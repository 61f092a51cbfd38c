"""agents, sessions, handoff lifecycle, notes, phone reveal audit, canned replies, CSAT surveys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 07:59:24.822104
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failures_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["agents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_console_sessions_agent_id"), ["agent_id"], unique=False)

    op.create_table(
        "csat_surveys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("identity_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("ticket_reference", sa.String(length=20), nullable=True),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("csat_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_csat_surveys_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index("ix_csat_surveys_identity_step", ["identity_id", "step"], unique=False)

    op.create_table(
        "internal_notes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("internal_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_internal_notes_conversation_id"), ["conversation_id"], unique=False)

    op.create_table(
        "phone_reveals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone_reveals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_reveals_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_reveals_conversation_id"), ["conversation_id"], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_agent_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            "fk_conversations_assigned_agent_id_agents", "agents", ["assigned_agent_id"], ["id"]
        )

    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.String(length=8), server_default="normal", nullable=False))
        batch_op.add_column(sa.Column("agent_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ticket_offered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_handoff_requests_ended_at", ["ended_at"], unique=False)
        batch_op.create_foreign_key("fk_handoff_requests_agent_id_agents", "agents", ["agent_id"], ["id"])

    # Requests recorded before handoffs had a lifecycle never entered a queue.
    op.execute("UPDATE handoff_requests SET ended_at = created_at")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agent_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key("fk_messages_agent_id_agents", "agents", ["agent_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("fk_messages_agent_id_agents", type_="foreignkey")
        batch_op.drop_column("agent_id")

    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_handoff_requests_agent_id_agents", type_="foreignkey")
        batch_op.drop_index("ix_handoff_requests_ended_at")
        batch_op.drop_column("outcome")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("ticket_offered_at")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("agent_id")
        batch_op.drop_column("priority")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_conversations_assigned_agent_id_agents", type_="foreignkey")
        batch_op.drop_column("assigned_agent_id")

    with op.batch_alter_table("phone_reveals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_reveals_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_phone_reveals_agent_id"))

    op.drop_table("phone_reveals")
    with op.batch_alter_table("internal_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internal_notes_conversation_id"))

    op.drop_table("internal_notes")
    with op.batch_alter_table("csat_surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_csat_surveys_identity_step")
        batch_op.drop_index(batch_op.f("ix_csat_surveys_conversation_id"))

    op.drop_table("csat_surveys")
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_sessions_agent_id"))

    op.drop_table("console_sessions")
    op.drop_table("canned_replies")
    op.drop_table("agents")

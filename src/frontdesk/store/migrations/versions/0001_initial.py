"""The first schema: businesses, conversations and their tags, messages, turns, tool runs, exchanges.

Revision ID: 0001
Revises:
Create Date: 2026-03-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontdesk.store.models import UTCDateTime, json_type

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "businesses",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_businesses")),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("business", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_ref", sa.String(255), nullable=True),
        sa.Column("caller_id", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("guard_state", json_type(), nullable=True),
        sa.Column("model_history", json_type(), nullable=False),
        sa.Column("outcome_tags", json_type(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business"], ["businesses.id"], name=op.f("fk_conversations_business_businesses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index("ix_conversations_thread", "conversations", ["business", "channel", "external_ref"])
    op.create_index("ix_conversations_business_created", "conversations", ["business", "created_at"])
    op.create_table(
        "conversation_tags",
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_tags_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "tag", name=op.f("pk_conversation_tags")),
    )
    op.create_index("ix_conversation_tags_tag", "conversation_tags", ["tag"])
    op.create_table(
        "messages",
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "seq", name=op.f("pk_messages")),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("customer_message_seq", sa.Integer(), nullable=False),
        sa.Column("reply_seq", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("failover", sa.Boolean(), nullable=False),
        sa.Column("usage", json_type(), nullable=True),
        sa.Column("timings", json_type(), nullable=False),
        sa.Column("violations", json_type(), nullable=False),
        sa.Column("violation_count", sa.Integer(), nullable=False),
        sa.Column("tags", json_type(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_turns_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
    )
    op.create_index("ix_turns_conversation", "turns", ["conversation_id", "created_at"])
    op.create_table(
        "tool_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("turn_id", sa.String(64), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("tool_id", sa.String(64), nullable=False),
        sa.Column("arguments", json_type(), nullable=False),
        sa.Column("result", json_type(), nullable=False),
        sa.Column("started", sa.Float(), nullable=False),
        sa.Column("elapsed", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["turns.id"], name=op.f("fk_tool_runs_turn_id_turns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_runs")),
        sa.UniqueConstraint("turn_id", "index", name=op.f("uq_tool_runs_turn_id")),
    )
    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tool_run_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("data", json_type(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tool_run_id"],
            ["tool_runs.id"],
            name=op.f("fk_exchanges_tool_run_id_tool_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
        sa.UniqueConstraint("tool_run_id", "index", name=op.f("uq_exchanges_tool_run_id")),
    )


def downgrade() -> None:
    for table in ("exchanges", "tool_runs", "turns", "messages", "conversation_tags", "conversations"):
        op.drop_table(table)
    op.drop_table("businesses")

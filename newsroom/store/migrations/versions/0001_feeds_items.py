"""Feeds, items and ingest runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from newsroom.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topic", sa.String(100), nullable=False, index=True),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("next_check_at", UTCDateTime),
        sa.Column("last_checked_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("parse_warning", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("topic", "source_url", name="uq_feeds_topic_source_url"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feeds.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("guid", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("author", sa.Text),
        sa.Column("published_at", UTCDateTime, index=True),
        sa.Column("language", sa.String(16), index=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("full_text", sa.Text),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime),
    )
    op.create_index("ix_items_feed_id", "items", ["feed_id"])
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=False),
        sa.Column("feeds", sa.Integer, nullable=False),
        sa.Column("new_items", sa.Integer, nullable=False),
        sa.Column("updated_items", sa.Integer, nullable=False),
        sa.Column("failing_feeds", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ingest_runs")
    op.drop_index("ix_items_feed_id", "items")
    op.drop_table("items")
    op.drop_table("feeds")

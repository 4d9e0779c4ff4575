"""The tables, as SQLAlchemy Core metadata (the migrations create them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(100), nullable=False, index=True),
    Column("source_url", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("name", Text),
    Column("title", Text),
    Column("language", String(16)),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_check_at", UTCDateTime),
    Column("last_checked_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("parse_warning", Text),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("disabled_reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("topic", "source_url", name="uq_feeds_topic_source_url"),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("key", String(64), nullable=False, unique=True),
    Column("guid", Text),
    Column("url", Text),
    Column("title", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    Column("author", Text),
    Column("published_at", UTCDateTime, index=True),
    Column("language", String(16), index=True),
    Column("content_hash", String(64), nullable=False),
    Column("full_text", Text),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topics", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("feeds", Integer, nullable=False),
    Column("new_items", Integer, nullable=False),
    Column("updated_items", Integer, nullable=False),
    Column("failing_feeds", Integer, nullable=False),
)

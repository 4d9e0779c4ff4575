"""The tables, as SQLAlchemy Core metadata (the migrations create them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
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

runs = Table(
    "runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("topic", String(100), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("options", JSON, nullable=False),  # RunOptions, to resume with the same ones
    Column("summary", JSON),
    Column("error", Text),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("run_id", String(40), ForeignKey("runs.id"), nullable=False, index=True),
    Column("topic", String(100), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("story", JSON, nullable=False),  # the Story model as the curator made it
    Column("item_keys", JSON, nullable=False),
    Column("failure_reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("story_id", String(64), ForeignKey("stories.id"), nullable=False, index=True),
    Column("run_id", String(40), nullable=False, index=True),
    Column("topic", String(100), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("headline", Text, nullable=False),
    Column("draft", JSON, nullable=False),  # the Draft model
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

llm_calls = Table(
    "llm_calls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(40), index=True),
    Column("story_id", String(64), index=True),
    Column("agent", String(40), nullable=False),
    Column("task", String(80), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("model", String(200), nullable=False),
    Column("template_hash", String(64)),
    Column("tokens_in", Integer, nullable=False, default=0),
    Column("tokens_out", Integer, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
    Column("latency_ms", Integer, nullable=False, default=0),
    Column("outcome", String(20), nullable=False),  # ok, cached, repaired, failed
    Column("error", Text),
    Column("cache_key", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
)

llm_cache = Table(
    "llm_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("model", String(200), nullable=False),
    Column("response", Text, nullable=False),  # the validated JSON answer
    Column("tokens_in", Integer, nullable=False, default=0),
    Column("tokens_out", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
)

# A draft's row carries its lock counter; every write checks and bumps it.
drafts.append_column(Column("revision", Integer, nullable=False, default=0))
drafts.append_column(Column("published_at", UTCDateTime))

draft_versions = Table(
    "draft_versions",
    metadata,
    Column("draft_id", String(64), ForeignKey("drafts.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("draft", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

review_actions = Table(
    "review_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", String(64), ForeignKey("drafts.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("note", Text),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("applied_at", UTCDateTime),
)

# Editors' accounts for the web page; passwords are stored only as argon2 hashes.
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(20), nullable=False),  # editor or admin
    Column("password_hash", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Server-side sessions: the cookie carries a random token, the table only its SHA-256,
# so logging out (deleting the row) really ends a session and a leaked table grants none.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "user_name",
        String(64),
        ForeignKey("users.name", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# Failed logins, kept in the database so throttling holds across workers and restarts.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
)

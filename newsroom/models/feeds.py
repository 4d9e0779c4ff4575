"""Feeds, items and ingest runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, HttpUrl, field_validator

from newsroom.models.base import Model


class FeedSpec(Model):
    """One feed as a topic file lists it."""

    url: str
    name: str | None = None
    language: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        HttpUrl(value)  # validates scheme and host; the string itself is kept as written
        return value


class Topic(Model):
    """A topic file: what the desk covers, in which languages, from which feeds."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    keywords: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    analyst: str
    min_outlets: int = Field(2, ge=1)
    feeds: list[FeedSpec] = Field(default_factory=list)


class Feed(Model):
    """A feed as the store knows it, with its fetch state."""

    id: int
    topic: str
    source_url: str
    url: str
    name: str | None = None
    title: str | None = None
    language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_check_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    parse_warning: str | None = None
    disabled: bool = False
    disabled_reason: str | None = None
    item_count: int = 0


class ParsedItem(Model):
    """One entry of a feed, sanitized to text and keyed, before it is stored."""

    key: str
    guid: str | None = None
    url: str | None = None
    title: str = ""
    summary: str = ""
    content: str = ""
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    content_hash: str


class Item(ParsedItem):
    """A stored item."""

    id: int
    feed_id: int
    fetched_at: datetime
    updated_at: datetime | None = None
    full_text: str | None = None


class ParsedFeed(Model):
    """What one feed document yielded."""

    title: str | None = None
    language: str | None = None
    ttl_minutes: int | None = None
    items: list[ParsedItem] = Field(default_factory=list)
    warning: str | None = None


class FetchResult(Model):
    """One HTTP exchange for a feed or page, after redirects."""

    status: int
    url: str
    permanent_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    retry_after_seconds: float | None = None
    max_age_seconds: float | None = None
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FeedStatus(StrEnum):
    NEW_ITEMS = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"
    DISABLED = "disabled"


class FeedOutcome(Model):
    """What ingesting one feed did."""

    feed_id: int
    url: str
    status: FeedStatus
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    warning: str | None = None


class IngestReport(Model):
    """The summary of one ingest run."""

    topics: list[str]
    started_at: datetime
    finished_at: datetime
    outcomes: list[FeedOutcome] = Field(default_factory=list)
    full_text_fetched: int = 0

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def updated(self) -> int:
        return sum(o.updated for o in self.outcomes)

    @property
    def failing(self) -> int:
        return sum(o.status in (FeedStatus.FAILED, FeedStatus.DISABLED) for o in self.outcomes)

    def summary(self) -> dict[str, int | float]:
        return {
            "feeds": len(self.outcomes),
            "new": self.new,
            "updated": self.updated,
            "not_modified": sum(o.status == FeedStatus.NOT_MODIFIED for o in self.outcomes),
            "failing": self.failing,
            "full_text": self.full_text_fetched,
            "seconds": round((self.finished_at - self.started_at).total_seconds(), 3),
        }


class StoreStatus(Model):
    """What `newsroom status` shows."""

    feeds: int
    feeds_failing: int
    feeds_disabled: int
    items: int
    items_by_language: dict[str, int]
    last_ingest_at: datetime | None = None

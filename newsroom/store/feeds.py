"""Feeds in the store: syncing them from topic files, their fetch state, enabling them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, and_, func, or_, select, update

from newsroom.models import Feed, FeedSpec
from newsroom.store.schema import feeds, items
from newsroom.store.upsert import insert_ignoring_conflicts


def sync_feeds(engine: Engine, topic: str, specs: list[FeedSpec], now: datetime) -> list[Feed]:
    """Make sure every feed a topic lists has a row; returns those feeds as stored.

    A row is keyed by the URL the topic file lists (source_url), so a feed that moved
    with a 301 keeps its history and is not added again under its old address.
    """
    rows = [
        {
            "topic": topic,
            "source_url": spec.url,
            "url": spec.url,
            "name": spec.name,
            "language": spec.language,
            "created_at": now,
            "error_count": 0,
            "disabled": False,
        }
        for spec in specs
    ]
    with engine.begin() as connection:
        insert_ignoring_conflicts(connection, feeds, rows, ["topic", "source_url"])
        for spec in specs:
            # Names and languages are edited in the topic file; follow them.
            connection.execute(
                update(feeds)
                .where(feeds.c.topic == topic, feeds.c.source_url == spec.url)
                .values(name=spec.name, language=spec.language)
            )
    wanted = {spec.url for spec in specs}
    return [feed for feed in list_feeds(engine, topic=topic) if feed.source_url in wanted]


def list_feeds(engine: Engine, *, topic: str | None = None) -> list[Feed]:
    counts = (
        select(items.c.feed_id, func.count().label("item_count"))
        .group_by(items.c.feed_id)
        .subquery()
    )
    query = (
        select(feeds, func.coalesce(counts.c.item_count, 0).label("item_count"))
        .outerjoin(counts, counts.c.feed_id == feeds.c.id)
        .order_by(feeds.c.topic, feeds.c.id)
    )
    if topic is not None:
        query = query.where(feeds.c.topic == topic)
    with engine.connect() as connection:
        return [Feed.model_validate(_feed_row(row)) for row in connection.execute(query)]


def get_feed(engine: Engine, feed_id: int) -> Feed | None:
    with engine.connect() as connection:
        row = connection.execute(select(feeds).where(feeds.c.id == feed_id)).first()
    return Feed.model_validate(_feed_row(row)) if row else None


def due_feeds(engine: Engine, topics: list[str], now: datetime, *, force: bool) -> list[Feed]:
    """Enabled feeds of these topics whose next check has come (all of them with force)."""
    return [
        feed
        for topic in topics
        for feed in list_feeds(engine, topic=topic)
        if not feed.disabled and (force or feed.next_check_at is None or feed.next_check_at <= now)
    ]


def record_fetch(engine: Engine, feed_id: int, **values: object) -> None:
    """Write fetch state (etag, next_check_at, errors...) for one feed."""
    with engine.begin() as connection:
        connection.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def set_enabled(engine: Engine, topic: str | None, url: str, enabled: bool) -> int:
    """Enable (resetting its errors and schedule) or disable a feed by URL; returns rows changed."""
    condition = or_(feeds.c.url == url, feeds.c.source_url == url)
    if topic is not None:
        condition = and_(condition, feeds.c.topic == topic)
    values: dict[str, object] = (
        {"disabled": False, "disabled_reason": None, "error_count": 0, "next_check_at": None}
        if enabled
        else {"disabled": True, "disabled_reason": "removed from its topic file"}
    )
    with engine.begin() as connection:
        return connection.execute(update(feeds).where(condition).values(**values)).rowcount


def _feed_row(row: object) -> dict[str, object]:
    data = dict(row._mapping)  # type: ignore[attr-defined]
    data.pop("created_at", None)
    return data

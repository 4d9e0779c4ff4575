"""The items a desk run may work with, read from the store as the desk's Candidates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select

from newsroom.models import Candidate
from newsroom.store.schema import feeds, items

# A run looks at the week up to the topic's newest item, so a re-run or the demo corpus
# on a later day still finds its news.
WINDOW = timedelta(days=7)


def topic_candidates(engine: Engine, topic: str, *, exclude: set[int]) -> list[Candidate]:
    when = func.coalesce(items.c.published_at, items.c.fetched_at)
    with engine.connect() as connection:
        newest = connection.execute(
            select(func.max(when))
            .join(feeds, feeds.c.id == items.c.feed_id)
            .where(feeds.c.topic == topic)
        ).scalar_one_or_none()
        if newest is None:
            return []
        rows = connection.execute(
            select(items, func.coalesce(feeds.c.name, feeds.c.title, feeds.c.url).label("outlet"))
            .join(feeds, feeds.c.id == items.c.feed_id)
            .where(feeds.c.topic == topic, when >= newest - WINDOW)
            .order_by(items.c.id)
        ).all()
    return [
        Candidate(
            item_id=row.id,
            feed_id=row.feed_id,
            outlet=row.outlet,
            title=row.title,
            text=_longest(row.full_text, row.content, row.summary) or row.title,
            url=row.url,
            published_at=row.published_at,
            language=row.language,
        )
        for row in rows
        if row.id not in exclude
    ]


def _longest(*texts: str | None) -> str:
    return max((t or "" for t in texts), key=len)

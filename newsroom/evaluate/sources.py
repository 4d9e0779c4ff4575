"""The stored items a draft's source list points at: the text its citations are scored against.

A draft lists its sources as SourceRef (outlet, title, URL, time) without the item id, so
each is looked up in the items table by URL within the draft's topic, then by title. The
evaluation reads the item as ingested, not the copy the desk worked from, so a source the
desk misquoted or invented is measured against what the feed really said.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, func, or_, select

from newsroom.models import Draft, Model, SourceRef, Story
from newsroom.store.schema import feeds, items, stories


class StoredSource(Model):
    """One entry of a draft's source list, as the store holds it."""

    n: int
    item_id: int | None = None  # None: no stored item matches the listed source
    outlet: str | None = None
    title: str = ""
    published: datetime | None = None
    language: str | None = None
    text: str = ""  # the item's longest text: full text, else content, else summary
    translation: str | None = None  # the desk translator's English rendering, if any
    matches_listing: bool = False  # the stored outlet and title are those the draft lists

    @property
    def found(self) -> bool:
        return self.item_id is not None

    def original(self) -> str:
        return f"{self.title}\n{self.text}".strip()


def stored_sources(engine: Engine, draft: Draft) -> dict[int, StoredSource]:
    """Each listed source's stored item, keyed by its number in the draft."""
    urls = [ref.url for ref in draft.sources if ref.url]
    titles = [ref.title for ref in draft.sources]
    outlet = func.coalesce(feeds.c.name, feeds.c.title, feeds.c.url).label("outlet")
    with engine.connect() as connection:
        rows = connection.execute(
            select(items, outlet)
            .join(feeds, feeds.c.id == items.c.feed_id)
            .where(feeds.c.topic == draft.topic)
            .where(or_(items.c.url.in_(urls), items.c.title.in_(titles)))
            .order_by(items.c.id)
        ).all()
        story = connection.execute(
            select(stories.c.story).where(stories.c.id == draft.story_id)
        ).scalar_one_or_none()
    translations = _translations(story)
    return {ref.n: _resolve(ref, rows, translations) for ref in draft.sources}


def _resolve(
    ref: SourceRef, rows: Sequence[Row[Any]], translations: dict[int, str]
) -> StoredSource:
    by_url = [r for r in rows if ref.url and r.url == ref.url]
    by_title = [r for r in rows if r.title == ref.title]
    # The URL names the item; among several (a feed listed twice), the one with the title.
    candidates = [r for r in by_url if r.title == ref.title] or by_url or by_title
    if not candidates:
        return StoredSource(n=ref.n, title=ref.title)
    row = candidates[0]
    return StoredSource(
        n=ref.n,
        item_id=row.id,
        outlet=row.outlet,
        title=row.title,
        published=row.published_at,
        language=row.language,
        text=max((row.full_text or "", row.content or "", row.summary or ""), key=len),
        translation=translations.get(row.id),
        matches_listing=row.outlet == ref.outlet and row.title == ref.title,
    )


def _translations(story_json: object) -> dict[int, str]:
    """The translator's English per item id, from the story as the curator recorded it."""
    if story_json is None:
        return {}
    story = Story.model_validate(story_json)
    return {
        c.item_id: f"{c.title_en or ''}\n{c.text_en}".strip() for c in story.candidates if c.text_en
    }

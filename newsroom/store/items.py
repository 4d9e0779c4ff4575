"""Items in the store: saving parsed entries without duplicates, full text, counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select, update

from newsroom.models import Item, ParsedItem
from newsroom.store.schema import feeds, items
from newsroom.store.upsert import insert_ignoring_conflicts


@dataclass(frozen=True)
class SaveCounts:
    new: int
    updated: int
    unchanged: int
    new_ids: list[int]


def save_items(
    engine: Engine,
    feed_id: int,
    parsed: list[ParsedItem],
    now: datetime,
    feed_state: dict[str, object] | None = None,
) -> SaveCounts:
    """Insert new items and update those whose content hash changed; with `feed_state`,
    the feed's fetch state is written in the same transaction.

    The unique key makes this safe even if two processes save the same feed at once:
    the second insert of a key is skipped, never duplicated.
    """
    first_by_key: dict[str, ParsedItem] = {}
    for item in parsed:
        first_by_key.setdefault(item.key, item)
    unique = list(first_by_key.values())
    keys = [item.key for item in unique]
    with engine.begin() as connection:
        existing = dict(
            connection.execute(
                select(items.c.key, items.c.content_hash).where(items.c.key.in_(keys))
            ).all()
        )
        fresh = [item for item in unique if item.key not in existing]
        changed = [
            item
            for item in unique
            if item.key in existing and existing[item.key] != item.content_hash
        ]
        insert_ignoring_conflicts(
            connection,
            items,
            [{**item.model_dump(), "feed_id": feed_id, "fetched_at": now} for item in fresh],
            ["key"],
        )
        if changed:
            connection.execute(
                update(items)
                .where(items.c.key == bindparam("b_key"))
                .values(
                    title=bindparam("title"),
                    summary=bindparam("summary"),
                    content=bindparam("content"),
                    author=bindparam("author"),
                    language=bindparam("language"),
                    content_hash=bindparam("content_hash"),
                    updated_at=bindparam("updated_at"),
                ),
                [
                    {
                        "b_key": item.key,
                        "title": item.title,
                        "summary": item.summary,
                        "content": item.content,
                        "author": item.author,
                        "language": item.language,
                        "content_hash": item.content_hash,
                        "updated_at": now,
                    }
                    for item in changed
                ],
            )
        if feed_state:
            connection.execute(update(feeds).where(feeds.c.id == feed_id).values(**feed_state))
        new_ids = (
            list(
                connection.execute(
                    select(items.c.id).where(items.c.key.in_([i.key for i in fresh]))
                ).scalars()
            )
            if fresh
            else []
        )
    return SaveCounts(
        new=len(fresh),
        updated=len(changed),
        unchanged=len(unique) - len(fresh) - len(changed),
        new_ids=new_ids,
    )


def get_items(engine: Engine, ids: list[int]) -> list[Item]:
    if not ids:
        return []
    with engine.connect() as connection:
        rows = connection.execute(select(items).where(items.c.id.in_(ids)).order_by(items.c.id))
        return [Item.model_validate(dict(row._mapping)) for row in rows]


def set_full_text(engine: Engine, item_id: int, text: str) -> None:
    with engine.begin() as connection:
        connection.execute(update(items).where(items.c.id == item_id).values(full_text=text))


def count_items(engine: Engine) -> tuple[int, dict[str, int]]:
    """All items, and items per detected language ("und" where none was detected)."""
    with engine.connect() as connection:
        # Grouped by the bare column: PostgreSQL does not take two bound "und"s as one expression.
        rows = connection.execute(
            select(items.c.language, func.count()).group_by(items.c.language)
        ).all()
    by_language: dict[str, int] = {}
    for language, count in rows:
        by_language[language or "und"] = by_language.get(language or "und", 0) + count
    return sum(by_language.values()), dict(sorted(by_language.items()))

"""Counting drafts for the queue's filters without loading every draft's text."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from newsroom.models import DraftStatus
from newsroom.store.schema import drafts


def drafts_per_status(engine: Engine, *, topic: str | None = None) -> dict[DraftStatus, int]:
    """How many drafts are in each state (every state present, zero when none)."""
    query = select(drafts.c.status, func.count()).group_by(drafts.c.status)
    if topic:
        query = query.where(drafts.c.topic == topic)
    with engine.connect() as connection:
        found = {DraftStatus(status): count for status, count in connection.execute(query)}
    return {status: found.get(status, 0) for status in DraftStatus}


def draft_topics(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(select(drafts.c.topic).distinct().order_by(drafts.c.topic)).scalars()
        )

"""Run bookkeeping and the store's health at a glance (`newsroom status`)."""

from __future__ import annotations

from sqlalchemy import Engine, func, insert, or_, select

from newsroom.models import IngestReport, StoreStatus
from newsroom.store.items import count_items
from newsroom.store.schema import feeds, ingest_runs


def record_ingest_run(engine: Engine, report: IngestReport) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(ingest_runs).values(
                topics=",".join(report.topics),
                started_at=report.started_at,
                finished_at=report.finished_at,
                feeds=len(report.outcomes),
                new_items=report.new,
                updated_items=report.updated,
                failing_feeds=report.failing,
            )
        )


def store_status(engine: Engine) -> StoreStatus:
    item_total, by_language = count_items(engine)
    with engine.connect() as connection:
        feed_total = connection.execute(select(func.count()).select_from(feeds)).scalar_one()
        failing = connection.execute(
            select(func.count())
            .select_from(feeds)
            .where(or_(feeds.c.error_count > 0, feeds.c.disabled.is_(True)))
        ).scalar_one()
        disabled = connection.execute(
            select(func.count()).select_from(feeds).where(feeds.c.disabled.is_(True))
        ).scalar_one()
        last = connection.execute(select(func.max(ingest_runs.c.finished_at))).scalar_one()
    return StoreStatus(
        feeds=feed_total,
        feeds_failing=failing,
        feeds_disabled=disabled,
        items=item_total,
        items_by_language=by_language,
        last_ingest_at=last,
    )

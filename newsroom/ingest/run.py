"""Ingesting feeds: fetch them concurrently, parse, store, and record each feed's outcome."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from http import HTTPStatus
from typing import Any, TypeVar

import httpx
from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.errors import FeedError
from newsroom.ingest.demo import DemoTransport, load_demo_corpus
from newsroom.ingest.fetch import PAGE_ACCEPT, Fetcher
from newsroom.ingest.fulltext import extract_article
from newsroom.ingest.parse import parse_feed
from newsroom.ingest.schedule import next_check_after_failure, next_check_after_success
from newsroom.models import Feed, FeedOutcome, FeedStatus, FetchResult, IngestReport, Topic
from newsroom.store.feeds import due_feeds, record_fetch, sync_feeds
from newsroom.store.items import get_items, save_items, set_full_text
from newsroom.store.status import record_ingest_run

log = logging.getLogger("newsroom.ingest")

OnFeed = Callable[[Feed, FeedOutcome], None]
T = TypeVar("T")

# Parsing and language detection are CPU-bound (feedparser, lingua hold the GIL): from this
# many feeds on, they run in one process per core; below it, starting processes costs more.
PARALLEL_PARSE_FEEDS = 32


async def ingest_feeds(
    engine: Engine,
    settings: Settings,
    feeds: list[Feed],
    languages: dict[str, list[str]],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    full_text: bool = False,
    on_feed: OnFeed | None = None,
) -> IngestReport:
    """Ingest these feeds; one feed's failure is recorded on it and never stops the others.

    `languages` maps a topic to the languages its items are detected among.
    """
    started = datetime.now(UTC)
    cores = os.cpu_count() or 1
    pool = (
        ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn"))
        if cores > 1 and len(feeds) >= PARALLEL_PARSE_FEEDS
        else None
    )
    async with Fetcher(settings, transport) as fetcher:
        desk = _FeedDesk(engine, settings, fetcher, languages, full_text, pool)

        async def one(feed: Feed) -> FeedOutcome:
            outcome = await desk.ingest(feed)
            if on_feed:
                on_feed(feed, outcome)
            return outcome

        try:
            outcomes = await asyncio.gather(*(one(feed) for feed in feeds))
        finally:
            desk.writer.shutdown()
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    return IngestReport(
        topics=sorted(languages),
        started_at=started,
        finished_at=datetime.now(UTC),
        outcomes=list(outcomes),
        full_text_fetched=desk.full_text_fetched,
    )


class _FeedDesk:
    """What one run shares between its feeds: the store, the fetcher, the counters."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        fetcher: Fetcher,
        languages: dict[str, list[str]],
        full_text: bool,
        pool: Executor | None,
    ) -> None:
        self.engine = engine
        self.pool = pool
        # SQLite has one writer; a single thread keeps writes ordered and off the event loop.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="newsroom-store")
        self.settings = settings
        self.fetcher = fetcher
        self.languages = languages
        self.full_text = full_text
        self.full_text_fetched = 0

    async def ingest(self, feed: Feed) -> FeedOutcome:
        try:
            return await self._ingest(feed)
        except FeedError as exc:
            return self._failed(feed, str(exc))
        except Exception as exc:  # a bug must cost one feed, not the run; it is logged in full
            log.exception("unexpected error ingesting %s", feed.url)
            return self._failed(feed, f"internal error: {type(exc).__name__}: {exc}")

    async def _ingest(self, feed: Feed) -> FeedOutcome:
        result = await self.fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified
        )
        now = datetime.now(UTC)
        if result.not_modified:
            await self._write(
                record_fetch, self.engine, feed.id, **self._success(feed, result, now)
            )
            return FeedOutcome(feed_id=feed.id, url=feed.url, status=FeedStatus.NOT_MODIFIED)
        if result.status == 410:
            record_fetch(
                self.engine,
                feed.id,
                disabled=True,
                disabled_reason="the server says the feed is gone (HTTP 410)",
                last_error="HTTP 410 Gone",
                last_checked_at=now,
                error_count=feed.error_count + 1,
            )
            return FeedOutcome(
                feed_id=feed.id, url=feed.url, status=FeedStatus.DISABLED, error="HTTP 410 Gone"
            )
        if result.status != 200:
            return self._failed(feed, _http_error(result), result.retry_after_seconds)
        parse = partial(
            parse_feed,
            result.body,
            feed_id=feed.id,
            content_type=result.content_type,
            languages=self.languages.get(feed.topic, []),
            declared_language=feed.language,
        )
        if self.pool is None:
            # Off the event loop: a 100,000-item feed parses for seconds, and a blocked loop
            # lets other feeds' fetch timeouts fire although their answers have arrived.
            parsed = await asyncio.to_thread(parse)
        else:
            parsed = await asyncio.get_running_loop().run_in_executor(self.pool, parse)
        state = self._success(
            feed, result, now, ttl_minutes=parsed.ttl_minutes, title=parsed.title,
            warning=parsed.warning,
        )  # fmt: skip
        counts = await self._write(save_items, self.engine, feed.id, parsed.items, now, state)
        if self.full_text and counts.new_ids:
            await self._fetch_full_text(counts.new_ids)
        return FeedOutcome(
            feed_id=feed.id,
            url=feed.url,
            status=FeedStatus.NEW_ITEMS,
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
            warning=parsed.warning,
        )

    async def _write(self, write: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Store writes run one at a time on the writer thread, off the event loop."""
        call = partial(write, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.writer, call)

    def _success(
        self,
        feed: Feed,
        result: FetchResult,
        now: datetime,
        *,
        ttl_minutes: int | None = None,
        title: str | None = None,
        warning: str | None = None,
    ) -> dict[str, object]:
        """The feed's new fetch state after a successful check."""
        values: dict[str, object] = {
            "last_checked_at": now,
            "last_success_at": now,
            "error_count": 0,
            "last_error": None,
            "next_check_at": next_check_after_success(
                now,
                self.settings,
                ttl_minutes=ttl_minutes,
                max_age_seconds=result.max_age_seconds,
                retry_after_seconds=result.retry_after_seconds,
            ),
        }
        if not result.not_modified:
            values |= {
                "etag": result.etag,
                "last_modified": result.last_modified,
                "parse_warning": warning,
            }
            if title:
                values["title"] = title
        if result.permanent_url and result.permanent_url != feed.url:
            log.info("feed moved permanently: %s -> %s", feed.url, result.permanent_url)
            values["url"] = result.permanent_url
        return values

    def _failed(
        self, feed: Feed, error: str, retry_after_seconds: float | None = None
    ) -> FeedOutcome:
        now = datetime.now(UTC)
        errors = feed.error_count + 1
        values: dict[str, object] = {
            "last_checked_at": now,
            "error_count": errors,
            "last_error": error,
            "next_check_at": next_check_after_failure(
                now, self.settings, error_count=errors, retry_after_seconds=retry_after_seconds
            ),
        }
        status = FeedStatus.FAILED
        if errors >= self.settings.max_feed_failures:
            values |= {
                "disabled": True,
                "disabled_reason": f"{errors} failures in a row; last: {error}",
            }
            status = FeedStatus.DISABLED
        record_fetch(self.engine, feed.id, **values)
        log.warning("feed failed (%d in a row): %s: %s", errors, feed.url, error)
        return FeedOutcome(feed_id=feed.id, url=feed.url, status=status, error=error)

    async def _fetch_full_text(self, item_ids: list[int]) -> None:
        pages = [item for item in get_items(self.engine, item_ids) if item.url]

        async def one(item_id: int, url: str) -> None:
            try:
                result = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
            except FeedError as exc:
                log.info("no full text for %s: %s", url, exc)
                return
            if result.status != 200:
                return
            text = await asyncio.to_thread(extract_article, result.body, url)
            if text:
                set_full_text(self.engine, item_id, text)
                self.full_text_fetched += 1

        await asyncio.gather(*(one(item.id, item.url) for item in pages if item.url))


def _http_error(result: FetchResult) -> str:
    try:
        reason = HTTPStatus(result.status).phrase
    except ValueError:
        reason = "unknown status"
    return f"HTTP {result.status} {reason}"


def plan_topic_feeds(
    engine: Engine, topics: list[Topic], *, demo: bool, force: bool
) -> tuple[list[Feed], httpx.AsyncBaseTransport | None]:
    """The feeds to ingest now for these topics, and the transport to fetch them with.

    With demo, each topic reads the shipped demo corpus (always, not only when due)
    through DemoTransport; otherwise its own feeds when they are due.
    """
    now = datetime.now(UTC)
    if demo:
        corpus = load_demo_corpus()
        feeds = [f for t in topics for f in sync_feeds(engine, t.name, corpus.feed_specs(), now)]
        return [feed for feed in feeds if not feed.disabled], DemoTransport(corpus)
    for topic in topics:
        sync_feeds(engine, topic.name, topic.feeds, now)
    return due_feeds(engine, [t.name for t in topics], now, force=force), None


def ingest_topics(
    engine: Engine,
    settings: Settings,
    topics: list[Topic],
    *,
    demo: bool = False,
    force: bool = False,
    full_text: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_feed: OnFeed | None = None,
) -> IngestReport:
    """Ingest the due feeds of these topics and record the run."""
    feeds, transport = plan_topic_feeds(engine, topics, demo=demo, force=force)
    if on_start:
        on_start(len(feeds))
    report = asyncio.run(
        ingest_feeds(
            engine,
            settings,
            feeds,
            {topic.name: topic.languages for topic in topics},
            transport=transport,
            full_text=full_text,
            on_feed=on_feed,
        )
    )
    record_ingest_run(engine, report)
    return report

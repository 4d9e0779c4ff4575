"""HTTP for feeds and pages: conditional GET, caps on time, size, redirects and concurrency."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from newsroom.config import Settings
from newsroom.errors import BodyTooLarge, FeedError
from newsroom.ingest.guard import PublicOnlyTransport
from newsroom.models import FetchResult

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)


class Fetcher:
    """One shared client with a global and a per-host cap on requests in flight."""

    def __init__(
        self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        if transport is None:
            # Keep as many idle connections as may be in flight, so feeds on one host reuse them.
            limits = httpx.Limits(
                max_connections=settings.max_concurrency,
                max_keepalive_connections=settings.max_concurrency,
            )
            transport = httpx.AsyncHTTPTransport(retries=0, limits=limits)
            if not settings.allow_private_networks:
                transport = PublicOnlyTransport(transport)
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            timeout=httpx.Timeout(settings.fetch_timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._all = asyncio.Semaphore(settings.max_concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET url; the whole exchange, a slow drip included, is bounded by fetch_timeout."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = httpx.URL(url).host
        timeout = self._settings.fetch_timeout
        async with self._all, self._per_host[host]:
            try:
                async with asyncio.timeout(timeout):
                    return await self._exchange(url, headers)
            except TimeoutError as exc:
                raise FeedError(f"timed out after {timeout:g} s") from exc
            except httpx.TooManyRedirects as exc:
                limit = self._settings.max_redirects
                raise FeedError(f"more than {limit} redirects") from exc
            except httpx.TimeoutException as exc:
                raise FeedError(f"timed out after {timeout:g} s ({type(exc).__name__})") from exc
            except httpx.InvalidURL as exc:
                raise FeedError(f"invalid URL: {exc}") from exc
            except httpx.HTTPError as exc:
                raise FeedError(f"{type(exc).__name__}: {exc or 'connection failed'}") from exc

    async def _exchange(self, url: str, headers: dict[str, str]) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
            body = await self._read_capped(response)
        if response.status_code != 200:
            body = b""  # read only so the connection can be reused
        return FetchResult(
            status=response.status_code,
            url=str(response.url),
            permanent_url=_permanent_target(response),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type"),
            retry_after_seconds=_retry_after(response.headers.get("retry-after")),
            max_age_seconds=_max_age(response.headers.get("cache-control")),
            body=body,
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self._settings.max_body_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise BodyTooLarge(f"body of {int(declared)} bytes is over the {_mib(cap)} cap")
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb is stopped too.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge(f"body went past the {_mib(cap)} cap")
            chunks.append(chunk)
        return b"".join(chunks)


def _permanent_target(response: httpx.Response) -> str | None:
    """The final URL when every hop was a permanent redirect (301/308), else None."""
    if response.history and all(r.status_code in (301, 308) for r in response.history):
        return str(response.url)
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _max_age(value: str | None) -> float | None:
    if not value:
        return None
    match = _MAX_AGE.search(value)
    return float(match.group(1)) if match else None


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"

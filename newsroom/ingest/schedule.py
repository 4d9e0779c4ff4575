"""When to check a feed next: the server's hints after success, backoff after failure."""

from __future__ import annotations

from datetime import datetime, timedelta

from newsroom.config import Settings


def next_check_after_success(
    now: datetime,
    settings: Settings,
    *,
    ttl_minutes: int | None = None,
    max_age_seconds: float | None = None,
    retry_after_seconds: float | None = None,
) -> datetime:
    """Never sooner than our interval; later when RSS ttl, Cache-Control or Retry-After ask."""
    hints = [
        settings.fetch_interval_minutes * 60.0,
        (ttl_minutes or 0) * 60.0,
        max_age_seconds or 0.0,
        retry_after_seconds or 0.0,
    ]
    return now + timedelta(seconds=min(max(hints), settings.max_interval_hours * 3600.0))


def next_check_after_failure(
    now: datetime, settings: Settings, *, error_count: int, retry_after_seconds: float | None
) -> datetime:
    """Exponential backoff from the normal interval, at least Retry-After, capped."""
    backoff = settings.fetch_interval_minutes * 60.0 * 2 ** max(error_count - 1, 0)
    wait = max(backoff, retry_after_seconds or 0.0)
    return now + timedelta(seconds=min(wait, settings.max_interval_hours * 3600.0))

"""Which URLs from feeds may become links in what newsroom publishes."""

from __future__ import annotations

from urllib.parse import urlsplit


def http_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL safe to put in an href, else None."""
    if not url:
        return None
    url = url.strip()
    # urlsplit quietly drops tabs and newlines ("java\nscript:"), so refuse them first.
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url

"""Feed bytes to ParsedFeed with feedparser: encodings, malformed feeds, keys, hashes."""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsroom.errors import FeedError
from newsroom.ingest.language import detect_language
from newsroom.ingest.text import html_to_text
from newsroom.models import ParsedFeed, ParsedItem

_FEED_TYPES = ("xml", "rss", "atom", "rdf")
# feedparser's fallback (loose) parser expands a declared entity at every reference with
# no limit: 100 KB declared once and referenced 3,000 times is 300 MB of text (expat's own
# amplification limit stops only the strict parser). Feeds have no need of their own
# entities, so their declarations are dropped before parsing. `>?`: one always matches.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY[^>]*>?")
_ENTITY_WIDE = tuple("<!ENTITY".encode(c) for c in ("utf-16-le", "utf-16-be", "utf-32-le",
                                                    "utf-32-be", "cp037"))  # fmt: skip
# A character reference to no character (a surrogate, past U+10FFFF) crashes feedparser's
# loose parser (chr() or UTF-8 encoding fails); it becomes U+FFFD, as in HTML.
_CHARREF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
DETECTION_CHARS = 400


def parse_feed(
    body: bytes,
    *,
    feed_id: int,
    content_type: str | None,
    languages: list[str],
    declared_language: str | None = None,
) -> ParsedFeed:
    """Parse as far as the document allows; raise FeedError only when nothing is a feed."""
    body, dropped = _without_entities(body)
    body = _CHARREF.sub(_valid_charref, body)
    headers = {"content-type": content_type} if content_type else {}
    # feedparser follows the HTTP charset, then the XML declaration, as the RSS specs say.
    # nh3 sanitizes every field afterwards, so feedparser's own slower sanitizer is skipped.
    try:
        document = feedparser.parse(
            body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # its parsers' crashes on hostile bytes are the feed's problem
        raise FeedError(f"unreadable feed: {type(exc).__name__}: {exc}") from exc
    channel = document.get("feed", {})
    entries = document.get("entries", [])
    problem = _bozo_message(document)
    if not entries and not channel.get("title"):
        served = f" (served as {content_type})" if content_type else ""
        raise FeedError(f"not a feed{served}: {problem or 'no channel and no entries'}")
    feed_language = _short_language(channel.get("language")) or declared_language
    warnings = [dropped] if dropped else []
    if problem:
        warnings.append(f"malformed feed, parsed {len(entries)} entries: {problem}")
    if content_type and not any(kind in content_type.lower() for kind in _FEED_TYPES):
        warnings.append(f"served as {content_type.split(';')[0]}, parsed as a feed")
    return ParsedFeed(
        title=html_to_text(channel.get("title")) or None,
        language=feed_language,
        ttl_minutes=_int_or_none(channel.get("ttl")),
        items=[_item(entry, feed_id, feed_language, languages) for entry in entries],
        warning="; ".join(warnings) or None,
    )


def _item(entry: Any, feed_id: int, feed_language: str | None, languages: list[str]) -> ParsedItem:
    title = html_to_text(entry.get("title"))
    summary = html_to_text(entry.get("summary"))
    contents = [c.get("value", "") for c in entry.get("content", [])]
    content = html_to_text(max(contents, key=len)) if contents else summary
    guid = entry.get("id") or None
    url = entry.get("link") or None
    published = _datetime(entry.get("published_parsed") or entry.get("updated_parsed"))
    # A few hundred characters decide the language; more only costs time.
    sample = f"{title}\n{summary}" if content == summary else f"{title}\n{summary}\n{content}"
    language = detect_language(
        sample[:DETECTION_CHARS],
        languages,
        fallback=_short_language(entry.get("language")) or feed_language,
    )
    return ParsedItem(
        key=item_key(feed_id, guid, url, title, published),
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        content=content,
        author=html_to_text(entry.get("author")) or None,
        published_at=published,
        language=language,
        content_hash=_sha256("\x00".join((title, summary, content))),
    )


def item_key(
    feed_id: int, guid: str | None, url: str | None, title: str, published: datetime | None
) -> str:
    """Stable identity: the feed and its guid, else its link, else its title and date."""
    if guid:
        basis = f"guid\x00{guid}"
    elif url:
        basis = f"link\x00{url}"
    else:
        basis = f"title\x00{title}\x00{published.isoformat() if published else ''}"
    return _sha256(f"{feed_id}\x00{basis}")


def _without_entities(body: bytes) -> tuple[bytes, str | None]:
    """The document without XML entity declarations, and a warning when it had any."""
    if any(marker in body for marker in _ENTITY_WIDE):
        raise FeedError("the feed declares XML entities in a UTF-16/32 or EBCDIC document; "
                        "refused (entity expansion is a denial-of-service risk)")  # fmt: skip
    if b"<!ENTITY" not in body:
        return body, None
    while b"<!ENTITY" in body:  # removing one may join the pieces of another
        body = _ENTITY_DECLARATION.sub(b"", body)
    return body, "the feed declares XML entities; they were ignored, not expanded"


def _valid_charref(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    digits = hexadecimal or decimal
    code = int(digits, 16 if hexadecimal else 10) if len(digits) <= 8 else -1
    valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return match.group() if valid else b"&#xFFFD;"


def _bozo_message(document: Any) -> str | None:
    if not document.get("bozo"):
        return None
    exception = document.get("bozo_exception")
    # A declared charset that differs from the one used is not damage worth recording.
    if isinstance(exception, feedparser.CharacterEncodingOverride):
        return None
    return f"{type(exception).__name__}: {exception}" if exception else "unknown problem"


def _datetime(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _short_language(code: str | None) -> str | None:
    if not code:
        return None
    return code.strip().lower().replace("_", "-").split("-")[0][:8] or None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

"""Published articles as an Atom 1.0 feed (RFC 4287), built as an lxml tree."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

from lxml import etree

from newsroom.models import DraftStatus
from newsroom.models.review import PublishedArticle
from newsroom.review.html import as_utc, http_url, language_tag, render_fragment, utc_iso

ATOM = "http://www.w3.org/2005/Atom"

# Characters XML 1.0 forbids even escaped. A feed's text may carry them, and lxml refuses
# them (ElementTree would write them, leaving a feed no reader parses): drop them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_atom(
    articles: Iterable[PublishedArticle],
    *,
    feed_id: str,
    title: str,
    link: str | None = None,
    updated: datetime | None = None,
) -> str:
    """The feed's XML, newest first. Retracted articles are skipped here, whatever the
    caller passes; `updated` defaults to the newest entry's time (now for an empty feed)."""
    live = sorted(
        (a for a in articles if a.retraction is None and a.draft.status != DraftStatus.RETRACTED),
        key=lambda a: (as_utc(a.published_at), a.draft.id),
        reverse=True,
    )
    if updated is None:
        updated = as_utc(live[0].published_at) if live else datetime.now(UTC)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    _add(feed, "updated", utc_iso(updated))
    if (href := http_url(link)) is not None:
        _add(feed, "link", rel="alternate", type="text/html", href=href)
    _add(feed, "generator", "newsroom")
    for article in live:
        _add_entry(feed, article)
    xml: bytes = etree.tostring(feed, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return xml.decode()


def entry_id(draft_id: str) -> str:
    """The entry's stable id: the same article keeps it across versions and feeds."""
    return f"urn:newsroom:article:{quote(draft_id, safe='')}"


def _add_entry(feed: etree._Element, article: PublishedArticle) -> None:
    draft = article.draft
    entry = _add(feed, "entry")
    _add(entry, "id", entry_id(draft.id))
    _add(entry, "title", draft.headline)
    _add(entry, "published", utc_iso(article.published_at))
    _add(entry, "updated", utc_iso(article.published_at))
    author = _add(entry, "author")
    _add(author, "name", draft.byline.name)
    _add(entry, "category", term=draft.topic)
    _add(entry, "summary", draft.dek)
    for source in draft.sources:
        if (href := http_url(source.url)) is None:
            continue
        attrs = {"rel": "related", "href": href, "title": f"{source.outlet}: {source.title}"}
        if (lang := language_tag(source.language)) is not None:
            attrs["hreflang"] = lang
        _add(entry, "link", **attrs)
    # type="html": the fragment travels as text, so lxml escapes it once and a
    # reader unescapes it back into the same (already safe) HTML.
    _add(entry, "content", render_fragment(draft), type="html")


def _add(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: _xml(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)

"""The article as a standalone HTML page, and its body as an HTML fragment for feeds.

Everything in a draft came from a feed or a model, so none of it is trusted: the Jinja2
environment escapes every value, and the Markdown of the paragraphs goes through
markdown-it-py with raw HTML, links and images switched off, so the only markup in the
output is the markup written here. A source URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup

from newsroom.models import Draft, DraftStatus
from newsroom.models.review import PublishedArticle
from newsroom.review.export import LANGUAGE_NAMES
from newsroom.review.urls import http_url

# The markers nlp/support.py reads: [3], [1, 4], [2; 5]. The digit cap keeps int() cheap
# (and below Python's 4300-digit limit) whatever a model writes.
_CITATION = re.compile(r"\[\s*(\d{1,6}(?:\s*[,;]\s*\d{1,6})*)\s*\]")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


class RenderedSection(NamedTuple):
    heading: str
    html: Markup


def language_tag(code: str | None) -> str | None:
    """The code when it looks like a BCP 47 tag, fit for lang= and hreflang=."""
    return code if code and _LANGUAGE_TAG.match(code) else None


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive time is taken to be UTC already, as the store writes them."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def render_html(article: PublishedArticle | Draft) -> str:
    """A standalone HTML5 page: a published article (with its retraction, if any) or a
    draft's preview."""
    if isinstance(article, PublishedArticle):
        draft, published_at, retraction = article.draft, article.published_at, article.retraction
    else:
        draft, published_at, retraction = article, None, None
    unpublished = published_at is None and draft.status not in (
        DraftStatus.PUBLISHED,
        DraftStatus.RETRACTED,
    )
    return _ENV.get_template("article.html.j2").render(
        draft=draft,
        sections=render_sections(draft),
        known=_source_numbers(draft),
        published_at=published_at,
        retraction=retraction,
        retracted=retraction is not None or draft.status == DraftStatus.RETRACTED,
        unpublished=unpublished,
    )


def render_fragment(draft: Draft) -> str:
    """The article's body and numbered source list as an HTML fragment (Atom content)."""
    return _ENV.get_template("fragment.html.j2").render(
        draft=draft, sections=render_sections(draft)
    )


def render_sections(draft: Draft) -> list[RenderedSection]:
    """Each section's heading (plain text) and its paragraphs as safe HTML."""
    known = _source_numbers(draft)
    return [
        RenderedSection(
            section.heading, Markup("").join(_markdown(p, known) for p in section.paragraphs)
        )
        for section in draft.sections
    ]


def _source_numbers(draft: Draft) -> frozenset[int]:
    return frozenset(source.n for source in draft.sources)


def _markdown(text: str, known: frozenset[int]) -> Markup:
    # Each paragraph is rendered alone so that an unclosed fence or list in one cannot
    # swallow the next.
    return Markup(_MD.render(text, {"sources": known}))


def _markdown_inline(text: str, known: frozenset[int]) -> Markup:
    return Markup(_MD.renderInline(text, {"sources": known}))


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = _CITATION.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"numbers": [int(n) for n in re.findall(r"\d+", match.group(1))]}
    state.pos = match.end()
    return True


def _render_citation(
    self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    known: frozenset[int] = env.get("sources", frozenset())
    # n is an int parsed above: the only value that reaches this markup.
    parts = [
        f'<a href="#source-{n}">{n}</a>'
        if n in known
        else f'<span class="cite-missing" title="No source {n} in the list">{n}</span>'
        for n in tokens[idx].meta["numbers"]
    ]
    return f'<span class="cite">[{", ".join(parts)}]</span>'


def _demote_headings(state: StateCore) -> None:
    # The page owns h1 and h2; a heading written inside a paragraph ranks below them.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # html=False already escapes raw HTML; switching the rules off as well makes it plain.
    # Links, images and autolinks are off too: a model's [text](javascript:...) or a
    # remote image stays text, and sources are cited with [n] only.
    md.disable(["html_block", "html_inline", "link", "image", "autolink", "reference"])
    md.inline.ruler.push("citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def utc_iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, as Atom and <time datetime> want it."""
    return as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def _utc_human(moment: datetime) -> str:
    return f"{as_utc(moment):%d %B %Y %H:%M} UTC"


def _language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown language")


_MD = _markdown_parser()
_ENV = Environment(
    loader=PackageLoader("newsroom.review", "templates"),
    autoescape=True,  # every template here writes HTML; the CSS include has no variables
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters.update(
    http_url=http_url,
    language_tag=language_tag,
    language_name=_language_name,
    utc_iso=utc_iso,
    utc_human=_utc_human,
    markdown_inline=_markdown_inline,
)

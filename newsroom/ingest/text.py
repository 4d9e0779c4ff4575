"""Feed HTML to plain text, through an HTML sanitizer (ammonia, via nh3)."""

from __future__ import annotations

import html
import re

import nh3

# Kept only long enough to turn them into line breaks; everything else is stripped,
# and script/style/template content is dropped whole by nh3's clean_content_tags.
_BLOCK_TAGS = {
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "tr", "table", "section", "article", "pre", "hr",
}  # fmt: skip
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object"}
_BREAK = re.compile(r"<(?:br|hr)\s*/?>|</(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")>")
_SPACES = re.compile(r"[ \t\u00a0\r\f\v]+")


def html_to_text(markup: str | None) -> str:
    """Sanitized plain text: no markup, no script, entities decoded, paragraphs kept."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    kept = nh3.clean(
        markup,
        tags=_BLOCK_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={},
        link_rel=None,
    )
    # nh3's output is well-formed, so matching its closing tags textually is safe here.
    with_breaks = _BREAK.sub("\n", kept)
    bare = nh3.clean(with_breaks, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT)
    return _tidy(html.unescape(bare))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    return "\n".join(paragraphs)

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
# A "<" that could open a tag, a comment or a declaration.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# C0 and C1 control characters (not tab, newline, carriage return): terminal escape
# sequences in a title, and NUL, which PostgreSQL refuses in text.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def html_to_text(markup: str | None) -> str:
    """Sanitized plain text: no markup, no script, entities decoded, paragraphs kept."""
    if not markup:
        return ""
    text = _CONTROLS.sub("", markup)
    if "<" in text or "&" in text:
        text = _as_text(text)
    # Escaped markup ("&lt;script&gt;") decodes to markup: it is stripped too, a few
    # levels deep, then any "<" left is disarmed, so stored text never carries a tag.
    for _ in range(3):
        if not _TAG_START.search(text):
            break
        text = _as_text(text)
    return _tidy(_TAG_START.sub("‹", text))


def _as_text(markup: str) -> str:
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
    return _CONTROLS.sub("", html.unescape(bare))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    return "\n".join(paragraphs)

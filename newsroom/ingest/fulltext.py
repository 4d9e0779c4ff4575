"""Full article text from a page, with trafilatura's main-content extraction."""

from __future__ import annotations

import trafilatura


def extract_article(page: bytes, url: str | None = None) -> str | None:
    """The article's main text without navigation and boilerplate, or None if none is found."""
    text = trafilatura.extract(
        page,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    return text.strip() if text and text.strip() else None

"""Properties of the parse and citation code on random feeds and drafts (hypothesis)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.agents.analyst import cite
from newsroom.agents.fact_checker import claim_sentences
from newsroom.errors import FeedError
from newsroom.evaluate import StoredSource, score_draft
from newsroom.ingest.parse import parse_feed
from newsroom.ingest.text import html_to_text
from newsroom.models import (
    ArticleText,
    Byline,
    Cost,
    Draft,
    EditorReview,
    Illustration,
    ParsedFeed,
    Section,
    SourceRef,
)
from newsroom.nlp import citations, strip_citations, words

TAG = re.compile(r"<[A-Za-z/!?]")
HANDLER = re.compile(r"<[^>]*\bon[a-z]+\s*=", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# No example database: runs are bounded and reproducible from the seed hypothesis prints.
bounded = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<p onclick='x()'>",
        "</p>", "<br/>", "<svg onload=alert(1)>", "<a href='javascript:alert(1)'>", "</a>",
        "&lt;script&gt;", "&lt;/script&gt;", "&amp;lt;b&amp;gt;", "&#60;iframe&#62;", "<!--",
        "-->", "<![CDATA[", "]]>", "<", ">", "&", "&#0;", "&#27;", "\x00", "\x1b[2J", "<scr",
        "ipt>", "<style>", "</style>", "<math><mtext><table><mglyph><style>", "&nbsp;",
    ]
)  # fmt: skip
HTMLISH = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=12).map("".join)


def no_markup(text: str) -> bool:
    return not TAG.search(text) and not HANDLER.search(text) and not CONTROL.search(text)


@bounded
@given(HTMLISH)
def test_html_to_text_never_returns_a_tag_an_event_handler_or_a_control_character(markup):
    text = html_to_text(markup)

    assert no_markup(text), text
    assert "<script" not in text.lower()
    assert html_to_text(text) == text or TAG.search(html_to_text(text)) is None


@bounded
@given(st.binary(max_size=3000))
def test_parse_feed_raises_nothing_but_feed_error_on_arbitrary_bytes(body):
    try:
        parsed = parse_feed(body, feed_id=1, content_type=None, languages=["en", "uk"])
    except FeedError:
        return
    assert isinstance(parsed, ParsedFeed)


ITEM = st.fixed_dictionaries(
    {
        "title": HTMLISH,
        "description": HTMLISH,
        "guid": st.text(max_size=12),
        "link": st.sampled_from(["https://example.org/a", "javascript:alert(1)", "", "/rel"]),
    }
)


def random_rss(entries: list[dict[str, str]], escaped: bool, encoding: str) -> bytes:
    """RSS with random text: escaped as XML text, or raw (which often breaks the XML)."""

    def text(value: str) -> str:
        return escape(value) if escaped else value

    body = "".join(
        f"<item><title>{text(e['title'])}</title><guid>{text(e['guid'])}</guid>"
        f"<link>{text(e['link'])}</link><description>{text(e['description'])}</description>"
        "</item>"
        for e in entries
    )
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>Random</title>{body}</channel></rss>"
    )
    return document.encode(encoding, errors="replace")


@pytest.mark.slow
@bounded
@given(
    st.lists(ITEM, max_size=5),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-16", "windows-1251", "iso-8859-1"]),
)
def test_random_feeds_parse_to_plain_valid_text_or_a_feed_error(entries, escaped, encoding):
    body = random_rss(entries, escaped, encoding)

    try:
        parsed = parse_feed(body, feed_id=7, content_type="application/rss+xml", languages=["en"])
    except FeedError:
        return
    if escaped:
        assert len(parsed.items) == len(entries)
    for item in parsed.items:
        for text in (item.title, item.summary, item.content, item.author or ""):
            text.encode("utf-8")  # strict: no lone surrogates reach the store
            assert no_markup(text), text
        assert len(item.key) == 64


SENTENCE = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs"], include_characters=".,!?\"“”'-"),
    min_size=1,
    max_size=60,
)


@bounded
@given(st.lists(st.tuples(SENTENCE, st.integers(1, 12)), min_size=1, max_size=6))
def test_citations_of_cited_sentences_are_the_numbers_cited(pairs):
    cited = [cite(text, n) for text, n in pairs]

    for (_, n), sentence in zip(pairs, cited, strict=True):
        assert n in citations(sentence)
        bare = strip_citations(sentence)
        assert citations(bare) == []
        assert strip_citations(bare) == bare
    together = " ".join(cited)
    found = citations(together)
    assert len(found) == len(set(found))
    assert set(found) >= {n for _, n in pairs}


@bounded
@given(st.text(max_size=120))
def test_strip_citations_leaves_no_marker_and_is_idempotent(text):
    bare = strip_citations(text)

    assert citations(bare) == []
    assert strip_citations(bare) == bare
    assert set(citations(text)) <= {int(n) for n in re.findall(r"\d+", text)}


PARAGRAPH = st.lists(
    st.tuples(SENTENCE, st.one_of(st.none(), st.integers(1, 9)), st.booleans()), min_size=1,
    max_size=5,
).map(
    lambda parts: " ".join(
        (f"- {text}" if listed else text) if n is None else cite(text, n)
        for text, n, listed in parts
    )
)  # fmt: skip
ARTICLE = st.lists(
    st.lists(PARAGRAPH, min_size=1, max_size=3).map(
        lambda paragraphs: Section(heading="Part", paragraphs=paragraphs)
    ),
    min_size=1,
    max_size=3,
).map(lambda sections: ArticleText(headline="H", dek="D", sections=sections))


@bounded
@given(ARTICLE)
def test_claim_sentences_lose_no_word_and_no_citation(article):
    claims = claim_sentences(article)
    paragraphs = [p for s in article.sections for p in s.paragraphs]

    assert all(claim == claim.strip() and claim for claim in claims)
    assert words(" ".join(claims)) == words(" ".join(paragraphs))
    assert {n for c in claims for n in citations(c)} == {
        n for p in paragraphs for n in citations(p)
    }


SOURCES = [
    StoredSource(
        n=n, item_id=n, outlet=f"Outlet {n}", title=f"Title {n}", language="en",
        text="Kyiv said 12 drones were shot down overnight. Power was restored by noon.",
        matches_listing=True,
    )
    for n in (1, 2, 3)
]  # fmt: skip


@bounded
@given(ARTICLE)
def test_eval_figures_stay_between_0_and_1_and_invalid_citations_are_exact(article):
    draft = Draft(
        id="d", story_id="s", run_id="r", topic="t", headline="H", dek="D",
        body=article.body_markdown(), sections=article.sections,
        sources=[SourceRef(n=s.n, outlet=s.outlet, title=s.title) for s in SOURCES],
        claims=[], illustration=Illustration(prompt="-", caption="-", alt="-"),
        byline=Byline(name="-", bio="-"), personas=[], production="",
        review=EditorReview(passed=True, independent_outlets=2, languages=["en"]),
        cost=Cost(), engine="offline", created_at=datetime.now(UTC),
    )  # fmt: skip

    score = score_draft(draft, {s.n: s for s in SOURCES})

    for figure in ("citation_validity", "citation_support", "claim_coverage", "quote_fidelity"):
        assert 0 <= getattr(score, figure) <= 1
    cited = {n for s in score.scored for n in s.cites}
    assert {n for s in score.scored for n in s.invalid_citations} == cited - {1, 2, 3}
    assert (score.citation_validity == 1.0) == (cited <= {1, 2, 3})

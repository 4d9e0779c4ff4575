"""The published article's HTML page and the Atom feed, fed hostile strings throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from newsroom.models import (
    Byline,
    Claim,
    Cost,
    Draft,
    DraftStatus,
    EditorReview,
    Illustration,
    Section,
    SourceRef,
)
from newsroom.models.review import PublishedArticle, Retraction
from newsroom.review.atom import ATOM, entry_id, render_atom
from newsroom.review.html import http_url, render_html

T0 = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
HOSTILE_HEADLINE = 'Kyiv <script>alert(1)</script> & the "talks"'
HOSTILE_TITLE = "Strikes <img src=x onerror=alert(1)> hit 'grid'"
HOSTILE_PARAGRAPH = 'Power failed [1]. </p><script>alert("p")</script> Tom & Jerry say "hi" [2].'
PRODUCTION = "Nine AI personas produced this analysis. A human editor reviews every piece."


def make_sources() -> list[SourceRef]:
    return [
        SourceRef(
            n=1,
            outlet="Kyiv Independent",
            title=HOSTILE_TITLE,
            url="https://kyivindependent.example/news/strikes?a=1&b=2",
            published=datetime(2026, 11, 2, 22, 15, tzinfo=UTC),
            language="en",
        ),
        SourceRef(
            n=2,
            outlet="Evil <b>Outlet</b>",
            title="A javascript link",
            url="javascript:alert(1)",
            language="uk",
        ),
        SourceRef(
            n=3,
            outlet="Ukrainska Pravda",
            title="Енергетика",
            url="https://pravda.example/uk/3",
            published=datetime(2026, 11, 2, 23, 0),  # naive: the store's UTC
            language="uk",
        ),
        SourceRef(n=4, outlet="Data", title="A data URL", url="data:text/html,<script>x</script>"),
    ]


def make_draft(**overrides: Any) -> Draft:
    fields: dict[str, Any] = {
        "id": "story-1",
        "story_id": "story-1",
        "run_id": "run-1",
        "topic": "ukraine",
        "status": DraftStatus.PUBLISHED,
        "headline": HOSTILE_HEADLINE,
        "dek": "Moscow's barrage & the <em>terms</em> of the talks",
        "body": "",
        "sections": [
            Section(heading="", paragraphs=[HOSTILE_PARAGRAPH]),
            Section(
                heading="The logic of <i>compellence</i>",
                paragraphs=[
                    "Two airports closed [1, 3]. A missing source [9].",
                    "- 02 Nov 2026, 22:15 UTC: drones over Kyiv [1]\n- later: power cut [3]",
                ],
            ),
            Section(
                heading="Capabilities, not concessions",
                paragraphs=[
                    "[click](javascript:alert(1)) ![x](https://evil.example/t.png) <b>raw</b>"
                ],
            ),
        ],
        "sources": make_sources(),
        "claims": [
            Claim(text="Power failed [1].", verdict="supported", sources=[1], evidence="<b>ev</b>"),
            Claim(text="Moscow negotiates by force.", verdict="opinion"),
        ],
        "illustration": Illustration(
            prompt="A darkened city <script>p()</script> under a winter sky",
            caption="AI generated illustration related to: Kyiv & the talks",
            alt="A dark skyline with searchlights",
        ),
        "byline": Byline(name="Viktor Petersen", bio="Analyst of great power <b>competition</b>."),
        "personas": ["analyst"],
        "production": PRODUCTION,
        "review": EditorReview(passed=True, independent_outlets=3, languages=["en", "uk"]),
        "cost": Cost(),
        "engine": "offline",
        "notes": ["Drafted by the offline engine & quoted from sources."],
        "created_at": T0,
    }
    fields.update(overrides)
    return Draft(**fields)


def make_published(
    draft_id: str = "story-1",
    hours: int = 0,
    retraction: Retraction | None = None,
    **overrides: Any,
) -> PublishedArticle:
    draft = make_draft(id=draft_id, story_id=draft_id, **overrides)
    if retraction is not None:
        draft = draft.model_copy(update={"status": DraftStatus.RETRACTED})
    return PublishedArticle(
        draft=draft, published_at=T0 + timedelta(hours=hours), retraction=retraction
    )


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def assert_nothing_executable(root: lxml.html.HtmlElement) -> None:
    assert root.xpath("//script|//img|//iframe|//object|//embed|//link|//base") == []
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src", "action"):
                assert value.startswith(("#", "https://", "http://")), value


class _TagBalance(HTMLParser):
    """Every non-void element closes, in order: a well-formedness check without html5lib."""

    VOID = frozenset(
        [
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


# ---- HTML -------------------------------------------------------------------------------


def test_hostile_strings_are_escaped_text_not_markup() -> None:
    html = render_html(make_published())
    root = parse(html)

    assert_nothing_executable(root)
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b>" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert root.xpath("string(//h1)") == HOSTILE_HEADLINE
    assert HOSTILE_TITLE in root.xpath("string(//li[@id='source-1'])")
    assert 'Tom & Jerry say "hi"' in root.xpath("string(//div[@class='body'])")
    # A paragraph's "</p>" is text: the paragraph is still one element.
    assert len(root.xpath("//div[@class='body']//p[contains(., 'Power failed')]")) == 1


def test_only_http_urls_become_links() -> None:
    root = parse(render_html(make_published()))

    hrefs = [a.get("href") for a in root.xpath("//section[@id='sources']//a")]
    assert hrefs == [
        "https://kyivindependent.example/news/strikes?a=1&b=2",
        "https://pravda.example/uk/3",
    ]
    evil = root.xpath("//li[@id='source-2']")[0]
    assert evil.xpath(".//a") == []
    assert "javascript:alert(1)" in evil.text_content()
    assert root.xpath("//li[@id='source-4']//a") == []
    # Markdown links and images a model writes stay text.
    last_section = root.xpath("//div[@class='body']/section")[-1]
    assert last_section.xpath(".//a|.//img") == []
    assert "[click](javascript:alert(1))" in last_section.text_content()


def test_http_url_accepts_only_absolute_http_and_https() -> None:
    assert http_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert http_url(" HTTP://a.example ") == "HTTP://a.example"
    bad_urls = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,x",
        "//a.example",
        "/relative",
        "https://",
        "http://a b",
        "",
    ]
    for bad in [*bad_urls, None]:
        assert http_url(bad) is None, bad


def test_citation_markers_link_to_their_sources() -> None:
    root = parse(render_html(make_published()))
    body = root.xpath("//div[@class='body']")[0]

    cited = [(a.get("href"), a.text) for a in body.xpath(".//span[@class='cite']/a")]
    assert cited == [
        ("#source-1", "1"),
        ("#source-2", "2"),
        ("#source-1", "1"),
        ("#source-3", "3"),
        ("#source-1", "1"),
        ("#source-3", "3"),
    ]
    for href, _ in cited:
        assert root.xpath(f"//li[@id='{href[1:]}']"), href
    # A marker with no such source is marked, not linked.
    missing = body.xpath(".//span[@class='cite-missing']")
    assert [m.text for m in missing] == ["9"]


def test_bullet_lines_render_as_a_list() -> None:
    root = parse(render_html(make_published()))

    items = root.xpath("//div[@class='body']//ul/li")
    assert [li.text_content() for li in items] == [
        "02 Nov 2026, 22:15 UTC: drones over Kyiv [1]",
        "later: power cut [3]",
    ]


def test_page_has_sources_byline_bio_caption_and_production_note() -> None:
    root = parse(render_html(make_published()))

    sources = root.xpath("//section[@id='sources']/ol/li")
    assert [li.get("id") for li in sources] == ["source-1", "source-2", "source-3", "source-4"]
    first = sources[0].text_content()
    assert (
        "Kyiv Independent" in first and "English" in first and "02 November 2026 22:15 UTC" in first
    )
    assert "02 November 2026 23:00 UTC" in sources[2].text_content()
    assert "Ukrainian" in sources[2].text_content()
    assert "Viktor Petersen" in root.xpath("string(//p[@class='byline'])")
    assert root.xpath("string(//p[@class='bio'])") == "Analyst of great power <b>competition</b>."
    figure = root.xpath("//figure")[0]
    assert "AI generated illustration related to: Kyiv & the talks" in figure.text_content()
    assert (
        figure.xpath("string(.//*[@role='img']/@aria-label)") == "A dark skyline with searchlights"
    )
    assert "A darkened city <script>p()</script>" in figure.xpath("string(.//details)")
    production = root.xpath("//section[@id='production']")[0]
    assert PRODUCTION in production.text_content()
    assert "Drafted by the offline engine & quoted from sources." in production.text_content()
    assert "Moscow negotiates by force." in production.text_content()


def test_page_is_self_contained_readable_and_responsive() -> None:
    html = render_html(make_published())
    root = parse(html)

    assert root.xpath("//meta[@name='viewport']/@content") == [
        "width=device-width, initial-scale=1"
    ]
    assert root.xpath("//script|//link|//@src") == []
    style = root.xpath("string(//style)")
    assert "prefers-color-scheme: dark" in style and "max-width: 70ch" in style
    assert "http" not in style  # no fonts or images fetched
    csp = root.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert "default-src 'none'" in csp


def test_html_is_well_formed_with_headings_in_reading_order() -> None:
    html = render_html(make_published())
    checker = _TagBalance()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert html.startswith("<!DOCTYPE html>")

    root = parse(html)
    headings = [(h.tag, h.text_content()) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert headings == [
        ("h1", HOSTILE_HEADLINE),
        ("h2", "The logic of <i>compellence</i>"),
        ("h2", "Capabilities, not concessions"),
        ("h2", "Sources"),
        ("h2", "About Viktor Petersen"),
        ("h2", "How this analysis was produced"),
    ]


def test_markdown_heading_inside_a_paragraph_ranks_below_the_sections() -> None:
    draft = make_draft(sections=[Section(heading="Top", paragraphs=["# Inner\n\nText [1]."])])
    root = parse(render_html(draft))

    assert [h.tag for h in root.xpath("//div[@class='body']//*[self::h2 or self::h3]")] == [
        "h2",
        "h3",
    ]


def test_retracted_article_shows_when_who_and_why_and_strikes_the_text() -> None:
    retraction = Retraction(reason="Source 1 was a <b>forgery</b>", actor="desk-chief", at=T0)
    root = parse(render_html(make_published(hours=-2, retraction=retraction)))

    notice = root.xpath("//aside[contains(@class, 'retraction')]")[0]
    text = notice.text_content()
    assert "This article was retracted" in text
    assert "Source 1 was a <b>forgery</b>" in text
    assert "desk-chief" in text and "03 November 2026 09:30 UTC" in text
    assert notice.xpath("string(.//time/@datetime)") == "2026-11-03T09:30:00Z"
    assert root.xpath("//article/@class") == ["retracted"]
    assert root.xpath("//article/div[@class='article-text']//h1")  # the text is kept, dimmed
    assert ".retracted .article-text" in root.xpath("string(//style)")
    assert root.xpath("string(//title)").startswith("Retracted: ")


def test_unpublished_draft_renders_as_a_marked_preview() -> None:
    root = parse(render_html(make_draft(status=DraftStatus.IN_REVIEW, version=2)))

    notice = root.xpath("//aside[contains(@class, 'preview')]")[0].text_content()
    assert "not published" in notice and "in review" in notice and "version 2" in notice
    assert root.xpath("//aside[contains(@class, 'retraction')]") == []
    assert parse(render_html(make_published())).xpath("//aside") == []


# ---- Atom -------------------------------------------------------------------------------


def feed_of(*articles: PublishedArticle, **kwargs: Any) -> str:
    return render_atom(
        list(articles), feed_id="urn:newsroom:feed:published", title="newsroom & co", **kwargs
    )


def test_atom_feed_parses_cleanly_newest_first_without_retracted() -> None:
    retraction = Retraction(reason="wrong", actor="ed", at=T0)
    xml = feed_of(
        make_published("old", hours=0),
        make_published("newest", hours=5),
        make_published("pulled", hours=9, retraction=retraction),
        make_published("middle", hours=2),
        link="https://news.example/",
    )
    parsed = feedparser.parse(xml.encode())

    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "newsroom & co"
    assert parsed.feed.updated == "2026-11-03T14:30:00Z"  # the newest live entry
    assert [e.id for e in parsed.entries] == [entry_id(i) for i in ("newest", "middle", "old")]
    entry = parsed.entries[0]
    assert entry.title == HOSTILE_HEADLINE
    assert entry.author == "Viktor Petersen"
    assert entry.summary == "Moscow's barrage & the <em>terms</em> of the talks"
    assert entry.published == "2026-11-03T14:30:00Z"
    assert entry.tags[0].term == "ukraine"


def test_atom_entries_list_http_sources_as_related_links() -> None:
    parsed = feedparser.parse(feed_of(make_published()).encode())

    related = [link for link in parsed.entries[0].links if link.rel == "related"]
    assert [link.href for link in related] == [
        "https://kyivindependent.example/news/strikes?a=1&b=2",
        "https://pravda.example/uk/3",
    ]
    assert related[0].title == f"Kyiv Independent: {HOSTILE_TITLE}"
    assert related[1].hreflang == "uk"


def test_atom_content_is_the_escaped_body_with_nothing_executable() -> None:
    xml = feed_of(make_published())
    tree = etree.fromstring(xml.encode())
    content = tree.find(f"{{{ATOM}}}entry/{{{ATOM}}}content")
    assert content is not None and content.get("type") == "html"

    fragment = lxml.html.fragment_fromstring(content.text, create_parent="div")
    assert_nothing_executable(fragment)
    assert [a.get("href") for a in fragment.xpath(".//span[@class='cite']/a")][:2] == [
        "#source-1",
        "#source-2",
    ]
    assert "<script" not in content.text.lower() and "<img" not in content.text.lower()
    parsed = feedparser.parse(xml.encode())
    assert "<script" not in parsed.entries[0].content[0].value.lower()
    assert "Tom & Jerry" in lxml.html.fromstring(parsed.entries[0].content[0].value).text_content()


def test_atom_survives_characters_xml_forbids() -> None:
    article = make_published(headline="Bell\x07 and\x0b tab\tend", dek="nul\x00here")
    parsed = feedparser.parse(feed_of(article).encode())

    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Bell and tab\tend"
    assert parsed.entries[0].summary == "nulhere"


def test_empty_atom_feed_is_valid_and_keeps_the_given_time() -> None:
    parsed = feedparser.parse(feed_of(updated=T0).encode())

    assert parsed.bozo == 0
    assert parsed.entries == []
    assert parsed.feed.updated == "2026-11-03T09:30:00Z"


def test_markdown_export_links_only_http_sources():
    from newsroom.review.export import to_markdown

    draft = make_draft(
        sources=[
            SourceRef(n=1, outlet="A", title="Safe", url="https://example.org/a"),
            SourceRef(n=2, outlet="B", title="Hostile", url="javascript:alert(1)"),
        ]
    )

    markdown = to_markdown(draft)

    assert "[Safe](<https://example.org/a>)" in markdown
    assert "javascript:" not in markdown
    assert "2. B: Hostile" in markdown

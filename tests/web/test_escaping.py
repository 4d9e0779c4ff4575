"""Feed and model text is data: any markup in it reaches the page as inert, escaped text."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import update

from newsroom.store.schema import feeds, runs

from .helpers import PLANTED, act_on, clean_draft, draft_where, plant

ESCAPED = "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;"


class _Elements(HTMLParser):
    """The elements a browser would build from the page, as it parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def live_markup(html: str) -> list[str]:
    """Elements and attributes that would run script if planted markup had got through."""
    parser = _Elements()
    parser.feed(html)
    live = []
    for tag, attrs in parser.found:
        if tag == "script" and attrs.get("src") != "/static/keys.js":
            live.append(f"<script> {attrs}")
        if tag in ("img", "iframe", "object", "embed", "svg"):
            live.append(f"<{tag}> {attrs}")
        live += [f"{tag} {name}=" for name in attrs if name.startswith("on")]
        live += [
            f"{tag} {name}={value}"
            for name, value in attrs.items()
            if value and value.strip().lower().startswith("javascript:")
        ]
    return live


def test_planted_markup_in_every_draft_field_is_escaped_on_every_page(editor, store):
    draft = clean_draft(store)
    plant(store, draft.id)

    pages = {
        path: editor.get(path).text
        for path in [f"/drafts/{draft.id}", f"/drafts/{draft.id}/versions/1", "/", "/?status=all"]
    }

    for path, html in pages.items():
        assert live_markup(html) == [], path
        assert ESCAPED in html, path
    draft_page = pages[f"/drafts/{draft.id}"]
    for field in (
        "Headline",
        "Dek",
        "Title",
        "Outlet",
        "Claim",
        "Evidence",
        "Prompt",
        "Caption",
        "Bio",
        "Flag",
    ):
        assert f"{field} {ESCAPED}" in draft_page, field
    assert 'aria-label="Alt &lt;script&gt;' in draft_page  # escaped inside an attribute too
    # A javascript: source URL is not http(s): it is shown as text, never as a link.
    assert "(address not linked: javascript:alert(3))" in draft_page


def test_planted_markup_is_escaped_in_the_diff_and_on_the_published_page(app, editor, store):
    draft = clean_draft(store)
    act_on(editor, draft.id, "changes", note="again")
    app.state.worker.drain(timeout=60)
    plant(store, draft.id)  # version 2, the current one, carries it now

    diff = editor.get(f"/drafts/{draft.id}/diff").text
    act_on(editor, draft.id, "approve")
    published = editor.get("/published").text
    article = editor.get(f"/articles/{draft.id}").text

    for name, html in {"diff": diff, "published": published, "article": article}.items():
        assert live_markup(html) == [], name
        assert "&lt;script&gt;" in html, name


def test_markup_in_an_editors_note_is_escaped_in_the_history(editor, store):
    draft = clean_draft(store)

    act_on(editor, draft.id, "reject", note=PLANTED)
    page = editor.get(f"/drafts/{draft.id}").text

    assert live_markup(page) == [] and ESCAPED in page


def test_markup_in_feed_state_and_run_errors_is_escaped(admin, store):
    with store.begin() as connection:
        connection.execute(
            update(feeds).values(
                last_error=PLANTED, name=PLANTED, parse_warning=PLANTED, error_count=2
            )
        )
        connection.execute(update(runs).values(error=PLANTED))
    run_id = clean_draft(store).run_id

    for path in ["/feeds", f"/runs/{run_id}"]:
        html = admin.get(path).text
        assert live_markup(html) == [], path
        assert ESCAPED in html, path


def test_the_demo_corpus_planted_item_reaches_the_page_as_text_only(editor, store):
    draft = draft_where(store, lambda d: "Bulk carrier" in d.headline)

    page = editor.get(f"/drafts/{draft.id}").text

    assert "Liberia-flagged bulk carrier Marisol Star" in page
    assert "no damage to the hull below the waterline" in page
    assert live_markup(page) == []
    assert "alert(" not in page and "&lt;script" not in page  # ingest dropped it as markup

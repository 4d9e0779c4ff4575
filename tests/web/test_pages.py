"""Every page, as an editor sees it: the queue, a draft, versions, published, feeds, runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from newsroom.llm.offline_engine import OfflineEngine
from newsroom.models import DraftStatus
from newsroom.models.review import Action
from newsroom.review.queue import act, apply_pending
from newsroom.store.desk import latest_run_id, list_drafts
from newsroom.store.feeds import list_feeds
from newsroom.store.schema import drafts, feeds
from newsroom.web.headers import CONTENT_SECURITY_POLICY

from .helpers import act_on, clean_draft, csrf_of, draft_where


def headlines(html: str) -> list[str]:
    return re.findall(r'class="row-title" href="/drafts/[^"]+">([^<]+)</a>', html)


def test_the_queue_lists_drafts_in_review_newest_first_with_counts(editor, store):
    newest = list_drafts(store)[-1]
    with store.begin() as connection:  # make the oldest draft the newest
        connection.execute(
            update(drafts)
            .where(drafts.c.id == newest.id)
            .values(created_at=datetime.now(UTC) + timedelta(hours=1))
        )

    page = editor.get("/").text

    assert len(headlines(page)) == 10
    assert headlines(page)[0] == newest.headline.replace("'", "&#39;")
    assert re.search(r'aria-current="true">in review <span class="count">10</span>', page)
    assert 'published <span class="count">0</span>' in page


def test_the_queue_filters_by_status_and_topic(editor, store):
    draft = clean_draft(store)
    act_on(editor, draft.id, "reject", note="no")

    rejected = editor.get("/?status=rejected").text
    in_review = editor.get("/?status=in_review&topic=ukraine").text
    every = editor.get("/?status=all").text
    other_topic = editor.get("/?status=all&topic=nowhere").text

    assert [draft.id] == re.findall(r'href="/drafts/([0-9a-f]+)"', rejected)
    assert len(headlines(in_review)) == 9
    assert 'rejected <span class="count">1</span>' in every and len(headlines(every)) == 10
    assert len(headlines(other_topic)) == 10  # an unknown topic is ignored, not an empty page


def test_an_empty_queue_says_how_to_fill_it(editor):
    page = editor.get("/?status=approved").text

    assert "No drafts approved" in page and "newsroom run --topic" in page


def test_a_draft_page_shows_the_article_sources_fact_check_illustration_cost_and_history(
    editor, store
):
    draft = draft_where(store, lambda d: "Bulk carrier" in d.headline)
    act_on(editor, draft.id, "reject", note="check the tonnage")
    act_on(editor, draft.id, "restore")

    page = editor.get(f"/drafts/{draft.id}").text

    assert f'<h1 class="headline">{draft.headline}</h1>' in page
    assert "Marisol Star" in page  # the demo's planted HTML item, as text
    for source in draft.sources:
        assert f'id="source-{source.n}"' in page and f'href="{source.url}"' in page
    assert 'href="#source-2">2</a>' in page  # citations link to the source list
    assert page.count('class="claim verdict-supported"') == len(draft.claims)
    assert f"<mark>{draft.claims[0].evidence}</mark>" in page
    assert draft.illustration.prompt.replace("'", "&#39;").replace('"', "&#34;")[:60] in page
    assert draft.illustration.caption in page
    assert "$0.0000 · 6 model calls" in page
    assert "How this analysis was produced" in page and f"About {draft.byline.name}" in page
    assert "check the tonnage" in page and "<strong>restore</strong> by eve" in page
    assert 'id="version">Version 1<' in page


def test_a_draft_page_links_to_its_neighbours_in_the_queue(editor, store):
    ids = [d.id for d in list_drafts(store, statuses=[DraftStatus.IN_REVIEW])]

    page = editor.get(f"/drafts/{ids[1]}").text

    assert f'rel="prev" href="/drafts/{ids[0]}"' in page
    assert f'rel="next" href="/drafts/{ids[2]}"' in page


def test_the_diff_marks_the_words_that_changed_between_versions(editor, store, web_settings):
    draft = clean_draft(store)
    act(store, draft.id, Action.CHANGES, actor="eve", note="rework")
    apply_pending(web_settings, store, OfflineEngine(store), draft_id=draft.id)

    page = editor.get(f"/drafts/{draft.id}/diff").text
    chosen = editor.get(f"/drafts/{draft.id}/diff?from=2&to=2").text

    assert "What changed from version 1 to 2" in page
    assert 'class="diff-line diff-removed"' in page and 'class="diff-line diff-added"' in page
    assert "<ins>" in page and "<del>" in page
    assert "The two versions read the same." in chosen
    assert editor.get(f"/drafts/{draft.id}/diff?from=1&to=9").status_code == 404
    version_1 = editor.get(f"/drafts/{draft.id}/versions/1").text
    assert (
        "the current version is 2" in version_1
        and draft.headline.replace("'", "&#39;") in version_1
    )
    assert editor.get(f"/drafts/{draft.id}/versions/7").status_code == 404


def test_published_lists_articles_newest_first_and_each_has_its_page(editor, store):
    first, second = [
        d for d in list_drafts(store) if not any(c.verdict == "unsupported" for c in d.claims)
    ][:2]
    act_on(editor, first.id, "approve")
    act_on(editor, second.id, "approve")

    listing = editor.get("/published").text
    article = editor.get(f"/articles/{first.id}").text

    assert listing.index(f"/articles/{second.id}") < listing.index(f"/articles/{first.id}")
    assert "This article was retracted" not in article
    assert f'href="{first.sources[0].url}"' in article
    assert "Published" in article and "<time datetime=" in article
    assert editor.get(f"/articles/{clean_draft(store).id}").status_code == 404  # in review


def test_nothing_published_yet_says_so(editor):
    assert "Nothing published yet" in editor.get("/published").text


def test_feed_health_shows_fetch_times_errors_and_lets_an_admin_enable_a_feed(admin, store):
    broken = list_feeds(store)[0]
    with store.begin() as connection:
        connection.execute(
            update(feeds)
            .where(feeds.c.id == broken.id)
            .values(
                disabled=True,
                disabled_reason="8 failures in a row",
                error_count=8,
                last_error="HTTP 503 from the server",
            )
        )

    page = admin.get("/feeds").text

    assert "9 feeds, 1 failing or disabled" in page
    assert "HTTP 503 from the server" in page and "8 failures in a row" in page
    assert "Broken Wire (demo)" in page and "warning:" in page  # the malformed demo feed
    assert re.search(r"Last fetch.*Next check.*Errors.*Last error", page, re.S)
    reply = admin.post(f"/feeds/{broken.id}/enable", data={"csrf": csrf_of(page)})

    assert reply.status_code == 303
    assert "Feed enabled" in admin.get(reply.headers["location"]).text
    enabled = next(f for f in list_feeds(store) if f.id == broken.id)
    assert not enabled.disabled and enabled.error_count == 0
    assert admin.post("/feeds/999/enable", data={"csrf": csrf_of(page)}).status_code == 404


def test_runs_show_model_calls_tokens_and_cost_per_run_and_per_agent(editor, store):
    run_id = latest_run_id(store)

    listing = editor.get("/runs").text
    run = editor.get(f"/runs/{run_id}").text

    assert f'href="/runs/{run_id}"' in listing and ">66</td>" in listing
    assert "Cost per agent" in run and "All agents" in run
    for agent in ("analyst", "fact checker", "copy editor"):
        assert f"<td>{agent}</td>" in run
    assert "Bulk carrier carrying wheat" in run
    assert run.count('class="outcome-offline"') == 66
    assert editor.get("/runs/no-such-run").status_code == 404


@pytest.mark.parametrize("path", ["/", "/published", "/feeds", "/runs", "/login", "/nope"])
def test_every_answer_carries_a_strict_csp_and_the_other_security_headers(editor, path):
    reply = editor.get(path)

    assert reply.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "same-origin"
    assert reply.headers["x-frame-options"] == "DENY"


def test_pages_are_not_cached_but_static_files_may_be(editor):
    assert editor.get("/").headers["cache-control"] == "no-store"
    assert "cache-control" not in editor.get("/static/newsroom.css").headers


def test_pages_use_no_inline_script_or_style(editor, store):
    page = editor.get(f"/drafts/{clean_draft(store).id}").text

    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/keys.js" defer>']
    assert "<style" not in page and " style=" not in page and " on" + "click=" not in page


def test_unknown_pages_and_drafts_are_404_pages(editor):
    missing = editor.get("/drafts/0000")

    assert missing.status_code == 404
    assert "Not found" in missing.text and "no draft 0000" in missing.text
    assert editor.get("/no/such/page").status_code == 404

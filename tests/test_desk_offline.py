"""`newsroom run --topic ukraine --demo` end to end on the offline engine, as a user runs it."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

CITATION = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One real demo run in a subprocess; the tests below read what it left behind."""
    home = tmp_path_factory.mktemp("demo")
    result = run_cli("run", "--topic", "ukraine", "--demo", "--json", cwd=home, timeout=300)
    assert result.returncode == 0, result.stderr
    return home, json.loads(result.stdout), result


def drafts_of(home):
    listed = json.loads(run_cli("queue", "list", "--json", cwd=home).stdout)
    return [
        json.loads(run_cli("export", d["id"], "--format", "json", cwd=home).stdout) for d in listed
    ]


def test_demo_run_drafts_at_least_three_stories_into_the_queue(demo_run):
    home, record, _ = demo_run

    listed = json.loads(run_cli("queue", "list", "--json", cwd=home).stdout)

    assert record["status"] == "finished"
    assert len(listed) >= 3
    assert {d["status"] for d in listed} == {"in_review"}
    assert all(set(d) >= {"id", "status", "headline", "topic"} for d in listed)


def test_every_draft_cites_at_least_two_outlets(demo_run):
    for draft in drafts_of(demo_run[0]):
        cited = {int(n) for n in CITATION.findall(draft["body"])}
        outlets = {s["outlet"] for s in draft["sources"] if s["n"] in cited}
        assert len(outlets) >= 2, draft["headline"]


def test_every_citation_resolves_to_a_listed_source(demo_run):
    for draft in drafts_of(demo_run[0]):
        numbers = {s["n"] for s in draft["sources"]}
        assert {int(n) for n in CITATION.findall(draft["body"])} <= numbers
        assert all(s["url"] and s["outlet"] and s["title"] for s in draft["sources"])


def test_every_sentence_of_the_body_is_a_checked_claim(demo_run):
    for draft in drafts_of(demo_run[0]):
        claims = draft["claims"]
        assert claims and all(
            c["verdict"] in {"supported", "unsupported", "opinion"} for c in claims
        )
        cited_sentences = [c for c in claims if c["sources"]]
        assert all(c["verdict"] == "supported" and c["evidence"] for c in cited_sentences)
        body_citations = len(CITATION.findall(draft["body"]))
        assert sum(len(c["sources"]) for c in claims) == body_citations


def test_the_export_json_has_the_documented_fields(demo_run):
    draft = drafts_of(demo_run[0])[0]

    assert set(draft) >= {"headline", "dek", "body", "sources", "claims", "illustration",
                          "byline", "personas", "production", "cost", "engine"}  # fmt: skip
    assert draft["engine"] == "offline"
    assert draft["byline"]["name"] == "Viktor Petersen"
    assert len(draft["personas"]) == 9
    assert draft["illustration"]["caption"].startswith("AI generated illustration related to: ")
    assert set(draft["cost"]) >= {"usd", "tokens_in", "tokens_out", "llm_calls"}
    assert all(set(s) >= {"n", "outlet", "title", "url", "published", "language"}
               for s in draft["sources"])  # fmt: skip


def test_offline_drafts_say_they_are_offline_and_keep_untranslated_sources(demo_run):
    drafts = drafts_of(demo_run[0])

    assert all(any("offline" in note for note in d["notes"]) for d in drafts)
    languages = {s["language"] for d in drafts for s in d["sources"]}
    assert {"uk", "de"} <= languages
    assert any("no translator is configured" in note for d in drafts for note in d["notes"])


def test_the_run_writes_markdown_and_json_into_runs(demo_run):
    home, record, _ = demo_run

    folder = home / "home" / "runs" / record["id"]

    markdown = sorted(folder.glob("*.md"))
    assert len(markdown) >= 3
    text = markdown[0].read_text()
    assert "## Sources" in text and "## How this analysis was produced" in text


def test_the_run_says_it_uses_the_offline_engine(demo_run):
    assert "offline extractive engine" in demo_run[2].stderr


def test_a_second_run_skips_stories_already_drafted(demo_run, tmp_path):
    home, record, _ = demo_run

    again = run_cli("run", "--topic", "ukraine", "--demo", "--json", cwd=home, timeout=300)

    second = json.loads(again.stdout)
    first_ids = {s["story_id"] for s in record["stories"] if s["headline"]}
    assert not first_ids & {s["story_id"] for s in second["stories"] if s["headline"]}


def test_single_source_stories_are_reported_not_drafted(demo_run):
    stories = demo_run[1]["stories"]

    single = [s for s in stories if s["status"] == "single_source"]
    assert single and all(len(s["outlets"]) == 1 and s["headline"] is None for s in single)

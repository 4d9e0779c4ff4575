"""`newsroom eval` on a real offline demo run: the JSON, the table, the --min-support gate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_cli
from sqlalchemy import update

from newsroom.config import Settings
from newsroom.errors import ConfigError
from newsroom.evaluate import StoredSource, duplication, evaluate_run, score_draft
from newsroom.evaluate.readability import count_syllables, flesch_reading_ease, readability
from newsroom.models import (
    Byline,
    Cost,
    Draft,
    EditorReview,
    Illustration,
    Section,
    SourceRef,
)
from newsroom.store.db import open_engine
from newsroom.store.desk import list_drafts
from newsroom.store.schema import drafts

# newsroom/cli/__init__.py registers commands by importing their modules; until it imports
# newsroom.cli.evaluate, the command runs with that import done first. Same `main()`.
EVAL_MAIN = "import newsroom.cli.evaluate; from newsroom.cli import main; main()"


DRAFT_FIELDS = {
    *("draft_id", "headline", "citation_validity", "citation_support", "claim_coverage"),
    *("outlets", "languages", "duplication", "readability", "scored"),
}


def run_eval(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}
    env["NEWSROOM_HOME"] = str(cwd / "home")
    return subprocess.run(
        [sys.executable, "-c", EVAL_MAIN, "eval", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One offline demo run, and `newsroom eval --last --json` of it."""
    home = tmp_path_factory.mktemp("eval")
    ran = run_cli("run", "--topic", "ukraine", "--demo", "--json", cwd=home, timeout=300)
    assert ran.returncode == 0, ran.stderr
    scored = run_eval("--last", "--json", cwd=home)
    assert scored.returncode == 0, scored.stderr
    return home, json.loads(ran.stdout), json.loads(scored.stdout)


def test_eval_json_has_drafts_and_totals_between_0_and_1(demo):
    _, record, report = demo

    assert report["run_id"] == record["id"]
    drafted = [s for s in record["stories"] if s["status"] == "in_review"]
    assert len(report["drafts"]) == len(drafted) >= 3
    totals = report["totals"]
    for figure in ("citation_validity", "citation_support", "claim_coverage", "quote_fidelity",
                   "source_resolution", "max_duplication"):  # fmt: skip
        assert isinstance(totals[figure], float) and 0 <= totals[figure] <= 1, figure
    for draft in report["drafts"]:
        assert set(draft) >= DRAFT_FIELDS
        assert len(draft["outlets"]) >= 2


def test_demo_drafts_cite_only_listed_sources_that_support_them(demo):
    _, _, report = demo
    totals = report["totals"]

    assert totals["citation_validity"] == 1.0
    assert totals["citation_support"] == 1.0
    assert totals["source_resolution"] == 1.0
    assert totals["claim_coverage"] >= 0.95
    assert totals["max_duplication"] == 0.0
    assert set(totals["languages"]) == {"en", "uk", "ru", "de"}
    assert totals["outlets"] >= 6
    assert 20 <= totals["flesch_reading_ease"] <= 70
    assert "not installed" in report["entailment"] and totals["entailment_support"] is None


def test_the_table_shows_each_draft_and_the_totals(demo):
    home, _, report = demo

    shown = run_eval(report["run_id"], cwd=home)

    assert shown.returncode == 0, shown.stderr
    for draft in report["drafts"]:
        assert draft["draft_id"][:8] in shown.stdout
    assert "Totals over" in shown.stdout and "citation validity 100%" in shown.stdout


def test_min_support_gate_passes_a_fully_supported_run(demo):
    home, _, _ = demo

    assert run_eval("--last", "--min-support", "1", "--json", cwd=home).returncode == 0


@pytest.mark.slow
def test_min_support_gate_fails_a_run_with_an_unsupported_sentence(demo, tmp_path):
    home, _, _ = demo
    shutil.copytree(home / "home", tmp_path / "home")
    store = open_engine(Settings(home=tmp_path / "home"))
    draft = list_drafts(store)[0]
    wrong = "Three people were killed and 4,100 wounded, the city said [1]."
    draft.sections[0].paragraphs.append(wrong)
    # The fact checker's verdicts say all is well; eval must not believe them.
    for claim in draft.claims:
        claim.verdict = "supported"
    with store.begin() as connection:  # the stored draft, edited behind the desk's back
        connection.execute(
            update(drafts)
            .where(drafts.c.id == draft.id)
            .values(draft=draft.model_dump(mode="json"))
        )

    gated = run_eval("--last", "--min-support", "1", "--json", cwd=tmp_path)
    relaxed = run_eval("--last", "--min-support", "0.9", cwd=tmp_path)

    assert gated.returncode == 1
    assert "below --min-support 100.0%" in gated.stderr
    scored = json.loads(gated.stdout)
    (flagged,) = [s for d in scored["drafts"] for s in d["scored"] if s["supported"] is False]
    assert flagged["text"] == wrong and "no cited source supports it" in flagged["problem"]
    assert relaxed.returncode == 0


@pytest.mark.slow
def test_eval_names_a_run_or_says_how(demo, tmp_path):
    home, _, _ = demo

    neither = run_eval(cwd=home)
    empty = run_eval("--last", cwd=tmp_path)

    assert neither.returncode == 1 and "newsroom eval --last" in neither.stderr
    assert empty.returncode == 1 and "no run yet" in empty.stderr
    assert "Traceback" not in neither.stderr + empty.stderr
    with pytest.raises(ConfigError, match="no run '20990101-000000-abcdef'"):
        evaluate_run(open_engine(Settings(home=home / "home")), "20990101-000000-abcdef")


def test_an_installed_entailment_model_adds_its_figure(demo):
    home, _, _ = demo
    store = open_engine(Settings(home=home / "home"))
    run_id = list_drafts(store)[0].run_id

    class Doubtful:
        name = "doubtful"

        def probability(self, premise: str, hypothesis: str) -> float:
            return 0.1 if "drones" in hypothesis else 0.9

    report = evaluate_run(store, run_id, entailment=Doubtful(), entailment_note="by doubtful")

    assert report.totals.entailment_support is not None
    assert 0 < report.totals.entailment_support < report.totals.citation_support
    doubted = [s for d in report.drafts for s in d.scored if s.entailment == 0.1]
    assert doubted and all("drones" in s.text for s in doubted)


def test_duplication_is_the_share_of_sentences_another_draft_repeats():
    shared = "Kyiv said 12 drones were shot down [1]."
    bodies = {
        "a": [shared, "A second sentence [2].", "A third one [1].", "A fourth one [2]."],
        "b": ["Kyiv said 12 drones were shot down [3].", "Something else [1]."],
        "c": ["Nothing in common [1]."],
    }

    result = duplication(bodies)

    assert result["a"] == (0.25, "b")
    assert result["b"] == (0.5, "a")
    assert result["c"] == (0.0, None)


def test_flesch_reading_ease_follows_the_documented_formula():
    # 6 words, 6 syllables, 1 sentence: 206.835 - 1.015 * 6 - 84.6 * 1 = 116.1
    assert flesch_reading_ease(["The cat sat on the mat."]) == 116.1
    syllables = [count_syllables(w) for w in ("make", "table", "reconnected", "Ukraine's")]
    assert syllables == [1, 2, 4, 2]
    assert flesch_reading_ease(["Київ заявив про атаку."]) is None
    scores = readability(["One two three.", "Four five six seven eight."])
    assert scores.avg_sentence_words == 4.0 and scores.words == 8


def test_a_sentence_found_only_in_the_translation_is_supported_by_it():
    original = StoredSource(
        n=1, item_id=1, outlet="Дніпровський вісник", title="Атака на енергетику",
        text="У Києві троє загиблих, без світла 600 тисяч домівок.", language="uk",
        translation="Three people were killed in Kyiv and 600,000 homes lost power.",
        matches_listing=True, published=datetime(2026, 11, 19, 6, 20, tzinfo=UTC),
    )  # fmt: skip
    sentences = [
        "Three people were killed in Kyiv and 600,000 homes lost power [1].",
        "- 19 Nov 2026, 06:20 UTC: Дніпровський вісник: Атака на енергетику [1]",
        "- 19 Nov 2026, 07:20 UTC: Дніпровський вісник: Атака на енергетику [1]",
    ]
    draft = make_draft(sentences, [SourceRef(n=1, outlet=original.outlet, title=original.title)])

    scored = score_draft(draft, {1: original}).scored

    assert [(s.supported, s.supported_by) for s in scored] == [
        (True, "translation"), (True, "attribution"), (False, None),
    ]  # fmt: skip
    assert scored[2].problem == "source [1] was not published at 19 Nov 2026, 07:20"


def make_draft(sentences: list[str], sources: list[SourceRef]) -> Draft:
    return Draft(
        id="d", story_id="s", run_id="r", topic="t", headline="H", dek="D",
        body="\n".join(sentences), sections=[Section(paragraphs=sentences)], sources=sources,
        claims=[], illustration=Illustration(prompt="-", caption="-", alt="-"),
        byline=Byline(name="-", bio="-"), personas=[], production="",
        review=EditorReview(passed=True, independent_outlets=1, languages=["uk"]),
        cost=Cost(), engine="openai", created_at=datetime.now(UTC),
    )  # fmt: skip

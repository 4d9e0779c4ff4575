"""Planted errors: drafts built from real demo-corpus items, each with one error planted in
an otherwise honest draft. The fact checker (offline engine) and `newsroom eval` must each
catch every one; the catch rate is printed (pytest -s) and must be 100%."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from newsroom.agents.analyst import cite
from newsroom.agents.fact_checker import check
from newsroom.agents.researcher import number_sources
from newsroom.config import Settings
from newsroom.evaluate import score_draft, stored_sources
from newsroom.ingest.run import ingest_topics
from newsroom.llm.offline_engine import OfflineEngine
from newsroom.models import (
    ArticleText,
    Byline,
    Cost,
    Draft,
    EditorReview,
    Illustration,
    Section,
    Source,
    SourceRef,
)
from newsroom.models.llm import CallContext
from newsroom.nlp import split_sentences
from newsroom.personas import load_persona
from newsroom.store.candidates import topic_candidates
from newsroom.store.db import open_engine
from newsroom.topics import load_topic

STRIKE = "Overnight strike on Kyiv's energy grid kills three, cuts power to 600,000 homes"
STRIKE_WIRE = "Russia fires hundreds of drones, dozens of missiles at Ukraine's power system"
PRISONERS = "157 Ukrainian prisoners come home in UAE-brokered exchange"


@dataclass
class Desk:
    store: Engine
    sources: list[Source]

    def n(self, title: str) -> int:
        return next(s.n for s in self.sources if s.title == title)

    def sentence(self, title: str, containing: str) -> str:
        source = next(s for s in self.sources if s.title == title)
        return next(s for s in split_sentences(source.text) if containing in s)


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Desk:
    """The demo corpus ingested into a real store; two reports of the 19 November strike
    and an unrelated item (the prisoner exchange) as a draft's source list."""
    settings = Settings(home=tmp_path_factory.mktemp("planted") / "home")
    store = open_engine(settings)
    ingest_topics(store, settings, [load_topic("ukraine")], demo=True)
    by_title = {c.title: c for c in topic_candidates(store, "ukraine", exclude=set())}
    return Desk(store, number_sources([by_title[t] for t in (STRIKE, STRIKE_WIRE, PRISONERS)]))


def honest(desk: Desk) -> list[str]:
    """Sentences of the two strike reports, each cited to its own, and an opinion."""
    return [
        cite(desk.sentence(STRIKE, "480 drones"), desk.n(STRIKE)),
        cite(desk.sentence(STRIKE_WIRE, "Ukrenergo"), desk.n(STRIKE_WIRE)),
        cite(desk.sentence(STRIKE_WIRE, "Savchuk"), desk.n(STRIKE_WIRE)),
        "The pressure on the grid will likely continue.",
    ]


def planted(desk: Desk, case: str) -> str:
    """The one wrong sentence of each case, made from the items' own sentences."""
    if case == "fabricated source":
        return cite(desk.sentence(STRIKE, "41 wounded"), len(desk.sources) + 4)
    if case == "wrong number":
        return cite(desk.sentence(STRIKE, "41 wounded").replace("41", "42"), desk.n(STRIKE))
    if case == "quote moved to another outlet":
        return cite(desk.sentence(STRIKE, "deliberate attempt"), desk.n(STRIKE_WIRE))
    if case == "claim cited to an unrelated item":
        return cite(desk.sentence(STRIKE, "41 wounded"), desk.n(PRISONERS))
    raise ValueError(case)


CASES = [
    "fabricated source",
    "wrong number",
    "quote moved to another outlet",
    "claim cited to an unrelated item",
]


def article_with(sentences: list[str]) -> ArticleText:
    return ArticleText(
        headline="Strike on Kyiv's grid",
        dek="A planted-error test draft.",
        sections=[Section(heading="What happened", paragraphs=[" ".join(sentences)])],
    )


def as_draft(article: ArticleText, sources: list[Source]) -> Draft:
    """A stored-shape draft with no fact-check verdicts at all: eval must not need them."""
    return Draft(
        id="planted",
        story_id="planted",
        run_id="planted",
        topic="ukraine",
        headline=article.headline,
        dek=article.dek,
        body=article.body_markdown(),
        sections=article.sections,
        sources=[SourceRef(**s.model_dump(include=set(SourceRef.model_fields))) for s in sources],
        claims=[],
        illustration=Illustration(prompt="-", caption="-", alt="-"),
        byline=Byline(name="-", bio="-"),
        personas=[],
        production="",
        review=EditorReview(passed=True, independent_outlets=2, languages=["en"]),
        cost=Cost(),
        engine="offline",
        created_at=datetime.now(UTC),
    )


def fact_checker_verdicts(desk: Desk, sentences: list[str]) -> dict[str, str]:
    checked = check(
        OfflineEngine(desk.store),
        load_persona("fact_checker"),
        article_with(sentences),
        desk.sources,
        CallContext(agent="fact_checker"),
    )
    return {claim.text: claim.verdict for claim in checked.claims}


def eval_supported(desk: Desk, sentences: list[str]) -> dict[str, bool | None]:
    draft = as_draft(article_with(sentences), desk.sources)
    scored = score_draft(draft, stored_sources(desk.store, draft))
    return {s.text: s.supported for s in scored.scored}


def catches(desk: Desk, case: str) -> dict[str, bool]:
    wrong = planted(desk, case)
    sentences = [*honest(desk), wrong]
    return {
        "fact checker": fact_checker_verdicts(desk, sentences)[wrong] == "unsupported",
        "newsroom eval": eval_supported(desk, sentences)[wrong] is False,
    }


def test_the_honest_draft_passes_both_checks(desk):
    sentences = honest(desk)

    verdicts = fact_checker_verdicts(desk, sentences)
    supported = eval_supported(desk, sentences)

    cited = [s for s in sentences if "[" in s]
    assert [verdicts[s] for s in cited] == ["supported"] * len(cited)
    assert [supported[s] for s in cited] == [True] * len(cited)
    assert verdicts[sentences[-1]] == "opinion"


@pytest.mark.parametrize("case", CASES)
def test_each_planted_error_is_caught_by_both(desk, case):
    assert catches(desk, case) == {"fact checker": True, "newsroom eval": True}


def test_the_planted_error_catch_rate_is_100_percent(desk):
    results = {case: catches(desk, case) for case in CASES}

    caught = sum(hit for result in results.values() for hit in result.values())
    total = sum(len(result) for result in results.values())
    for case, result in results.items():
        verdicts = "  ".join(f"{k}: {'caught' if v else 'MISSED'}" for k, v in result.items())
        print(f"{case:36} {verdicts}")
    print(f"planted-error catch rate: {caught}/{total} = {caught / total:.0%}")
    assert caught == total


def test_a_short_quotation_moved_into_a_supported_sentence_is_caught(desk):
    """The wire's own casualty sentence, plus four words the other outlet quoted."""
    wrong = cite(
        desk.sentence(STRIKE_WIRE, "three people were killed").rstrip(".")
        + ', calling it "a deliberate attempt"',
        desk.n(STRIKE_WIRE),
    )
    sentences = [*honest(desk), wrong]

    assert fact_checker_verdicts(desk, sentences)[wrong] == "unsupported"
    assert eval_supported(desk, sentences)[wrong] is False


def test_eval_catches_a_listed_source_the_store_never_had(desk):
    """The fact checker trusts the source list the desk built from the store; eval does not."""
    invented = Source(
        n=len(desk.sources) + 1,
        item_id=999_999,
        outlet="Invented Wire",
        title="Kyiv strike toll rises",
        url="https://invented.invalid/toll",
        language="en",
        text="Officials said 300 people were wounded in Kyiv overnight.",
    )
    wrong = cite(invented.text, invented.n)
    draft = as_draft(article_with([*honest(desk), wrong]), [*desk.sources, invented])

    scored = score_draft(draft, stored_sources(desk.store, draft))

    (flagged,) = [s for s in scored.scored if s.text == wrong]
    assert flagged.supported is False and "not in the store" in (flagged.problem or "")
    assert scored.sources_found == len(desk.sources) < scored.sources_listed


SPEAKER_SWAP = (
    "a lexical check cannot tell who said it: 'Hnatiuk said' put on the wire's 'city "
    "officials said' sentence keeps enough shared words"
)


@pytest.mark.xfail(reason=SPEAKER_SWAP)
def test_a_speaker_swapped_without_quotation_marks_is_caught(desk):
    wrong = cite(
        desk.sentence(STRIKE_WIRE, "three people were killed").replace("city officials", "Hnatiuk"),
        desk.n(STRIKE_WIRE),
    )
    sentences = [*honest(desk), wrong]

    assert fact_checker_verdicts(desk, sentences)[wrong] == "unsupported"
    assert eval_supported(desk, sentences)[wrong] is False

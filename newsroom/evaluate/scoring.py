"""Scoring a run's drafts against the stored text of their sources, independently of the
fact checker: its verdicts (Claim.verdict) are never read here.

A cited sentence is supported when every number it cites is in the source list and
  - it is an attribution line ("Outlet: title", "Outlet reported in German: “title”",
    "- 19 Nov 2026, 05:45 UTC: Outlet: title") naming a cited source whose stored item
    has that outlet, title and time; or
  - a cited source's stored text (or the desk translator's English of it) has a sentence
    that supports it lexically (nlp.best_support at SUPPORT_THRESHOLD: wrong numbers and
    missing names fail) and any direct quotation in it appears there verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsroom.agents.fact_checker import claim_sentences, quotations
from newsroom.evaluate.entailment import ENTAILED, Entailment
from newsroom.evaluate.models import DraftScore, RunTotals, SentenceScore
from newsroom.evaluate.readability import readability
from newsroom.evaluate.sources import StoredSource
from newsroom.models import ArticleText, Draft, SourceRef
from newsroom.nlp import (
    SUPPORT_THRESHOLD,
    best_support,
    citations,
    evidence_in_source,
    is_opinion,
    strip_citations,
)

_WHEN = re.compile(r"\b\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b")
_SPACES = re.compile(r"\s+")


def score_draft(
    draft: Draft, sources: dict[int, StoredSource], entailment: Entailment | None = None
) -> DraftScore:
    """The figures of one draft; `sources` maps each listed number to its stored item."""
    listed = {ref.n: ref for ref in draft.sources}
    sentences = draft_sentences(draft)
    scored = [_score_sentence(s, listed, sources, entailment) for s in sentences]
    factual = [s for s in scored if s.factual]
    cited = [s for s in scored if s.cites]
    quoted = [s for s in cited if s.quote_found is not None]
    citations_total = sum(len(s.cites) for s in scored)
    invalid = sum(len(s.invalid_citations) for s in scored)
    found = [s for s in sources.values() if s.found]
    cited_numbers = {n for s in scored for n in s.cites if n in listed}
    return DraftScore(
        draft_id=draft.id,
        story_id=draft.story_id,
        headline=draft.headline,
        sentences=len(scored),
        factual_sentences=len(factual),
        cited_sentences=len(cited),
        covered_sentences=sum(bool(s.cites) for s in factual),
        supported_sentences=sum(bool(s.supported) for s in cited),
        citations=citations_total,
        valid_citations=citations_total - invalid,
        quoted_sentences=len(quoted),
        quotes_found=sum(bool(s.quote_found) for s in quoted),
        citation_validity=share(citations_total - invalid, citations_total, empty=1.0),
        citation_support=share(sum(bool(s.supported) for s in cited), len(cited), empty=0.0),
        claim_coverage=share(sum(bool(s.cites) for s in factual), len(factual), empty=1.0),
        quote_fidelity=share(sum(bool(s.quote_found) for s in quoted), len(quoted), empty=1.0),
        entailment_support=share(_entailed(cited), len(cited), empty=0.0) if entailment else None,
        entailed_sentences=_entailed(cited) if entailment else 0,
        sources_listed=len(draft.sources),
        sources_found=len(found),
        sources_matching=sum(s.matches_listing for s in found),
        outlets=sorted({ref.outlet for ref in draft.sources}),
        cited_outlets=sorted({listed[n].outlet for n in cited_numbers}),
        languages=sorted({ref.language or "und" for ref in draft.sources}),
        readability=readability(prose(sentences)),
        scored=scored,
    )


def draft_sentences(draft: Draft) -> list[str]:
    """The body's sentences and list lines, as the fact checker splits them."""
    article = ArticleText(headline=draft.headline, dek=draft.dek, sections=draft.sections)
    return claim_sentences(article)


def prose(sentences: Iterable[str]) -> list[str]:
    """Sentences without their citation markers, list lines (the timeline) left out."""
    return [strip_citations(s) for s in sentences if not s.lstrip().startswith("- ")]


def share(part: int, whole: int, *, empty: float) -> float:
    """part / whole, rounded; `empty` when there is nothing to count (documented per figure)."""
    return round(part / whole, 4) if whole else empty


def _score_sentence(
    sentence: str,
    listed: dict[int, SourceRef],
    sources: dict[int, StoredSource],
    entailment: Entailment | None,
) -> SentenceScore:
    bare = strip_citations(sentence).strip()
    cites = citations(sentence)
    result = SentenceScore(text=sentence, cites=cites, factual=not is_opinion(sentence))
    if not cites:
        return result
    invalid = [n for n in cites if n not in listed]
    if invalid:
        problem = f"cites [{invalid[0]}], which is not in the source list"
        return _update(result, invalid_citations=invalid, supported=False, problem=problem)
    cited = [(listed[n], sources.get(n) or StoredSource(n=n)) for n in cites]
    for ref, stored in cited:
        if _names(bare, ref):
            return _attribution(result, bare, ref, stored)
    missing = [ref.n for ref, stored in cited if not stored.found]
    if len(missing) == len(cited):
        return _update(
            result, supported=False, problem=f"source [{missing[0]}] is not in the store"
        )
    return _lexical(result, bare, [stored for _, stored in cited if stored.found], entailment)


def _names(bare: str, ref: SourceRef) -> bool:
    """An attribution line: it names the listed outlet and quotes the listed title."""
    return ref.outlet in bare and bool(ref.title) and evidence_in_source(ref.title, bare)


def _attribution(
    result: SentenceScore, bare: str, ref: SourceRef, stored: StoredSource
) -> SentenceScore:
    when = _WHEN.search(bare)
    dated = when is None or (
        stored.published is not None and f"{stored.published:%d %b %Y, %H:%M}" == when.group()
    )
    if stored.matches_listing and dated:
        return _update(result, supported=True, score=1.0, source=ref.n, evidence=stored.title,
                       supported_by="attribution")  # fmt: skip
    if not stored.found:
        problem = f"source [{ref.n}] is not in the store"
    elif not stored.matches_listing:
        problem = f"source [{ref.n}] is stored as {stored.outlet}: {stored.title}"
    else:
        problem = f"source [{ref.n}] was not published at {when.group() if when else '-'}"
    return _update(result, supported=False, source=ref.n, problem=problem)


def _lexical(
    result: SentenceScore, bare: str, cited: list[StoredSource], entailment: Entailment | None
) -> SentenceScore:
    quotes = quotations(bare)
    texts = [(s, s.original(), "text") for s in cited]
    texts += [(s, s.translation, "translation") for s in cited if s.translation]
    quote_found = (
        any(all(evidence_in_source(q, text) for q in quotes) for _, text, _ in texts)
        if quotes
        else None
    )
    source, support, via = max(
        ((s, best_support(bare, text), via) for s, text, via in texts),
        key=lambda found: found[1].score,
    )
    supported = support.score >= SUPPORT_THRESHOLD and support.evidence is not None
    problem = None
    if not supported:
        problem = f"no cited source supports it (best {support.score:.2f} in [{source.n}])"
    elif quote_found is False:
        supported, problem = False, "the quotation is not in any cited source"
    probability = None
    if entailment and support.evidence:
        probability = round(entailment.probability(support.evidence, bare), 4)
    return _update(
        result,
        supported=supported,
        score=support.score,
        source=source.n,
        evidence=support.evidence,
        supported_by=via if supported else None,
        quote_found=quote_found,
        entailment=probability,
        problem=problem,
    )


def _update(result: SentenceScore, **changes: object) -> SentenceScore:
    return result.model_copy(update=changes)


def _entailed(cited: list[SentenceScore]) -> int:
    """Cited sentences that are supported and, unless attribution lines, entailed."""
    return sum(
        bool(s.supported) and (s.supported_by == "attribution" or (s.entailment or 0.0) >= ENTAILED)
        for s in cited
    )


def duplication(bodies: dict[str, list[str]]) -> dict[str, tuple[float, str | None]]:
    """For each draft, the largest share of its sentences found in one other draft, and which."""
    normalised = {d: {_normalise(s) for s in sentences} - {""} for d, sentences in bodies.items()}
    result: dict[str, tuple[float, str | None]] = {}
    for draft, own in normalised.items():
        best: tuple[float, str | None] = (0.0, None)
        for other, theirs in normalised.items():
            if other != draft and own:
                overlap = round(len(own & theirs) / len(own), 4)
                best = max(best, (overlap, other), key=lambda b: b[0])
        result[draft] = best
    return result


def _normalise(sentence: str) -> str:
    return _SPACES.sub(" ", strip_citations(sentence)).strip(" .").casefold()


def run_totals(scores: list[DraftScore], *, entailment: bool) -> RunTotals:
    """The run's figures, counted over every sentence of every draft (not averaged ratios)."""
    cited = sum(d.cited_sentences for d in scores)
    citations_total = sum(d.citations for d in scores)
    text = readability(prose(s.text for d in scores for s in d.scored))
    return RunTotals(
        drafts=len(scores),
        citation_validity=share(sum(d.valid_citations for d in scores), citations_total, empty=1.0),
        citation_support=share(sum(d.supported_sentences for d in scores), cited, empty=0.0),
        claim_coverage=share(
            sum(d.covered_sentences for d in scores),
            sum(d.factual_sentences for d in scores),
            empty=1.0,
        ),
        quote_fidelity=share(
            sum(d.quotes_found for d in scores), sum(d.quoted_sentences for d in scores), empty=1.0
        ),
        entailment_support=(
            share(sum(d.entailed_sentences for d in scores), cited, empty=0.0)
            if entailment
            else None
        ),
        source_resolution=share(
            sum(d.sources_matching for d in scores),
            sum(d.sources_listed for d in scores),
            empty=1.0,
        ),
        outlets=len({o for d in scores for o in d.outlets}),
        languages=sorted({lang for d in scores for lang in d.languages}),
        max_duplication=max((d.duplication for d in scores), default=0.0),
        avg_sentence_words=text.avg_sentence_words,
        flesch_reading_ease=text.flesch_reading_ease,
    )

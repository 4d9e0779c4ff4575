"""The fact checker: every sentence of a draft is a claim, checked against the sources it cites.

A model may propose verdicts and evidence, but a claim counts as supported only when its
evidence appears in the text of a source it cites, checked here mechanically.
"""

from __future__ import annotations

import re

from newsroom.llm.base import LLM
from newsroom.models import ArticleText, Claim, FactCheck, Model, Persona, Source, Verdict
from newsroom.models.llm import CallContext
from newsroom.nlp.sentences import split_sentences
from newsroom.nlp.support import (
    SUPPORT_THRESHOLD,
    best_support,
    citations,
    evidence_in_source,
    is_opinion,
    strip_citations,
)

# Lines the offline analyst writes about a source itself (when and how it reported).
_TIMELINE = re.compile(r"^- (?P<when>\d{2} \w{3} \d{4}, \d{2}:\d{2}) UTC: (?P<event>.+)$")
_REPORTED = re.compile(r"^(?P<outlet>.+?) reported in [\w ]+: “(?P<quote>.+)”")
_ONLY_CITATIONS = re.compile(r"^\s*(\[\d+(?:\s*,\s*\d+)*\]\s*)+[.!?]?\s*$")
# A direct quotation between double quotes of any national style: “…”, "…", «…», „…“.
_QUOTATION = re.compile(r"[“\"«„]([^“”\"«»„]+?)[”\"»“]")


class ClaimToCheck(Model):
    index: int
    text: str
    cites: list[int]


class FactCheckInputs(Model):
    claims: list[ClaimToCheck]
    sources: list[Source]


class ProposedVerdict(Model):
    index: int
    verdict: Verdict
    source: int | None = None
    evidence: str | None = None
    note: str | None = None


class ProposedVerdicts(Model):
    verdicts: list[ProposedVerdict]


def claim_sentences(article: ArticleText) -> list[str]:
    """The draft's sentences and list lines, each with its citation markers kept."""
    claims: list[str] = []
    for section in article.sections:
        for paragraph in section.paragraphs:
            for line in paragraph.splitlines():
                line = line.strip()
                if not line:
                    continue
                if line.startswith("- "):
                    claims.append(line)
                    continue
                for sentence in split_sentences(line):
                    if _ONLY_CITATIONS.match(sentence) and claims:
                        claims[-1] = f"{claims[-1]} {sentence.strip()}"
                    else:
                        claims.append(sentence)
    return claims


def quotations(sentence: str) -> list[str]:
    """The sentence's direct quotations of three words or more, without end punctuation."""
    found = (q.strip().rstrip(",.;:!?…") for q in _QUOTATION.findall(strip_citations(sentence)))
    return [q for q in found if len(q.split()) >= 3]


def check(
    llm: LLM,
    persona: Persona,
    article: ArticleText,
    sources: list[Source],
    context: CallContext,
) -> FactCheck:
    sentences = claim_sentences(article)
    inputs = FactCheckInputs(
        claims=[ClaimToCheck(index=i, text=s, cites=citations(s)) for i, s in enumerate(sentences)],
        sources=sources,
    )
    proposed = llm.generate(
        "fact_checker",
        inputs,
        ProposedVerdicts,
        persona=persona,
        context=context,
        offline=lambda: ProposedVerdicts(verdicts=[]),
    )
    by_index = {v.index: v for v in proposed.verdicts}
    by_n = {s.n: s for s in sources}
    return FactCheck(claims=[verify_claim(c, by_index.get(c.index), by_n) for c in inputs.claims])


def verify_claim(
    claim: ClaimToCheck, proposed: ProposedVerdict | None, sources: dict[int, Source]
) -> Claim:
    """The verdict this desk stands behind for one sentence."""
    missing = [n for n in claim.cites if n not in sources]
    if missing:
        note = f"cites [{missing[0]}], which is not in the source list"
        return _claim(claim, "unsupported", note=note)
    if not claim.cites:
        if is_opinion(claim.text):
            return _claim(claim, "opinion")
        return _claim(claim, "unsupported", note="a factual sentence without a citation")
    cited = [sources[n] for n in claim.cites]
    quoted = quotations(claim.text)
    if quoted and not any(all(evidence_in_source(q, s.citable()) for q in quoted) for s in cited):
        # Word overlap passes a quotation moved from another outlet into a sentence the
        # cited source otherwise supports; quoted words must be the source's own.
        return _claim(claim, "unsupported", note="the quotation is not in any cited source")
    if proposed and proposed.verdict == "unsupported":
        # A model's doubt is kept: it may see a misreading that word overlap cannot.
        return _claim(
            claim, "unsupported", note=proposed.note or "the fact checker found no support"
        )
    if proposed and proposed.verdict == "supported" and proposed.evidence:
        if not any(evidence_in_source(proposed.evidence, s.citable()) for s in cited):
            note = "the quoted evidence does not appear in any cited source"
            return _claim(claim, "unsupported", note=note)
        if best_support(strip_citations(claim.text), proposed.evidence).score >= SUPPORT_THRESHOLD:
            return _claim(claim, "supported", evidence=proposed.evidence)
    return _lexical_verdict(claim, cited)


def _claim(
    claim: ClaimToCheck, verdict: Verdict, *, evidence: str | None = None, note: str | None = None
) -> Claim:
    return Claim(
        text=claim.text, verdict=verdict, sources=claim.cites, evidence=evidence, note=note
    )


def _lexical_verdict(claim: ClaimToCheck, cited: list[Source]) -> Claim:
    bare = strip_citations(claim.text).strip()
    timeline = _TIMELINE.match(bare)
    if timeline:
        return _source_line(claim, cited, timeline.group("event"), when=timeline.group("when"))
    reported = _REPORTED.match(bare)
    if reported:
        event = f"{reported.group('outlet')}: {reported.group('quote')}"
        return _source_line(claim, cited, event, when=None)
    best = max((best_support(bare, s.citable()) for s in cited), key=lambda s: s.score)
    if best.score >= SUPPORT_THRESHOLD and best.evidence:
        return _claim(claim, "supported", evidence=best.evidence)
    if is_opinion(bare):
        return _claim(claim, "opinion")
    return _claim(claim, "unsupported", note="no cited source contains this claim")


def _source_line(
    claim: ClaimToCheck, cited: list[Source], event: str, *, when: str | None
) -> Claim:
    """'Outlet: title' lines are checked against the source's own outlet, title and time."""
    for source in cited:
        if not event.startswith(f"{source.outlet}: "):
            continue
        quote = event[len(source.outlet) + 2 :]
        dated = when is None or (
            source.published is not None and f"{source.published:%d %b %Y, %H:%M}" == when
        )
        if dated and evidence_in_source(quote, source.citable()):
            return _claim(claim, "supported", evidence=quote)
    note = "the cited source has no such outlet, title or time"
    return _claim(claim, "unsupported", note=note)


def recheck(article: ArticleText, sources: list[Source], previous: FactCheck) -> FactCheck:
    """The verdicts for an edited article without another model call.

    Sentences the edit left unchanged keep their verdict; changed ones are checked again
    lexically against their cited sources, so the published text is the checked text.
    """
    known = {claim.text: claim for claim in previous.claims}
    by_n = {s.n: s for s in sources}
    claims = []
    for index, sentence in enumerate(claim_sentences(article)):
        if sentence in known:
            claims.append(known[sentence])
            continue
        claim = ClaimToCheck(index=index, text=sentence, cites=citations(sentence))
        claims.append(verify_claim(claim, None, by_n))
    return FactCheck(claims=claims)

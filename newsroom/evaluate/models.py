"""What `newsroom eval` reports: per sentence, per draft and for the whole run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from newsroom.evaluate.readability import Readability
from newsroom.models import Model

SupportedBy = Literal["text", "translation", "attribution"]


class SentenceScore(Model):
    """One sentence or list line of a draft's body, scored against its cited sources."""

    text: str
    cites: list[int] = Field(default_factory=list)
    factual: bool  # not an opinion sentence (nlp.is_opinion)
    invalid_citations: list[int] = Field(default_factory=list)  # numbers not in the list
    supported: bool | None = None  # None: the sentence cites nothing
    score: float = 0.0  # the best lexical support among its cited sources
    source: int | None = None  # the cited source that supports it best
    evidence: str | None = None  # that source's sentence, verbatim
    supported_by: SupportedBy | None = None
    quote_found: bool | None = None  # None: no direct quotation of three words or more
    entailment: float | None = None
    problem: str | None = None


class DraftScore(Model):
    draft_id: str
    story_id: str
    headline: str
    sentences: int
    factual_sentences: int
    cited_sentences: int
    covered_sentences: int  # factual sentences carrying at least one citation
    supported_sentences: int
    citations: int  # citation numbers, counted once per sentence
    valid_citations: int
    quoted_sentences: int
    quotes_found: int
    citation_validity: float
    citation_support: float
    claim_coverage: float
    quote_fidelity: float
    entailment_support: float | None = None
    entailed_sentences: int = 0
    sources_listed: int
    sources_found: int  # listed sources whose item is in the store
    sources_matching: int  # ... with the outlet and title the draft lists
    outlets: list[str]
    cited_outlets: list[str]
    languages: list[str]
    duplication: float = 0.0  # share of its sentences that another draft of the run has
    duplicate_of: str | None = None
    readability: Readability
    scored: list[SentenceScore]


class RunTotals(Model):
    """The run's figures: shares are over all sentences or citations of all drafts."""

    drafts: int
    citation_validity: float
    citation_support: float
    claim_coverage: float
    quote_fidelity: float
    entailment_support: float | None = None
    source_resolution: float  # listed sources found in the store as listed
    outlets: int
    languages: list[str]
    max_duplication: float
    avg_sentence_words: float
    flesch_reading_ease: float | None = None


class EvalReport(Model):
    run_id: str
    topic: str
    engine: str
    entailment: str  # which model checked entailment, or why none did
    drafts: list[DraftScore]
    totals: RunTotals

"""The analyst: the desk's named voice writes the piece; every factual sentence cites [n]."""

from __future__ import annotations

import re

from pydantic import Field

from newsroom.agents.researcher import english_sentences
from newsroom.llm.base import LLM
from newsroom.models import ArticleText, Claim, Fact, Model, Persona, Research, Section, Source
from newsroom.models.llm import CallContext
from newsroom.nlp.summarize import rank_sentences, select_sentences
from newsroom.nlp.support import strip_citations

LANGUAGE_NAMES = {"en": "English", "uk": "Ukrainian", "ru": "Russian", "de": "German",
                  "fr": "French", "pl": "Polish"}  # fmt: skip
TARGET_WORDS = 700
_END = re.compile(r"([.!?…]+[\"”»']?)\s*$")


class AnalystInputs(Model):
    story_title: str
    research: Research
    target_words: int = TARGET_WORDS
    unsupported: list[Claim] = Field(
        default_factory=list, description="Claims the fact checker could not find in a source."
    )
    editor_note: str | None = None
    previous: ArticleText | None = None


def write(
    llm: LLM,
    persona: Persona,
    inputs: AnalystInputs,
    context: CallContext,
) -> ArticleText:
    return llm.generate(
        "analyst",
        inputs,
        ArticleText,
        persona=persona,
        context=context,
        offline=lambda: _offline_article(inputs),
    )


def cite(sentence: str, n: int) -> str:
    """Put [n] before the sentence's final punctuation: 'It fell [2].'"""
    sentence = sentence.strip()
    match = _END.search(sentence)
    if not match:
        return f"{sentence} [{n}]."
    return f"{sentence[: match.start()].rstrip()} [{n}]{match.group(1)}"


def _offline_article(inputs: AnalystInputs) -> ArticleText:
    """An extractive article: the most central facts, then how each outlet told it, then when."""
    research = inputs.research
    rejected = [c.text for c in inputs.unsupported]
    facts = [f for f in _candidate_facts(research) if not any(_same(f.text, r) for r in rejected)]
    # An editor's note steers which facts lead: it joins the title as the ranking's query.
    query = f"{inputs.story_title} {inputs.editor_note or ''}".strip()
    chosen = select_sentences([(f.text, f.source) for f in facts], limit=9, query=query)
    if inputs.editor_note:
        chosen = _lead_with(chosen, inputs.editor_note)
    cited = [cite(text, n) for text, n in chosen]
    sections = [Section(heading="What happened", paragraphs=_paragraphs(cited[:4]))]
    if cited[4:]:
        sections.append(Section(heading="The details", paragraphs=_paragraphs(cited[4:])))
    reports = _outlet_reports(research.sources)
    if reports:
        sections.append(Section(heading="How it was reported", paragraphs=reports))
    sections.append(Section(heading="Timeline", paragraphs=[_timeline(research)]))
    lead = chosen[0][0] if chosen else inputs.story_title
    return ArticleText(headline=inputs.story_title, dek=lead, sections=sections)


def _lead_with(chosen: list[tuple[str, int]], note: str) -> list[tuple[str, int]]:
    """The facts closest to what the editor asked for move to the top of the piece."""
    scores = rank_sentences([text for text, _ in chosen], query=note)
    order = sorted(range(len(chosen)), key=lambda i: (-scores[i], i))
    return [chosen[i] for i in order]


def _candidate_facts(research: Research) -> list[Fact]:
    """The researcher's key facts first, then every other English sentence of the sources."""
    seen = {f.text for f in research.key_facts}
    rest = [
        Fact(text=s, source=src.n)
        for src in research.sources
        for s in english_sentences(src)
        if s not in seen
    ]
    return [*research.key_facts, *rest]


def _outlet_reports(sources: list[Source]) -> list[str]:
    """One line for each report the draft could not quote in English, so none is dropped."""
    lines = []
    for source in sources:
        if source.language in (None, "en") or source.text_en:
            continue
        language = LANGUAGE_NAMES.get(source.language, source.language)
        lines.append(f"{source.outlet} reported in {language}: “{source.title}” [{source.n}].")
    return lines


def _timeline(research: Research) -> str:
    entries = [
        f"- {t.when:%d %b %Y, %H:%M} UTC: {t.event} [{t.source}]"
        if t.when
        else f"- {t.event} [{t.source}]"
        for t in research.timeline
    ]
    return "\n".join(entries)


def _paragraphs(sentences: list[str], per_paragraph: int = 2) -> list[str]:
    return [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    ] or ["No English-language report of this event could be quoted."]


def _same(a: str, b: str) -> bool:
    def bare(text: str) -> str:
        return strip_citations(text).strip(" .").casefold()

    return bare(a) == bare(b)

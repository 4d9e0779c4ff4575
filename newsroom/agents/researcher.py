"""The researcher: the story's numbered sources, a dated timeline, and key facts with sources."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.llm.base import LLM
from newsroom.models import Candidate, Fact, Model, Persona, Research, Source, Story, TimelineEntry
from newsroom.models.llm import CallContext
from newsroom.nlp.sentences import split_sentences
from newsroom.nlp.similarity import cosine, vectors
from newsroom.nlp.summarize import select_sentences
from newsroom.nlp.support import SUPPORT_THRESHOLD, best_support

MAX_FACTS = 10
MAX_RELATED = 3
# Below the same-event threshold but above noise: other reports on the same subject.
RELATED_SIMILARITY = 0.05
_UNDATED = datetime.max.replace(tzinfo=UTC)


class ResearchInputs(Model):
    story_title: str
    sources: list[Source]
    related: list[Source]


class ResearchNotes(Model):
    timeline: list[TimelineEntry]
    key_facts: list[Fact]


def number_sources(candidates: list[Candidate], start: int = 1) -> list[Source]:
    """The story's reports as its source list, oldest first, numbered from `start`."""
    ordered = sorted(candidates, key=lambda c: (c.published_at or _UNDATED, c.item_id))
    return [
        Source(
            n=start + i,
            item_id=c.item_id,
            outlet=c.outlet,
            title=c.title,
            url=c.url,
            published=c.published_at,
            language=c.language,
            text=c.text,
            text_en=c.text_en,
        )
        for i, c in enumerate(ordered)
    ]


def research(
    llm: LLM,
    persona: Persona,
    story: Story,
    related: list[Candidate],
    context: CallContext,
) -> Research:
    sources = number_sources(story.candidates)
    inputs = ResearchInputs(
        story_title=story.title,
        sources=sources,
        related=number_sources(related, start=len(sources) + 1),
    )
    notes = llm.generate(
        "researcher",
        inputs,
        ResearchNotes,
        persona=persona,
        context=context,
        offline=lambda: _offline_notes(inputs),
    )
    return Research(
        sources=sources,
        related=inputs.related,
        timeline=sorted(
            (t for t in notes.timeline if 1 <= t.source <= len(sources)),
            key=lambda t: t.when or _UNDATED,
        ),
        key_facts=verified_facts(notes.key_facts, sources),
    )


def verified_facts(facts: list[Fact], sources: list[Source]) -> list[Fact]:
    """Only facts the source they name really supports; a model's word is not enough."""
    by_n = {s.n: s for s in sources}
    return [
        f
        for f in facts
        if f.source in by_n
        and best_support(f.text, by_n[f.source].citable()).score >= SUPPORT_THRESHOLD
    ]


def related_reports(story: Story, pool: list[Candidate]) -> list[Candidate]:
    """Other items of the topic closest to the story: background for the analyst, never cited."""
    own = {c.item_id for c in story.candidates}
    others = [c for c in pool if c.item_id not in own]
    if not others:
        return []
    story_text = " ".join(f"{c.english_title} {c.english_text}" for c in story.candidates)
    story_vector, *vecs = vectors(
        [story_text, *(f"{c.english_title} {c.english_text}" for c in others)]
    )
    scored = sorted(
        ((cosine(story_vector, v), c) for v, c in zip(vecs, others, strict=True)),
        key=lambda pair: (-pair[0], pair[1].item_id),
    )
    return [c for score, c in scored[:MAX_RELATED] if score >= RELATED_SIMILARITY]


def english_sentences(source: Source) -> list[str]:
    """Sentences of a source usable in an English draft: its translation, or its own if English."""
    if source.text_en:
        return split_sentences(source.text_en)
    return split_sentences(source.text) if source.language in (None, "en") else []


def _offline_notes(inputs: ResearchInputs) -> ResearchNotes:
    candidates = [(s, src.n) for src in inputs.sources for s in english_sentences(src)]
    if not candidates:  # nothing in English: facts in the sources' own languages
        candidates = [(s, src.n) for src in inputs.sources for s in split_sentences(src.text)]
    chosen = select_sentences(candidates, limit=MAX_FACTS, query=inputs.story_title)
    return ResearchNotes(
        timeline=[
            TimelineEntry(when=s.published, event=f"{s.outlet}: {s.title}", source=s.n)
            for s in inputs.sources
        ],
        key_facts=[Fact(text=text, source=n) for text, n in chosen],
    )

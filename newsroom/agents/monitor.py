"""The monitor: which of the topic's new items matter, ranked."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from pydantic import Field

from newsroom.llm.base import LLM
from newsroom.models import Candidate, Model, Persona, Topic
from newsroom.models.llm import CallContext


class Brief(Model):
    item_id: int
    outlet: str
    title: str
    language: str | None
    published_at: datetime | None
    excerpt: str


class MonitorInputs(Model):
    topic_title: str
    keywords: list[str]
    items: list[Brief]


class Relevance(Model):
    item_id: int
    relevance: float = Field(ge=0, le=1)


class Ranking(Model):
    ranked: list[Relevance]


def matches_keywords(candidate: Candidate, keywords: list[str]) -> int:
    """How many times the topic's keywords occur in the item (case-insensitive)."""
    haystack = f"{candidate.title}\n{candidate.text}".casefold()
    return sum(haystack.count(k.casefold()) for k in keywords)


def rank(
    llm: LLM, persona: Persona, topic: Topic, candidates: list[Candidate], context: CallContext
) -> list[Candidate]:
    """Relevant candidates, best first, with their score set; items the model drops are gone."""
    on_topic = [c for c in candidates if matches_keywords(c, topic.keywords)]
    if not on_topic:
        return []
    inputs = MonitorInputs(
        topic_title=topic.title,
        keywords=topic.keywords,
        items=[
            Brief(
                item_id=c.item_id,
                outlet=c.outlet,
                title=c.title,
                language=c.language,
                published_at=c.published_at,
                excerpt=c.text[:300],
            )
            for c in on_topic
        ],
    )
    ranking = llm.generate(
        "monitor",
        inputs,
        Ranking,
        persona=persona,
        context=context,
        offline=lambda: _offline_ranking(on_topic, topic.keywords),
    )
    scores = {r.item_id: r.relevance for r in ranking.ranked if r.relevance > 0}
    kept = [
        c.model_copy(update={"score": scores[c.item_id]}) for c in on_topic if c.item_id in scores
    ]
    return sorted(kept, key=lambda c: (-c.score, c.item_id))


def _offline_ranking(candidates: list[Candidate], keywords: list[str]) -> Ranking:
    """Keyword density, a little weight for substance, and freshness (a 2-day half-life)."""
    now = datetime.now(UTC)
    ranked = []
    for c in candidates:
        hits = matches_keywords(c, keywords) + 2 * matches_keywords(
            c.model_copy(update={"text": ""}), keywords
        )
        substance = min(len(c.text.split()) / 150, 1.0)
        age_hours = (now - c.published_at).total_seconds() / 3600 if c.published_at else 72.0
        freshness = 0.5 ** (max(age_hours, 0.0) / 48)
        score = (1 - math.exp(-hits / 3)) * 0.6 + substance * 0.2 + freshness * 0.2
        ranked.append(Relevance(item_id=c.item_id, relevance=round(min(score, 1.0), 4)))
    return Ranking(ranked=ranked)

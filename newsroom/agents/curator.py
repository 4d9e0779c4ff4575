"""The curator (assignment editor): clusters items into stories and picks the ones to draft."""

from __future__ import annotations

import hashlib

from pydantic import Field

from newsroom.llm.base import LLM
from newsroom.models import Candidate, Model, Persona, Story
from newsroom.models.llm import CallContext
from newsroom.nlp.similarity import SAME_EVENT_THRESHOLD, cluster


class CuratorBrief(Model):
    item_id: int
    outlet: str
    language: str | None
    title: str
    excerpt: str


class CuratorInputs(Model):
    items: list[CuratorBrief]


class Group(Model):
    item_ids: list[int] = Field(min_length=1)
    title: str = ""


class Clusters(Model):
    groups: list[Group]


class Assignment(Model):
    """What the curator hands on: stories to draft, and those it had to set aside."""

    stories: list[Story]
    single_source: list[Story] = Field(default_factory=list)
    already_covered: list[Story] = Field(default_factory=list)


def assign(
    llm: LLM,
    persona: Persona,
    topic: str,
    candidates: list[Candidate],
    context: CallContext,
    *,
    covered_item_ids: set[int],
    min_outlets: int,
    max_stories: int,
) -> Assignment:
    inputs = CuratorInputs(
        items=[
            CuratorBrief(
                item_id=c.item_id,
                outlet=c.outlet,
                language=c.language,
                title=c.english_title,
                excerpt=c.english_text[:400],
            )
            for c in candidates
        ]
    )
    clusters = llm.generate(
        "curator",
        inputs,
        Clusters,
        persona=persona,
        context=context,
        offline=lambda: _offline_clusters(candidates),
    )
    stories = _stories(topic, candidates, clusters)
    fresh, covered = [], []
    for story in stories:
        ids = {c.item_id for c in story.candidates}
        # Most of its reports already went into a drafted story: the event is covered.
        (covered if len(ids & covered_item_ids) * 2 > len(ids) else fresh).append(story)
    enough = [s for s in fresh if len(s.outlets) >= min_outlets]
    single = [s for s in fresh if len(s.outlets) < min_outlets]
    return Assignment(stories=enough[:max_stories], single_source=single, already_covered=covered)


def _offline_clusters(candidates: list[Candidate]) -> Clusters:
    groups = cluster(
        [f"{c.english_title}\n{c.english_text}" for c in candidates],
        threshold=SAME_EVENT_THRESHOLD,
        times=[c.published_at for c in candidates],
    )
    return Clusters(groups=[Group(item_ids=[candidates[i].item_id for i in g]) for g in groups])


def _stories(topic: str, candidates: list[Candidate], clusters: Clusters) -> list[Story]:
    """Stories from the groups; ids the model invented or repeated are ignored."""
    by_id = {c.item_id: c for c in candidates}
    placed: set[int] = set()
    stories = []
    for group in clusters.groups:
        members = [
            by_id[i] for i in dict.fromkeys(group.item_ids) if i in by_id and i not in placed
        ]
        if not members:
            continue
        placed.update(c.item_id for c in members)
        members.sort(key=lambda c: (-c.score, c.item_id))
        outlets = {c.outlet for c in members}
        score = len(outlets) + sum(c.score for c in members) / len(members)
        stories.append(
            Story(
                id=story_id(topic, [c.item_id for c in members]),
                topic=topic,
                title=group.title or members[0].english_title,
                candidates=members,
                score=round(score, 4),
            )
        )
    for leftover in (c for c in candidates if c.item_id not in placed):
        stories.append(
            Story(
                id=story_id(topic, [leftover.item_id]),
                topic=topic,
                title=leftover.english_title,
                candidates=[leftover],
                score=round(1 + leftover.score, 4),
            )
        )
    return sorted(stories, key=lambda s: (-s.score, s.id))


def story_id(topic: str, item_ids: list[int]) -> str:
    basis = f"{topic}:" + ",".join(str(i) for i in sorted(item_ids))
    return hashlib.sha256(basis.encode()).hexdigest()[:16]

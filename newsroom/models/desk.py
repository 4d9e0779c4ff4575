"""The desk's types: stories, sources, drafts, claims, and what each agent hands on."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from newsroom.models.base import Model

Verdict = Literal["supported", "unsupported", "opinion"]
# The nine desk roles, in the order they work on a story.
Role = Literal[
    "monitor",
    "translator",
    "curator",
    "researcher",
    "analyst",
    "fact_checker",
    "illustrator",
    "copy_editor",
    "editor",
]


class Persona(Model):
    """A persona file in personas/: who an agent is and how it writes."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    role: Role
    bio: str
    voice: list[str] = Field(default_factory=list, description="Voice and style rules.")
    never: list[str] = Field(default_factory=list, description="What it must never do.")
    model: str | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    instructions: str = Field("", description="The Markdown body below the front matter.")


class Candidate(Model):
    """An ingested item the monitor found relevant, as the desk works with it."""

    item_id: int
    feed_id: int
    outlet: str
    title: str
    text: str  # the longest text we have: full text, else content, else summary
    url: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    score: float = 0.0
    # The translator fills these for non-English items; the original stays above.
    title_en: str | None = None
    text_en: str | None = None
    translation_note: str | None = None

    @property
    def english_title(self) -> str:
        return self.title_en or self.title

    @property
    def english_text(self) -> str:
        return self.text_en or self.text


class Story(Model):
    """One event, as several outlets reported it."""

    id: str  # stable: a hash of the topic and the cluster's item keys
    topic: str
    title: str
    candidates: list[Candidate]
    score: float = 0.0

    @property
    def outlets(self) -> list[str]:
        return sorted({c.outlet for c in self.candidates})


class Source(Model):
    """One entry of a story's source list; citations [n] point at `n`."""

    n: int = Field(ge=1)
    item_id: int
    outlet: str
    title: str
    url: str | None = None
    published: datetime | None = None
    language: str | None = None
    text: str  # what claims citing [n] are checked against (original language)
    text_en: str | None = None  # the translator's English rendering, when there is one

    def citable(self) -> str:
        """All the text a claim citing this source may be checked against."""
        return f"{self.title}\n{self.text}\n{self.text_en or ''}".strip()


class Fact(Model):
    text: str
    source: int = Field(ge=1, description="n of the source it came from")


class TimelineEntry(Model):
    when: datetime | None = None
    event: str
    source: int = Field(ge=1)


class Research(Model):
    """The researcher's brief for the analyst."""

    sources: list[Source]
    timeline: list[TimelineEntry] = Field(default_factory=list)
    key_facts: list[Fact] = Field(default_factory=list)
    related: list[Source] = Field(
        default_factory=list, description="Archive items on the same subject, for context."
    )


class Section(Model):
    heading: str = ""
    paragraphs: list[str] = Field(min_length=1)  # Markdown; factual sentences carry [n]


class ArticleText(Model):
    """What the analyst writes and the copy editor polishes."""

    headline: str
    dek: str
    sections: list[Section] = Field(min_length=1)

    def body_markdown(self) -> str:
        parts: list[str] = []
        for section in self.sections:
            if section.heading:
                parts.append(f"## {section.heading}")
            parts.extend(section.paragraphs)
        return "\n\n".join(parts)


class Claim(Model):
    text: str
    verdict: Verdict
    sources: list[int] = Field(default_factory=list)
    evidence: str | None = None  # a span of a cited source's text, checked mechanically
    note: str | None = None


class FactCheck(Model):
    claims: list[Claim]

    @property
    def unsupported(self) -> list[Claim]:
        return [c for c in self.claims if c.verdict == "unsupported"]

    @property
    def supported_count(self) -> int:
        return sum(c.verdict == "supported" for c in self.claims)

    @property
    def factual_count(self) -> int:
        return sum(c.verdict != "opinion" for c in self.claims)


class Illustration(Model):
    prompt: str
    caption: str  # "AI generated illustration related to: ..."
    alt: str


class EditorReview(Model):
    """The editor's standards check before a draft enters the queue."""

    passed: bool
    independent_outlets: int
    languages: list[str]
    flags: list[str] = Field(default_factory=list)
    note: str = ""


class SourceRef(Model):
    """A source as the published article lists it."""

    n: int
    outlet: str
    title: str
    url: str | None = None
    published: datetime | None = None
    language: str | None = None


class Byline(Model):
    name: str
    bio: str


class Cost(Model):
    usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    llm_calls: int = 0


class DraftStatus(StrEnum):
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"
    RETRACTED = "retracted"


class Draft(Model):
    """A drafted article, as stored, exported and reviewed."""

    id: str
    story_id: str
    run_id: str
    topic: str
    version: int = 1
    status: DraftStatus = DraftStatus.IN_REVIEW
    headline: str
    dek: str
    body: str  # Markdown with [n] markers
    sections: list[Section]
    sources: list[SourceRef]
    claims: list[Claim]
    illustration: Illustration
    byline: Byline
    personas: list[str]
    production: str
    review: EditorReview
    cost: Cost
    engine: Literal["offline", "openai"]
    notes: list[str] = Field(default_factory=list)  # e.g. offline engine, untranslated sources
    created_at: datetime


class StoryStatus(StrEnum):
    QUEUED = "queued"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    FAILED = "failed"
    SINGLE_SOURCE = "single_source"
    CLOSED = "closed"


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    BUDGET_SPENT = "budget_spent"

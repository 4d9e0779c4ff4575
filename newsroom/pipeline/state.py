"""The graphs' state: one typed dict per graph, values are newsroom's pydantic models."""

from __future__ import annotations

from typing import Literal, TypedDict

from newsroom.agents.curator import Assignment
from newsroom.models import (
    ArticleText,
    Candidate,
    Draft,
    EditorReview,
    FactCheck,
    Illustration,
    Research,
    Story,
    Topic,
)
from newsroom.models.base import Model


class Decision(Model):
    """A human editor's decision, the value a story thread resumes with."""

    action: Literal["approve", "changes", "reject"]
    version: int  # the draft version decided on; a decision about an older one is ignored
    note: str | None = None
    actor: str


class IntakeState(TypedDict, total=False):
    run_id: str
    topic: Topic
    candidates: list[Candidate]
    assignment: Assignment


class StoryState(TypedDict, total=False):
    run_id: str
    topic: Topic
    story: Story
    research: Research
    article: ArticleText
    factcheck: FactCheck
    revisions: int
    illustration: Illustration
    edited: ArticleText
    review: EditorReview
    draft: Draft
    editor_note: str | None
    decision: Decision

"""A desk run: its options, and what it reports per story."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from newsroom.models.base import Model
from newsroom.models.desk import RunStatus, StoryStatus


class RunOptions(Model):
    topic: str  # a name or a path, as given
    demo: bool = False
    ingest: bool = True
    max_stories: int = Field(5, ge=1)
    max_revisions: int = Field(2, ge=0)
    max_cost: float | None = Field(None, ge=0)
    concurrency: int = Field(4, ge=1)


class StoryReport(Model):
    story_id: str
    title: str
    status: StoryStatus
    outlets: list[str]
    headline: str | None = None
    claims_supported: int = 0
    claims_total: int = 0
    cost_usd: float = 0.0
    llm_calls: int = 0
    reason: str | None = None


class RunRecord(Model):
    id: str
    topic: str
    status: RunStatus
    engine: str
    options: RunOptions
    started_at: datetime
    finished_at: datetime | None = None
    error: str | None = None
    stories: list[StoryReport] = Field(default_factory=list)

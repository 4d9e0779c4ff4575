"""Model calls as the store records them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from newsroom.models.base import Model

Outcome = Literal["ok", "cached", "repaired", "failed", "offline"]


class CallContext(Model):
    """Who is calling, for the call log and the run's budget."""

    run_id: str | None = None
    story_id: str | None = None
    agent: str


class LLMCall(Model):
    """One row of the llm_calls table."""

    run_id: str | None
    story_id: str | None
    agent: str
    task: str
    engine: Literal["offline", "openai"]
    model: str
    template_hash: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    outcome: Outcome
    error: str | None = None
    cache_key: str | None = None
    created_at: datetime


class RenderedPrompt(Model):
    """A task's prompt template rendered for one call."""

    task: str
    system: str
    user: str
    template_hash: str

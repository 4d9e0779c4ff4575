"""Choosing the engine from the settings."""

from __future__ import annotations

from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.llm.base import LLM
from newsroom.llm.offline_engine import OfflineEngine


def make_llm(settings: Settings, store: Engine, *, max_cost: float | None = None) -> LLM:
    if settings.engine == "offline":
        return OfflineEngine(store)
    from newsroom.llm.openai_engine import OpenAIEngine  # the SDK loads only when used

    return OpenAIEngine(settings, store, max_cost=max_cost)

"""The embedded offline engine: runs each agent's extractive path, no network, no weights."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine

from newsroom.models.desk import Persona
from newsroom.models.llm import CallContext, LLMCall
from newsroom.store.llm_log import record_call

T = TypeVar("T", bound=BaseModel)

OFFLINE_MODEL = "offline-extractive"


class OfflineEngine:
    """Deterministic: the same sources always give the same draft, and cost nothing."""

    engine: Literal["offline"] = "offline"

    def __init__(self, store: Engine) -> None:
        self._store = store

    def generate(
        self,
        task: str,
        inputs: BaseModel,
        output: type[T],
        *,
        persona: Persona,
        context: CallContext,
        offline: Callable[[], T],
    ) -> T:
        started = time.perf_counter()
        # Validating here holds the offline paths to the same contract as a model's answer.
        result = output.model_validate(offline().model_dump())
        record_call(
            self._store,
            LLMCall(
                run_id=context.run_id,
                story_id=context.story_id,
                agent=context.agent,
                task=task,
                engine="offline",
                model=OFFLINE_MODEL,
                latency_ms=round((time.perf_counter() - started) * 1000),
                outcome="offline",
                created_at=datetime.now(UTC),
            ),
        )
        return result

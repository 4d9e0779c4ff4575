"""What every node needs besides the state: the store, the engine, the personas, the options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.llm.base import LLM
from newsroom.models import Persona
from newsroom.models.llm import CallContext
from newsroom.models.run import RunOptions

# (story id or None for intake, the persona role at work, a short message)
OnEvent = Callable[[str | None, str, str], None]


def ignore_event(story_id: str | None, role: str, message: str) -> None:
    """The default listener: runs without a terminal report nothing."""


@dataclass(frozen=True)
class Desk:
    settings: Settings
    store: Engine
    llm: LLM
    personas: dict[str, Persona]
    options: RunOptions
    on_event: OnEvent = ignore_event

    def context(self, role: str, run_id: str, story_id: str | None = None) -> CallContext:
        self.on_event(story_id, role, f"{self.personas[role].name} at work")
        return CallContext(run_id=run_id, story_id=story_id, agent=role)

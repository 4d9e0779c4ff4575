"""The one interface agents call, whichever engine answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel

from newsroom.models.desk import Persona
from newsroom.models.llm import CallContext

T = TypeVar("T", bound=BaseModel)


class LLM(Protocol):
    """`generate(task, inputs, Output)` -> a validated Output.

    task names the prompt template (prompts/TASK.md.j2); inputs is the agent's typed
    input model, rendered into that template; offline is the agent's extractive path,
    which the offline engine runs instead of a model and the openai engine ignores.
    Every call, either engine, is recorded in the llm_calls table.
    """

    engine: Literal["offline", "openai"]

    def generate(
        self,
        task: str,
        inputs: BaseModel,
        output: type[T],
        *,
        persona: Persona,
        context: CallContext,
        offline: Callable[[], T],
    ) -> T: ...

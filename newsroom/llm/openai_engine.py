"""The openai engine: any OpenAI-compatible chat endpoint, answers validated by pydantic."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

import httpx
import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base, wait_random_exponential

from newsroom.config import Settings
from newsroom.errors import LLMError
from newsroom.llm.cost import CallEntry, Ledger, Spend
from newsroom.llm.prompts import render_prompt
from newsroom.llm.retry import (
    NotACompletion,
    WaitForServer,
    describe_failure,
    is_transient,
    rejects_json_schema,
    server_message,
    what_to_check,
)
from newsroom.llm.structured import (
    describe,
    json_mode_instruction,
    json_schema_format,
    output_schema,
    parse_answer,
)
from newsroom.models.desk import Persona
from newsroom.models.llm import CallContext, Outcome
from newsroom.store.llm_log import cache_response, cached_response

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
log = logging.getLogger(__name__)

REPAIR = (
    "Your answer could not be used: {problem}. Reply again with the corrected JSON object "
    "only, matching the required schema, with no other text."
)


class OpenAIEngine:
    """The LLM protocol over `chat.completions`; retries, cache, cost and budget are ours."""

    engine: Literal["offline", "openai"] = "openai"
    # Backoff between retries when the server names no Retry-After; tests shorten it.
    backoff: wait_base = wait_random_exponential(multiplier=0.5, max=30)

    def __init__(
        self,
        settings: Settings,
        store_engine: Engine,
        *,
        max_cost: float | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.settings = settings
        self.store = store_engine
        self.ledger = Ledger(store_engine, settings.llm_prices, max_cost)
        self.structured_output = settings.llm_structured_output
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
        self.base_url = settings.llm_base_url or "https://api.openai.com/v1"
        self._client = openai.OpenAI(
            base_url=self.base_url,
            api_key=key or "not-needed",  # local servers want no key; the SDK wants a string
            max_retries=0,
            timeout=settings.llm_timeout,
            http_client=cast(Any, http_client),  # the SDK takes httpx or httpx2 clients
        )
        self._slots = threading.BoundedSemaphore(settings.llm_concurrency)
        self._lock = threading.Lock()

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
        del offline  # the offline engine's path; a model answers here
        prompt = render_prompt(task, persona, inputs)
        model = self.settings.model_for(context.agent, persona.model)
        messages = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        key = cache_key(model, messages, output, persona.temperature)
        call = CallEntry(task, model, prompt.template_hash, key, context)

        cached = self._cached(key, output)
        if cached is not None:
            answer, tokens_in, tokens_out = cached
            spend = Spend(context.run_id, tokens_in=tokens_in, tokens_out=tokens_out)
            self.ledger.record(call, "cached", spend)
            return answer

        spend = Spend(context.run_id)
        try:
            answer, outcome = self._answer(task, model, messages, output, persona, spend)
        except Exception as exc:
            if spend.requests:  # what was paid for is logged even when the answer is lost
                self.ledger.record(call, "failed", spend, error=str(exc))
            raise
        cache_response(
            self.store, key, model, answer.model_dump_json(), spend.tokens_in, spend.tokens_out
        )
        self.ledger.record(call, outcome, spend)
        return answer

    def _answer(
        self,
        task: str,
        model: str,
        messages: list[Message],
        output: type[T],
        persona: Persona,
        spend: Spend,
    ) -> tuple[T, Outcome]:
        """Ask, validate, and on a bad answer ask once more quoting what was wrong."""
        completion = self._complete(task, model, messages, output, persona.temperature, spend)
        content = _content(completion)
        try:
            return parse_answer(output, content), "ok"
        except ValidationError as exc:
            problem = describe(exc)
        log.info("%s: %s gave an unusable answer (%s); asking once more", task, model, problem)
        repair = [
            *messages,
            {"role": "assistant", "content": content or ""},
            {"role": "user", "content": REPAIR.format(problem=problem)},
        ]
        completion = self._complete(task, model, repair, output, persona.temperature, spend)
        try:
            return parse_answer(output, _content(completion)), "repaired"
        except ValidationError as exc:
            cut = bool(completion.choices) and completion.choices[0].finish_reason == "length"
            raise LLMError(
                f"{task}: {model} did not return a valid {output.__name__}, even when asked "
                f"again: {describe(exc)}"
                + (" (the answer was cut off at the token limit)" if cut else "")
            ) from exc

    def _complete(
        self,
        task: str,
        model: str,
        messages: list[Message],
        output: type[BaseModel],
        temperature: float | None,
        spend: Spend,
    ) -> ChatCompletion:
        """One request, retried on transient failures, in the structured-output mode in use."""
        self.ledger.check_budget(spend.run_id)
        while True:
            mode = self.structured_output
            request: dict[str, Any] = {"model": model, "messages": messages}
            if mode == "json_schema":
                request["response_format"] = json_schema_format(output)
            else:
                system = f"{messages[0]['content']}\n\n{json_mode_instruction(output)}"
                request["messages"] = [{"role": "system", "content": system}, *messages[1:]]
                request["response_format"] = {"type": "json_object"}
            if temperature is not None:
                request["temperature"] = temperature
            retrying = Retrying(
                stop=stop_after_attempt(self.settings.llm_max_retries + 1),
                wait=WaitForServer(self.backoff),
                retry=retry_if_exception(is_transient),
                before_sleep=_log_retry(task, model, self.settings.llm_timeout),
                reraise=True,
            )
            try:
                return retrying(self._post, request, spend)
            except openai.BadRequestError as exc:
                if mode == "json_schema" and rejects_json_schema(exc):
                    self._fall_back_to_json_mode(exc)
                    continue
                raise self._refused(task, model, exc) from exc
            except openai.APIStatusError as exc:
                if not is_transient(exc):
                    raise self._refused(task, model, exc) from exc
                raise self._gave_up(task, model, exc, retrying) from exc
            except openai.OpenAIError as exc:
                raise self._gave_up(task, model, exc, retrying) from exc
            except NotACompletion as exc:
                raise LLMError(
                    f"{task}: {self.base_url} answered with {exc}; check that "
                    "NEWSROOM_LLM_BASE_URL is an OpenAI-compatible API (it usually ends in /v1)"
                ) from exc

    def _post(self, request: dict[str, Any], spend: Spend) -> ChatCompletion:
        with self._slots:
            spend.requests += 1
            started = time.perf_counter()
            try:
                completion = self._client.chat.completions.create(**request)
            except json.JSONDecodeError as exc:
                raise NotACompletion("a body that is not JSON") from exc
            finally:
                spend.seconds += time.perf_counter() - started
        if not isinstance(completion, ChatCompletion) or completion.choices is None:
            error = getattr(completion, "error", None) or str(completion)[:200]
            raise NotACompletion(f"something that is not a chat completion: {error}")
        self.ledger.paid(spend, request["model"], completion.usage)
        return completion

    def _cached(self, key: str, output: type[T]) -> tuple[T, int, int] | None:
        hit = cached_response(self.store, key)
        if hit is None:
            return None
        response, tokens_in, tokens_out = hit
        try:
            return output.model_validate_json(response), tokens_in, tokens_out
        except ValidationError:
            return None  # written by an older version of the model; ask again

    def _fall_back_to_json_mode(self, error: openai.BadRequestError) -> None:
        with self._lock:
            if self.structured_output == "json_schema":
                self.structured_output = "json_mode"
                log.warning(
                    "%s does not take JSON-schema output (%s); using json_mode instead "
                    "(set NEWSROOM_LLM_STRUCTURED_OUTPUT=json_mode to skip this probe)",
                    self.base_url,
                    server_message(error),
                )

    def _refused(self, task: str, model: str, error: openai.APIStatusError) -> LLMError:
        return LLMError(
            f"{task}: {self.base_url} refused the request for model {model!r} "
            f"({describe_failure(error, self.settings.llm_timeout)}); {what_to_check(error)}"
        )

    def _gave_up(self, task: str, model: str, error: Exception, retrying: Retrying) -> LLMError:
        attempts = retrying.statistics.get("attempt_number", 1)
        return LLMError(
            f"{task}: {model} at {self.base_url} failed after {attempts} attempt(s): "
            f"{describe_failure(error, self.settings.llm_timeout)}"
        )


def cache_key(
    model: str, messages: list[Message], output: type[BaseModel], temperature: float | None
) -> str:
    """The same model, prompt, output schema and temperature give the same answer, cached."""
    material = {
        "model": model,
        "messages": messages,
        "schema": output_schema(output),
        "temperature": temperature,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def _content(completion: ChatCompletion) -> str | None:
    return completion.choices[0].message.content if completion.choices else None


def _log_retry(task: str, model: str, timeout: float) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        reason = describe_failure(error, timeout) if error else "no answer"
        wait = state.next_action.sleep if state.next_action else 0.0
        log.info("%s: %s: %s; retrying in %.1f s", task, model, reason, wait)

    return before_sleep

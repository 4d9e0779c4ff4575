"""Retrying model requests: which failures deserve another try, how long to wait, what to say."""

from __future__ import annotations

import email.utils
import math
import time

import openai
from tenacity import RetryCallState
from tenacity.wait import wait_base

# A server may ask for a long pause; past this we would rather retry sooner (or fail).
RETRY_AFTER_CAP = 60.0


class NotACompletion(Exception):
    """A 200 answer that is not a chat completion: not an OpenAI-compatible endpoint."""


def is_transient(error: BaseException) -> bool:
    """Rate limits, server errors, timeouts and dropped connections pass; the rest will not."""
    if isinstance(error, openai.APIConnectionError):  # APITimeoutError is one too
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return False


def retry_after(error: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, then Retry-After), capped."""
    if not isinstance(error, openai.APIStatusError):
        return None
    headers = error.response.headers
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            seconds = _http_date_delay(value) if name == "retry-after" else math.nan
        if math.isfinite(seconds):
            return min(max(seconds, 0.0), RETRY_AFTER_CAP)
    return None


def _http_date_delay(value: str) -> float:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return math.nan
    return when.timestamp() - time.time()


class WaitForServer(wait_base):
    """The server's Retry-After when it sent one, else the given backoff."""

    def __init__(self, backoff: wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        asked = retry_after(error)
        return asked if asked is not None else self.backoff(retry_state)


def server_message(error: openai.APIStatusError) -> str:
    body = error.body
    message = body.get("message") if isinstance(body, dict) else body
    text = str(message or error.message).replace("\n", " ").strip()
    return text[:300]


def describe_failure(error: BaseException, timeout: float) -> str:
    """One line on what went wrong with a request."""
    if isinstance(error, openai.APITimeoutError):
        return f"no answer within {timeout:g} s (NEWSROOM_LLM_TIMEOUT)"
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__
        return f"cannot connect ({cause or error.message})"
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}: {server_message(error)}"
    if isinstance(error, NotACompletion):
        return str(error)
    return f"{type(error).__name__}: {error}"


def what_to_check(error: openai.APIStatusError) -> str:
    """The setting a refused request most likely points at."""
    status = error.status_code
    if status in (401, 403):
        return "check the API key (NEWSROOM_LLM_API_KEY or OPENAI_API_KEY)"
    if status == 404:
        return (
            "check the model name (NEWSROOM_LLM_MODEL / NEWSROOM_LLM_MODELS) and the base "
            "URL (NEWSROOM_LLM_BASE_URL, usually ending in /v1)"
        )
    return (
        "check the model name and whether the server supports this request "
        "(NEWSROOM_LLM_STRUCTURED_OUTPUT=json_mode for servers without JSON-schema output)"
    )


def rejects_json_schema(error: BaseException) -> bool:
    """A 400 about response_format: the server cannot do JSON-schema output."""
    if not isinstance(error, openai.BadRequestError):
        return False
    text = f"{server_message(error)} {error.param or ''}".lower()
    return "response_format" in text or "json_schema" in text

"""A model that fails one story's analyst, against the scripted OpenAI-speaking server: the
call is retried within its budget, then the story is marked failed with the reason, and
the run goes on to draft the other stories."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from desk_responder import DeskModel, sources, task_of
from openai_server import ChatReply, OpenAIServer
from sqlalchemy import select
from tenacity import wait_fixed

from newsroom.config import Settings
from newsroom.ingest.run import ingest_topics
from newsroom.llm.factory import make_llm
from newsroom.llm.openai_engine import OpenAIEngine
from newsroom.models import RunStatus, StoryStatus
from newsroom.models.run import RunOptions, RunRecord
from newsroom.pipeline.run import start_run
from newsroom.store.db import open_engine
from newsroom.store.schema import llm_calls
from newsroom.topics import load_topic

MAX_RETRIES = 2
TIMEOUT = 0.5
Failure = Callable[[dict[str, Any], dict[str, Any]], ChatReply]


class OneStoryFails:
    """The stand-in desk model, except the analyst of the first story it sees answers `fail`
    (given the request and the honest answer) for its first `times` requests."""

    def __init__(self, fail: Failure, times: int | None = None) -> None:
        self.model = DeskModel()
        self.fail = fail
        self.times = times
        self.doomed: str | None = None
        self.doomed_requests = 0

    def __call__(self, request: dict[str, Any]) -> ChatReply:
        if task_of(request) == "analyst":
            first = next(iter(sources(request["messages"][1]["content"]).values())).title
            self.doomed = self.doomed or first
            if first == self.doomed:
                self.doomed_requests += 1
                if self.times is None or self.doomed_requests <= self.times:
                    return self.fail(request, self.model.answer_analyst(request))
        return self.model(request)


def truncated(request: dict[str, Any], honest: dict[str, Any]) -> ChatReply:
    text = json.dumps(honest)
    return ChatReply(content=text[: len(text) // 2], finish_reason="length")


def not_json(request: dict[str, Any], honest: dict[str, Any]) -> ChatReply:
    return ChatReply(
        content="Certainly! Here is the article you asked for:\n\n# " + honest["headline"]
    )


def wrong_shape(request: dict[str, Any], honest: dict[str, Any]) -> ChatReply:
    return ChatReply.json({"title": honest["headline"], "body": "One paragraph [1]."})


def endlessly_slow(request: dict[str, Any], honest: dict[str, Any]) -> ChatReply:
    return ChatReply.json(honest, delay=TIMEOUT * 6)


def rate_limited(request: dict[str, Any], honest: dict[str, Any]) -> ChatReply:
    return ChatReply.error(429, "Rate limit reached; try again later", {"Retry-After": "0.05"})


@pytest.fixture
def server():
    with OpenAIServer() as running:
        yield running


@pytest.fixture
def desk_settings(tmp_path, server, monkeypatch):
    monkeypatch.setattr(OpenAIEngine, "backoff", wait_fixed(0.01))
    return Settings(
        home=tmp_path / "home",
        llm_base_url=server.base_url,
        llm_api_key="test-key",
        llm_max_retries=MAX_RETRIES,
        llm_timeout=TIMEOUT,
    )


@pytest.fixture
def store(desk_settings):
    engine = open_engine(desk_settings)
    ingest_topics(engine, desk_settings, [load_topic("ukraine")], demo=True)
    return engine


def run_with(server: OpenAIServer, settings: Settings, store, model: OneStoryFails) -> RunRecord:
    server.responder = model
    options = RunOptions(topic="ukraine", demo=True, max_stories=3, concurrency=1)
    return start_run(settings, store, make_llm(settings, store), options)


def drafted(record: RunRecord) -> list[StoryStatus]:
    return [s.status for s in record.stories if s.status != StoryStatus.SINGLE_SOURCE]


# (failure, requests the doomed analyst call may make, what the story's reason says)
FAILURES = {
    "truncated": (truncated, 2, "the answer was cut off at the token limit"),
    "not JSON": (not_json, 2, "did not return a valid ArticleText, even when asked again"),
    "wrong shape": (wrong_shape, 2, "headline: Field required"),
    "endlessly slow": (endlessly_slow, MAX_RETRIES + 1, f"no answer within {TIMEOUT:g} s"),
    "429 for a long time": (rate_limited, MAX_RETRIES + 1, "HTTP 429: Rate limit reached"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_model_costs_one_story_and_the_run_goes_on(failure, server, desk_settings, store):
    fail, budget, reason = FAILURES[failure]
    model = OneStoryFails(fail)

    record = run_with(server, desk_settings, store, model)

    assert record.status == RunStatus.FINISHED
    assert Counter(drafted(record)) == {StoryStatus.IN_REVIEW: 2, StoryStatus.FAILED: 1}
    (failed,) = [s for s in record.stories if s.status == StoryStatus.FAILED]
    assert (failed.reason or "").startswith("LLMError: analyst: ") and reason in failed.reason
    assert model.doomed_requests == budget  # retried, and no more than its budget
    with store.connect() as connection:
        logged = connection.execute(
            select(llm_calls.c.error).where(
                llm_calls.c.run_id == record.id,
                llm_calls.c.agent == "analyst",
                llm_calls.c.outcome == "failed",
            )
        ).scalars()
        assert [reason in (error or "") for error in logged] == [True]


@pytest.mark.parametrize(
    ("fail", "times", "outcome"),
    [(truncated, 1, "repaired"), (rate_limited, MAX_RETRIES, "ok")],
    ids=["truncated once", "429 within the retry budget"],
)
def test_a_model_that_recovers_within_the_budget_drafts_every_story(
    fail, times, outcome, server, desk_settings, store
):
    model = OneStoryFails(fail, times=times)

    record = run_with(server, desk_settings, store, model)

    assert drafted(record) == [StoryStatus.IN_REVIEW] * 3
    assert model.doomed_requests == times + 1
    with store.connect() as connection:
        outcomes = connection.execute(
            select(llm_calls.c.outcome).where(
                llm_calls.c.run_id == record.id, llm_calls.c.agent == "analyst"
            )
        ).scalars()
        assert outcome in set(outcomes)

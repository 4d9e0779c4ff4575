"""The openai engine against a scripted OpenAI-speaking server over real HTTP."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai_server import ChatReply, OpenAIServer
from pydantic import Field
from sqlalchemy import Engine, select
from tenacity import wait_fixed

from newsroom.config import Price, Settings
from newsroom.errors import BudgetExceeded, LLMError
from newsroom.llm.openai_engine import OpenAIEngine
from newsroom.llm.prompts import render_prompt
from newsroom.llm.retry import retry_after
from newsroom.llm.structured import json_schema_format
from newsroom.models.base import Model
from newsroom.models.desk import Persona
from newsroom.models.llm import CallContext
from newsroom.store.db import open_engine
from newsroom.store.llm_log import spent
from newsroom.store.schema import llm_calls

TEMPLATE = """\
{% block system %}You are {{ persona.name }}, who summarizes the news.{% endblock %}
{% block user %}Summarize the news about {{ inputs.topic }}.{% endblock %}
"""
PERSONA = Persona(id="tester", name="Tess", role="analyst", bio="b", temperature=0.2)
PRICES = {"test-model": Price(input=1.0, output=2.0)}  # dollars per million tokens


class Topic(Model):
    topic: str


class Summary(Model):
    headline: str
    points: list[str] = Field(min_length=1)
    confidence: float | None = None


GOOD = {"headline": "Talks in Geneva", "points": ["Both sides met."]}


def good(**kw: Any) -> ChatReply:
    return ChatReply.json(GOOD, **kw)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture
def make_engine(
    tmp_path: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., OpenAIEngine]:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "summarize.md.j2").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def make(max_cost: float | None = None, **overrides: Any) -> OpenAIEngine:
        values: dict[str, Any] = {
            "home": tmp_path / "home",
            "llm_base_url": server.base_url,
            "llm_model": "test-model",
            "llm_prices": PRICES,
            "llm_max_retries": 3,
            "llm_timeout": 2,
            **overrides,
        }
        settings = Settings(**values)
        engine = OpenAIEngine(settings, open_engine(settings), max_cost=max_cost)
        engine.backoff = wait_fixed(0.01)  # keeps retries quick; Retry-After still applies
        return engine

    return make


@pytest.fixture
def engine(make_engine: Callable[..., OpenAIEngine]) -> OpenAIEngine:
    return make_engine()


def ask(engine: OpenAIEngine, topic: str = "Ukraine", run_id: str = "run-1") -> Summary:
    def offline() -> Summary:
        raise AssertionError("the openai engine never runs the offline path")

    return engine.generate(
        "summarize",
        Topic(topic=topic),
        Summary,
        persona=PERSONA,
        context=CallContext(run_id=run_id, story_id="story-1", agent="analyst"),
        offline=offline,
    )


def logged(store: Engine) -> list[dict[str, Any]]:
    with store.connect() as connection:
        rows = connection.execute(select(llm_calls).order_by(llm_calls.c.id))
        return [dict(row._mapping) for row in rows]


def test_answer_is_parsed_into_the_output_model_and_every_field_logged(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([good(prompt_tokens=120, completion_tokens=30)])

    answer = ask(engine)

    assert answer == Summary.model_validate(GOOD)
    [call] = logged(engine.store)
    expected_hash = render_prompt("summarize", PERSONA, Topic(topic="Ukraine")).template_hash
    assert call["run_id"] == "run-1"
    assert call["story_id"] == "story-1"
    assert call["agent"] == "analyst"
    assert call["task"] == "summarize"
    assert call["engine"] == "openai"
    assert call["model"] == "test-model"
    assert call["template_hash"] == expected_hash
    assert (call["tokens_in"], call["tokens_out"]) == (120, 30)
    assert call["latency_ms"] >= 0
    assert call["outcome"] == "ok"
    assert call["error"] is None
    assert len(call["cache_key"]) == 64
    assert call["created_at"].tzinfo is not None


def test_request_carries_the_rendered_prompt_and_the_output_json_schema(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([good()])
    ask(engine, topic="Crimea")

    [request] = server.requests
    assert request["model"] == "test-model"
    assert request["temperature"] == 0.2
    assert request["messages"] == [
        {"role": "system", "content": "You are Tess, who summarizes the news."},
        {"role": "user", "content": "Summarize the news about Crimea."},
    ]
    response_format = request["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]
    assert schema["name"] == "Summary"
    assert schema["strict"] is True
    assert schema["schema"]["properties"].keys() == Summary.model_json_schema()["properties"].keys()
    assert schema["schema"]["required"] == ["headline", "points", "confidence"]
    assert schema["schema"]["additionalProperties"] is False


def test_a_schema_strict_mode_cannot_express_is_sent_unstrict() -> None:
    class Tally(Model):
        counts: dict[str, int]

    response_format = json_schema_format(Tally)["json_schema"]
    assert response_format["strict"] is False
    assert response_format["schema"] == Tally.model_json_schema()


def test_server_without_json_schema_output_gets_json_mode_from_then_on(
    engine: OpenAIEngine, server: OpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.json_schema_supported = False
    server.script([good(), good()])

    with caplog.at_level(logging.WARNING):
        assert ask(engine, topic="first") == Summary.model_validate(GOOD)
    assert ask(engine, topic="second") == Summary.model_validate(GOOD)

    refused, first, second = server.requests
    assert refused["response_format"]["type"] == "json_schema"
    for request in (first, second):
        assert request["response_format"] == {"type": "json_object"}
        system = request["messages"][0]["content"]
        assert system.startswith("You are Tess")
        assert "JSON Schema" in system and '"points"' in system
    assert "json_mode" in caplog.text
    assert [c["outcome"] for c in logged(engine.store)] == ["ok", "ok"]


def test_429_waits_as_long_as_retry_after_says_then_succeeds(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([ChatReply.error(429, "slow down", {"Retry-After": "1"}), good()])

    started = time.monotonic()
    assert ask(engine) == Summary.model_validate(GOOD)

    assert time.monotonic() - started >= 0.95
    assert len(server.requests) == 2
    assert logged(engine.store)[0]["outcome"] == "ok"


def test_retry_after_reads_milliseconds_seconds_and_dates_and_is_capped() -> None:
    def rate_limited(headers: dict[str, str]) -> openai.RateLimitError:
        request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
        response = httpx.Response(429, headers=headers, request=request)
        return openai.RateLimitError("429", response=response, body=None)  # type: ignore[arg-type]

    assert retry_after(rate_limited({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    assert retry_after(rate_limited({"retry-after": "2"})) == 2.0
    assert retry_after(rate_limited({"retry-after": "3600"})) == 60.0
    assert retry_after(rate_limited({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert retry_after(rate_limited({})) is None


def test_server_errors_are_retried_until_an_answer_comes(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([ChatReply.error(500), ChatReply.error(503), good()])

    assert ask(engine) == Summary.model_validate(GOOD)
    assert len(server.requests) == 3


def test_persistent_server_errors_raise_llm_error_after_max_retries(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([ChatReply.error(500, "overloaded")] * 5)

    with pytest.raises(LLMError, match=r"summarize: test-model .* 4 attempt\(s\): HTTP 500"):
        ask(engine)

    assert len(server.requests) == 4  # the first try and settings.llm_max_retries = 3
    [call] = logged(engine.store)
    assert call["outcome"] == "failed"
    assert "overloaded" in call["error"]


@pytest.mark.parametrize(
    ("status", "hint"), [(400, "model name"), (401, "API key"), (404, "base URL")]
)
def test_refused_requests_fail_at_once_saying_what_to_check(
    engine: OpenAIEngine, server: OpenAIServer, status: int, hint: str
) -> None:
    server.script([ChatReply.error(status, "nope"), good()])

    with pytest.raises(LLMError, match=hint):
        ask(engine)

    assert len(server.requests) == 1
    assert logged(engine.store)[0]["outcome"] == "failed"


def test_invalid_json_is_repaired_by_one_more_request_quoting_the_error(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([ChatReply("Sure! {headline: oops", completion_tokens=7), good()])

    assert ask(engine) == Summary.model_validate(GOOD)

    first, repair = server.requests
    assert repair["messages"][:2] == first["messages"]
    assert repair["messages"][2] == {"role": "assistant", "content": "Sure! {headline: oops"}
    assert repair["messages"][3]["role"] == "user"
    assert "Invalid JSON" in repair["messages"][3]["content"]
    assert repair["response_format"] == first["response_format"]
    [call] = logged(engine.store)
    assert call["outcome"] == "repaired"
    assert (call["tokens_in"], call["tokens_out"]) == (200, 27)  # both requests paid for


def test_a_json_answer_in_a_code_fence_is_accepted(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([ChatReply('```json\n{"headline": "H", "points": ["p"]}\n```')])

    assert ask(engine) == Summary(headline="H", points=["p"])
    assert logged(engine.store)[0]["outcome"] == "ok"


def test_wrong_shape_twice_raises_llm_error_naming_the_problem(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script(
        [ChatReply.json({"headline": "H"}), ChatReply.json({"headline": "H", "points": []})]
    )

    with pytest.raises(LLMError, match=r"summarize: test-model .* valid Summary.*points"):
        ask(engine)

    assert "points: Field required" in server.requests[1]["messages"][-1]["content"]
    [call] = logged(engine.store)
    assert call["outcome"] == "failed"
    assert call["tokens_in"] == 200
    assert "points" in call["error"]


def test_a_server_slower_than_the_timeout_is_retried_then_fails(
    make_engine: Callable[..., OpenAIEngine], server: OpenAIServer
) -> None:
    engine = make_engine(llm_timeout=0.5, llm_max_retries=1)
    server.script([good(delay=1.0), good(delay=1.0)])

    started = time.monotonic()
    with pytest.raises(LLMError, match=r"2 attempt\(s\): no answer within 0.5 s"):
        ask(engine)

    assert time.monotonic() - started < 1.8
    assert len(server.requests) == 2


def test_a_given_http_client_is_used_and_a_non_openai_answer_is_an_llm_error(
    make_engine: Callable[..., OpenAIEngine], server: OpenAIServer
) -> None:
    seen: list[str] = []

    def web_page(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"})

    configured = make_engine()
    engine = OpenAIEngine(
        configured.settings,
        configured.store,
        http_client=httpx.Client(transport=httpx.MockTransport(web_page)),
    )

    with pytest.raises(LLMError, match=r"not a chat completion.*OpenAI-compatible"):
        ask(engine)

    assert seen == [f"{server.base_url}/chat/completions"]
    assert server.requests == []
    assert logged(engine.store)[0]["outcome"] == "failed"


def test_cost_is_the_server_reported_usage_times_the_price_table(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([good(prompt_tokens=3000, completion_tokens=500)])

    ask(engine)

    expected = 3000 * 1.0 / 1e6 + 500 * 2.0 / 1e6
    assert logged(engine.store)[0]["cost_usd"] == pytest.approx(expected)
    assert spent(engine.store, run_id="run-1").usd == pytest.approx(expected)


def test_a_model_without_a_price_costs_nothing_and_is_reported_once(
    make_engine: Callable[..., OpenAIEngine],
    server: OpenAIServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = make_engine(llm_models={"analyst": "unpriced-model"})
    server.script([good(), good()])

    with caplog.at_level(logging.WARNING):
        ask(engine, topic="one")
        ask(engine, topic="two")

    assert [r["model"] for r in server.requests] == ["unpriced-model"] * 2
    assert [c["cost_usd"] for c in logged(engine.store)] == [0.0, 0.0]
    assert caplog.text.count("no price for model 'unpriced-model'") == 1


def test_a_second_identical_call_is_served_from_the_cache_without_a_request(
    engine: OpenAIEngine, server: OpenAIServer
) -> None:
    server.script([good(prompt_tokens=1000, completion_tokens=100), good()])

    first = ask(engine)
    again = ask(engine)

    assert again == first
    assert len(server.requests) == 1
    ok, cached = logged(engine.store)
    assert (ok["outcome"], cached["outcome"]) == ("ok", "cached")
    assert cached["cost_usd"] == 0
    assert cached["cache_key"] == ok["cache_key"]
    assert spent(engine.store, run_id="run-1").llm_calls == 1

    ask(engine, topic="something else")
    assert len(server.requests) == 2


def test_the_budget_stops_new_calls_before_they_reach_the_server(
    make_engine: Callable[..., OpenAIEngine], server: OpenAIServer
) -> None:
    engine = make_engine(max_cost=0.002)
    server.script([good(prompt_tokens=1000, completion_tokens=500), good()])

    ask(engine)  # costs exactly $0.002
    with pytest.raises(BudgetExceeded, match=r"budget of \$0\.0020 is spent"):
        ask(engine, topic="another story")

    assert len(server.requests) == 1
    assert ask(engine) == Summary.model_validate(GOOD)  # a cached answer costs nothing
    assert ask(engine, topic="other run", run_id="run-2") == Summary.model_validate(GOOD)
    assert len(server.requests) == 2


def test_requests_in_flight_never_exceed_llm_concurrency(
    make_engine: Callable[..., OpenAIEngine], server: OpenAIServer
) -> None:
    engine = make_engine(llm_concurrency=2)
    server.latency = 0.1
    server.responder = lambda _request: good()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda n: ask(engine, topic=f"story {n}"), range(6)))

    assert len(answers) == 6
    assert len(server.requests) == 6
    assert server.max_in_flight == 2

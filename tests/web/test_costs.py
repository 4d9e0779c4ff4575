"""What model calls cost, per run and per agent, as the runs page shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.models.llm import LLMCall
from newsroom.models.run import RunOptions
from newsroom.store.costs import agent_costs, run_calls, run_costs, total_spend
from newsroom.store.desk import create_run
from newsroom.store.llm_log import record_call


def call(agent: str, outcome: str, tokens: int, usd: float, run_id: str = "r1") -> LLMCall:
    return LLMCall(
        run_id=run_id,
        story_id="s1",
        agent=agent,
        task=f"{agent}.task",
        engine="openai",
        model="gpt-4o-mini",
        tokens_in=tokens,
        tokens_out=tokens // 2,
        cost_usd=usd,
        latency_ms=100,
        outcome=outcome,  # type: ignore[arg-type]
        created_at=datetime.now(UTC),
    )


def test_costs_add_up_per_agent_and_per_run_and_cached_calls_are_free(engine):
    create_run(engine, "r1", "openai", RunOptions(topic="ukraine"), "ukraine")
    create_run(engine, "r2", "openai", RunOptions(topic="ukraine"), "ukraine")
    for row in [
        call("analyst", "ok", 1000, 0.01),
        call("analyst", "ok", 3000, 0.03),
        call("analyst", "cached", 3000, 0.0),
        call("fact_checker", "failed", 500, 0.002),
        call("editor", "ok", 100, 0.001, run_id="r2"),
    ]:
        record_call(engine, row)

    agents = {a.agent: a.spend for a in agent_costs(engine, "r1")}
    runs = {r.run_id: r.spend for r in run_costs(engine)}

    assert list(agents) == ["analyst", "fact_checker"]  # the most expensive first
    analyst = agents["analyst"]
    assert (analyst.calls, analyst.cached, analyst.tokens_in, analyst.tokens_out) == (
        3,
        1,
        4000,
        2000,
    )
    assert round(analyst.cost_usd, 6) == 0.04
    assert agents["fact_checker"].failed == 1
    assert runs["r1"] == total_spend(agents.values())
    assert (runs["r2"].calls, round(runs["r2"].cost_usd, 6)) == (1, 0.001)
    assert [c.agent for c in run_calls(engine, "r1")] == ["analyst"] * 3 + ["fact_checker"]


def test_a_run_without_calls_costs_nothing(engine):
    create_run(engine, "r1", "offline", RunOptions(topic="ukraine"), "ukraine")

    (run,) = run_costs(engine)

    assert (run.spend.calls, run.spend.cost_usd, run.spend.tokens_in) == (0, 0.0, 0)
    assert agent_costs(engine, "r1") == []

"""What the desk's model calls cost: per run, per agent within a run, and the call log.

Tokens and dollars count paid calls only: a cached answer is logged with the tokens it
first cost but at $0 (see llm/cost.py), so counting its tokens again would overstate
what a run used. Cached calls are counted separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, case, func, select

from newsroom.models.base import Model
from newsroom.models.llm import LLMCall
from newsroom.store.schema import llm_calls, runs


class Spend(Model):
    calls: int = 0
    cached: int = 0
    failed: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0  # summed over the calls


def total_spend(spends: Iterable[Spend]) -> Spend:
    total = Spend()
    for spend in spends:
        for name in Spend.model_fields:
            setattr(total, name, getattr(total, name) + getattr(spend, name))
    return total


class RunCost(Model):
    run_id: str
    topic: str
    status: str
    engine: str
    started_at: datetime
    finished_at: datetime | None = None
    spend: Spend


class AgentCost(Model):
    agent: str
    spend: Spend


def _spend_columns() -> list:  # type: ignore[type-arg]
    paid = llm_calls.c.outcome != "cached"
    return [
        func.count().label("calls"),
        func.sum(case((llm_calls.c.outcome == "cached", 1), else_=0)).label("cached"),
        func.sum(case((llm_calls.c.outcome == "failed", 1), else_=0)).label("failed"),
        func.sum(case((paid, llm_calls.c.tokens_in), else_=0)).label("tokens_in"),
        func.sum(case((paid, llm_calls.c.tokens_out), else_=0)).label("tokens_out"),
        func.sum(llm_calls.c.cost_usd).label("cost_usd"),
        func.sum(llm_calls.c.latency_ms).label("latency_ms"),
    ]


def _spend(row: object) -> Spend:
    def number(name: str) -> int:
        return int(getattr(row, name) or 0)

    return Spend(
        calls=number("calls"),
        cached=number("cached"),
        failed=number("failed"),
        tokens_in=number("tokens_in"),
        tokens_out=number("tokens_out"),
        cost_usd=float(row.cost_usd or 0.0),  # type: ignore[attr-defined]
        latency_ms=number("latency_ms"),
    )


def run_costs(engine: Engine, *, limit: int = 100) -> list[RunCost]:
    """The latest runs, newest first, each with what its model calls cost."""
    per_run = select(llm_calls.c.run_id, *_spend_columns()).group_by(llm_calls.c.run_id).subquery()
    query = (
        select(runs, *(per_run.c[name] for name in Spend.model_fields))
        .outerjoin(per_run, per_run.c.run_id == runs.c.id)
        .order_by(runs.c.started_at.desc(), runs.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        RunCost(
            run_id=row.id,
            topic=row.topic,
            status=row.status,
            engine=row.engine,
            started_at=row.started_at,
            finished_at=row.finished_at,
            spend=_spend(row),
        )
        for row in rows
    ]


def agent_costs(engine: Engine, run_id: str) -> list[AgentCost]:
    """One run's spend per agent, the most expensive first."""
    query = (
        select(llm_calls.c.agent, *_spend_columns())
        .where(llm_calls.c.run_id == run_id)
        .group_by(llm_calls.c.agent)
        .order_by(func.sum(llm_calls.c.cost_usd).desc(), llm_calls.c.agent)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [AgentCost(agent=row.agent, spend=_spend(row)) for row in rows]


def run_calls(engine: Engine, run_id: str, *, limit: int = 500) -> list[LLMCall]:
    """One run's model calls in the order they were made (the first `limit`)."""
    columns = [llm_calls.c[name] for name in LLMCall.model_fields]
    query = (
        select(*columns)
        .where(llm_calls.c.run_id == run_id)
        .order_by(llm_calls.c.created_at, llm_calls.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return [LLMCall.model_validate(dict(row._mapping)) for row in connection.execute(query)]

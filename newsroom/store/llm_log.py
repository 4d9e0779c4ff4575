"""The record of every model call, and the response cache that makes re-runs free."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select

from newsroom.models.desk import Cost
from newsroom.models.llm import LLMCall
from newsroom.store.schema import llm_cache, llm_calls
from newsroom.store.upsert import insert_ignoring_conflicts


def record_call(engine: Engine, call: LLMCall) -> None:
    with engine.begin() as connection:
        connection.execute(insert(llm_calls).values(**call.model_dump()))


def cached_response(engine: Engine, key: str) -> tuple[str, int, int] | None:
    """The cached JSON answer with the tokens it cost when first paid for, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(llm_cache.c.response, llm_cache.c.tokens_in, llm_cache.c.tokens_out).where(
                llm_cache.c.key == key
            )
        ).first()
    return (row.response, row.tokens_in, row.tokens_out) if row else None


def cache_response(
    engine: Engine, key: str, model: str, response: str, tokens_in: int, tokens_out: int
) -> None:
    with engine.begin() as connection:
        insert_ignoring_conflicts(
            connection,
            llm_cache,
            [
                {
                    "key": key,
                    "model": model,
                    "response": response,
                    "tokens_in": tokens_in,
                    "tokens_out": tokens_out,
                    "created_at": datetime.now(UTC),
                }
            ],
            ["key"],
        )


def spent(engine: Engine, *, run_id: str, story_id: str | None = None) -> Cost:
    """What a run (or one of its stories) has paid for: cache hits cost nothing."""
    query = select(
        func.coalesce(func.sum(llm_calls.c.cost_usd), 0.0),
        func.coalesce(func.sum(llm_calls.c.tokens_in), 0),
        func.coalesce(func.sum(llm_calls.c.tokens_out), 0),
        func.count(),
    ).where(llm_calls.c.run_id == run_id, llm_calls.c.outcome != "cached")
    if story_id is not None:
        query = query.where(llm_calls.c.story_id == story_id)
    with engine.connect() as connection:
        usd, tokens_in, tokens_out, calls = connection.execute(query).one()
    return Cost(
        usd=float(usd), tokens_in=int(tokens_in), tokens_out=int(tokens_out), llm_calls=calls
    )

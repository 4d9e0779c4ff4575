"""What model calls cost: tokens and dollars, the call log, and the run's budget."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from newsroom.config import Price
from newsroom.errors import BudgetExceeded
from newsroom.models.llm import CallContext, LLMCall, Outcome
from newsroom.store.llm_log import record_call, spent

log = logging.getLogger(__name__)

_unpriced: set[str] = set()
_unpriced_lock = threading.Lock()


def usage_tokens(usage: Any) -> tuple[int, int]:
    """(prompt_tokens, completion_tokens) of a response's usage; 0 where a server omits them."""
    if usage is None:
        return 0, 0
    return int(getattr(usage, "prompt_tokens", 0) or 0), int(
        getattr(usage, "completion_tokens", 0) or 0
    )


def cost_usd(prices: dict[str, Price], model: str, tokens_in: int, tokens_out: int) -> float:
    """Dollars for the tokens; 0 for a model without a price (said once per model)."""
    price = prices.get(model)
    if price is None:
        with _unpriced_lock:
            if model not in _unpriced:
                _unpriced.add(model)
                log.warning(
                    "no price for model %r in NEWSROOM_LLM_PRICES: its calls are logged at $0",
                    model,
                )
        return 0.0
    return (tokens_in * price.input + tokens_out * price.output) / 1_000_000


@dataclass(frozen=True)
class CallEntry:
    """What the call log says about one generate() call, whatever its outcome."""

    task: str
    model: str
    template_hash: str
    cache_key: str
    context: CallContext


@dataclass
class Spend:
    """What one generate() call has used so far, across retries and the repair round."""

    run_id: str | None
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    usd: float = 0.0
    seconds: float = 0.0


class Ledger:
    """One engine's books: logs its calls and keeps each run within its budget.

    Calls on other threads may have been paid for and not yet logged; their cost is
    held here until logged, so concurrent stories cannot overspend together.
    """

    def __init__(self, store: Engine, prices: dict[str, Price], max_cost: float | None) -> None:
        self.store = store
        self.prices = prices
        self.max_cost = max_cost
        self._lock = threading.Lock()
        self._unlogged: dict[str | None, float] = {}
        self._spent_without_run = 0.0  # spent() needs a run id; these are counted here

    def paid(self, spend: Spend, model: str, usage: Any) -> None:
        """Add one response's usage to the call's spend."""
        tokens_in, tokens_out = usage_tokens(usage)
        usd = cost_usd(self.prices, model, tokens_in, tokens_out)
        spend.tokens_in += tokens_in
        spend.tokens_out += tokens_out
        spend.usd += usd
        with self._lock:
            self._unlogged[spend.run_id] = self._unlogged.get(spend.run_id, 0.0) + usd

    def check_budget(self, run_id: str | None) -> None:
        """Raise BudgetExceeded when the run has spent its budget."""
        if self.max_cost is None:
            return
        with self._lock:
            used = spent(self.store, run_id=run_id).usd if run_id else self._spent_without_run
            used += self._unlogged.get(run_id, 0.0)
        if used >= self.max_cost:
            raise BudgetExceeded(
                f"the run's budget of {_usd(self.max_cost)} is spent ({_usd(used)} used); "
                "no more model calls are made: raise the budget to go on"
            )

    def record(
        self, call: CallEntry, outcome: Outcome, spend: Spend, error: str | None = None
    ) -> None:
        """Write the call to llm_calls; a cached answer is logged with its tokens, at $0."""
        usd = 0.0 if outcome == "cached" else spend.usd
        context = call.context
        record_call(
            self.store,
            LLMCall(
                run_id=context.run_id,
                story_id=context.story_id,
                agent=context.agent,
                task=call.task,
                engine="openai",
                model=call.model,
                template_hash=call.template_hash,
                tokens_in=spend.tokens_in,
                tokens_out=spend.tokens_out,
                cost_usd=usd,
                latency_ms=round(spend.seconds * 1000),
                outcome=outcome,
                error=error,
                cache_key=call.cache_key,
                created_at=datetime.now(UTC),
            ),
        )
        with self._lock:
            self._unlogged[context.run_id] = self._unlogged.get(context.run_id, 0.0) - usd
            if context.run_id is None:
                self._spent_without_run += usd


def _usd(amount: float) -> str:
    return f"${amount:.2f}" if amount >= 0.1 else f"${amount:.4f}"

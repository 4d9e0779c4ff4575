"""Evaluating a whole run: every draft scored against the store, then the run's totals."""

from __future__ import annotations

from sqlalchemy import Engine

from newsroom.errors import ConfigError
from newsroom.evaluate.entailment import Entailment
from newsroom.evaluate.models import EvalReport
from newsroom.evaluate.scoring import draft_sentences, duplication, run_totals, score_draft
from newsroom.evaluate.sources import stored_sources
from newsroom.store.desk import get_run, latest_run_id, list_drafts


def evaluate_run(
    engine: Engine,
    run_id: str,
    *,
    entailment: Entailment | None = None,
    entailment_note: str = "no entailment check",
) -> EvalReport:
    """Score every draft of the run, in the order the run recorded its stories."""
    record = get_run(engine, run_id)
    if record is None:
        raise ConfigError(f"no run {run_id!r}; `newsroom runs` lists them")
    order = {story.story_id: index for index, story in enumerate(record.stories)}
    drafts = sorted(
        list_drafts(engine, run_id=run_id), key=lambda d: (order.get(d.story_id, len(order)), d.id)
    )
    repeated = duplication({d.id: draft_sentences(d) for d in drafts})
    scores = [
        score_draft(draft, stored_sources(engine, draft), entailment).model_copy(
            update={"duplication": repeated[draft.id][0], "duplicate_of": repeated[draft.id][1]}
        )
        for draft in drafts
    ]
    return EvalReport(
        run_id=record.id,
        topic=record.topic,
        engine=record.engine,
        entailment=entailment_note,
        drafts=scores,
        totals=run_totals(scores, entailment=entailment is not None),
    )


def last_run_id(engine: Engine) -> str:
    run_id = latest_run_id(engine)
    if run_id is None:
        raise ConfigError("no run yet; start one with `newsroom run --topic NAME`")
    return run_id

"""`newsroom eval`: how well a run's drafts are sourced, measured without the fact checker."""

from newsroom.evaluate.models import DraftScore, EvalReport, RunTotals, SentenceScore
from newsroom.evaluate.report import evaluate_run, last_run_id
from newsroom.evaluate.scoring import duplication, run_totals, score_draft
from newsroom.evaluate.sources import StoredSource, stored_sources

__all__ = [
    "DraftScore", "EvalReport", "RunTotals", "SentenceScore", "StoredSource", "duplication",
    "evaluate_run", "last_run_id", "run_totals", "score_draft", "stored_sources",
]  # fmt: skip

"""Hands editors' recorded decisions to their story threads, off the request path.

A `changes` decision runs the analyst, fact checker and copy editor again, which with a
hosted model takes minutes: the page answers at once and shows the revision in progress.
One thread does the work, so this process never runs two revisions on the SQLite file
at once; a decision still pending when the process dies is taken up at the next start
(the decision is recorded before it is applied, and applying it twice revises once).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.llm.factory import make_llm
from newsroom.locks import on_postgres
from newsroom.review.queue import apply_pending
from newsroom.worker.enqueue import enqueue_decision

log = logging.getLogger("newsroom.web")


class DecisionWorker:
    def __init__(self, settings: Settings, store: Engine) -> None:
        self.settings = settings
        self.store = store
        self._pool: ThreadPoolExecutor | None = None  # started by the first submit
        self._futures: set[Future[int]] = set()
        self._lock = threading.Lock()

    def submit(self, draft_id: str | None) -> Future[int]:
        """Apply the draft's pending decisions (every draft's, with None) in the background."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="newsroom-decisions"
                )
            future = self._pool.submit(self._apply, draft_id)
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[int]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _apply(self, draft_id: str | None) -> int:
        try:
            if draft_id is not None and on_postgres(self.settings):
                # With workers, whichever is free takes the decision (and its revision).
                enqueue_decision(self.settings, draft_id)
                return 0
            llm = make_llm(self.settings, self.store)
            return apply_pending(self.settings, self.store, llm, draft_id=draft_id)
        except Exception:  # the decision stays pending and is retried at the next start
            log.exception("applying the decisions on draft %s failed", draft_id or "(all)")
            return 0

    def drain(self, timeout: float | None = None) -> None:
        """Wait for the work submitted so far (tests, and a clean shutdown)."""
        with self._lock:
            pending = set(self._futures)
        wait(pending, timeout=timeout)

    def close(self) -> None:
        """Finish the work in hand; a later submit starts a new thread."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

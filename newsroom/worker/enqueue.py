"""Handing work to the workers from a command or the web page (worker mode, PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.models.run import RunOptions
from newsroom.pipeline.run import new_run_id
from newsroom.store.desk import create_run
from newsroom.topics import load_topic
from newsroom.worker.app import opened
from newsroom.worker.tasks import APPLY, RUN, decision_job, defer, run_job


def enqueue_run(settings: Settings, store: Engine, options: RunOptions) -> str:
    """Record a run and queue its intake; a worker then queues one task per story."""
    topic = load_topic(options.topic)
    run_id = new_run_id()
    with opened(settings) as app:
        create_run(store, run_id, settings.engine, options, topic.name)
        defer(app, RUN, run_job(run_id, options.topic))
    return run_id


def enqueue_decision(settings: Settings, draft_id: str) -> bool:
    """Queue the editors' recorded decisions on a draft for whichever worker is free.

    For the web page: call it after `review.queue.act(...)` records approve, reject or
    changes. False when that draft's decisions are already waiting in the queue.
    """
    with opened(settings) as app:
        return defer(app, APPLY, decision_job(draft_id)) is not None

"""The schedule's work on one machine without workers: every topic, one after another."""

from __future__ import annotations

from newsroom.config import Settings
from newsroom.ingest.run import ingest_topics
from newsroom.llm.factory import make_llm
from newsroom.models import Topic
from newsroom.models.run import RunOptions, RunRecord
from newsroom.pipeline.run import start_run
from newsroom.review.queue import apply_pending
from newsroom.store.db import open_engine
from newsroom.topics import list_topics, load_topic
from newsroom.worker.settings import WorkerSettings


def ingest_all(settings: Settings, worker: WorkerSettings) -> None:
    """What `newsroom ingest --all` does: every scheduled topic's due feeds."""
    store = open_engine(settings)
    ingest_topics(store, settings, _topics(worker))


def run_all(settings: Settings, worker: WorkerSettings) -> list[RunRecord]:
    """What `newsroom run --all --no-ingest` does: the decisions editors left for later,
    then each scheduled topic's top stories."""
    store = open_engine(settings)
    llm = make_llm(settings, store)
    apply_pending(settings, store, llm)
    return [
        start_run(settings, store, llm,
                  RunOptions(topic=topic.name, ingest=False, max_stories=worker.max_stories,
                             concurrency=settings.run_concurrency))
        for topic in _topics(worker)
    ]  # fmt: skip


def _topics(worker: WorkerSettings) -> list[Topic]:
    if worker.topics:
        return [load_topic(name) for name in worker.topics]
    return list_topics()

"""What workers do: ingest a topic, start a run, draft one story, apply editors' decisions,
and hand a dead worker's tasks to the living.

Each task is a plain function of the job's context and keyword arguments; `app.py` binds
them to a procrastinate App. Tasks may run twice (a retried job, a duplicate deferral):
each is safe to repeat, and a story is drafted once because whoever drafts it holds its
lease (newsroom.locks.story_lease) and checks its status under it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, JobContext
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.errors import BudgetExceeded, NewsroomError
from newsroom.ingest.run import ingest_topics
from newsroom.llm.factory import make_llm
from newsroom.models import RunStatus, StoryStatus
from newsroom.models.run import RunOptions
from newsroom.pipeline import run as desk
from newsroom.review.queue import apply_pending
from newsroom.store.desk import create_run, get_run, set_run_status
from newsroom.store.review import pending_decisions
from newsroom.topics import load_topic
from newsroom.worker.settings import WorkerSettings

log = logging.getLogger("newsroom.worker")

INGEST = "newsroom.ingest_topic"
RUN = "newsroom.run_topic"
DRAFT = "newsroom.draft_story"
APPLY = "newsroom.apply_decisions"
RECOVER = "newsroom.recover"
CLEANUP = "newsroom.cleanup"


@dataclass(frozen=True)
class Runtime:
    """What every task in a worker process shares; handed in as the jobs' context."""

    settings: Settings
    worker: WorkerSettings
    store: Engine


def runtime(context: JobContext) -> Runtime:
    return context.additional_context["newsroom"]  # type: ignore[no-any-return]


# -- deferring -----------------------------------------------------------------------------


def story_job(run_id: str, story_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(configure options, task kwargs) of a story's drafting job."""
    lock = f"story:{story_id}"
    return {"lock": lock, "queueing_lock": lock}, {"run_id": run_id, "story_id": story_id}


def decision_job(draft_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    lock = f"draft:{draft_id}"
    return {"lock": lock, "queueing_lock": lock, "priority": 10}, {"draft_id": draft_id}


def run_job(run_id: str, topic: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"lock": f"run:{run_id}", "queueing_lock": f"run:{run_id}"}, {
        "topic": topic,
        "run_id": run_id,
    }


def defer(app: App, task: str, job: tuple[dict[str, Any], dict[str, Any]]) -> int | None:
    """Queue a job; None when the same one is already waiting (its queueing lock)."""
    options, kwargs = job
    try:
        return app.configure_task(task, allow_unknown=False, **options).defer(**kwargs)
    except AlreadyEnqueued:
        return None


async def defer_async(
    app: App, task: str, job: tuple[dict[str, Any], dict[str, Any]]
) -> int | None:
    options, kwargs = job
    try:
        deferrer = app.configure_task(task, allow_unknown=False, **options)
        return await deferrer.defer_async(**kwargs)
    except AlreadyEnqueued:
        return None


def scheduled_run_id(topic: str, timestamp: int) -> str:
    """The same id for the same scheduled run, so a retried job continues that run."""
    when = datetime.fromtimestamp(timestamp, UTC)
    return f"{when:%Y%m%d-%H%M%S}-{hashlib.sha256(topic.encode()).hexdigest()[:6]}"


# -- the tasks -----------------------------------------------------------------------------


def ingest_topic(context: JobContext, *, topic: str, timestamp: int | None = None) -> dict:
    """Fetch one topic's due feeds (the schedule's replacement for cron's `ingest --all`)."""
    rt = runtime(context)
    report = ingest_topics(rt.store, rt.settings, [load_topic(topic)])
    summary = report.summary()
    log.info("ingested %s: %s", topic, summary)
    return summary


def run_topic(
    context: JobContext,
    *,
    topic: str,
    run_id: str | None = None,
    timestamp: int | None = None,
) -> list[str]:
    """A run's intake, then one drafting job per story; returns the stories handed out.

    `newsroom run --enqueue` records the run first and passes its id; the schedule passes
    a timestamp, from which the run's id follows.
    """
    rt = runtime(context)
    if run_id is None:
        run_id = scheduled_run_id(topic, timestamp or int(datetime.now(UTC).timestamp()))
    record = get_run(rt.store, run_id)
    if record is None:
        options = RunOptions(topic=topic, ingest=False, max_stories=rt.worker.max_stories)
        create_run(rt.store, run_id, rt.settings.engine, options, load_topic(topic).name)
        record = get_run(rt.store, run_id)
        assert record is not None
    options = record.options
    try:
        if options.ingest:
            ingest_topics(rt.store, rt.settings, [load_topic(options.topic)], demo=options.demo)
        llm = make_llm(rt.settings, rt.store, max_cost=options.max_cost)
        stories = desk.intake_run(rt.settings, rt.store, llm, run_id)
    except BudgetExceeded as exc:
        set_run_status(rt.store, run_id, RunStatus.BUDGET_SPENT, error=str(exc))
        return []
    except NewsroomError as exc:  # a bad topic file or setting: retrying will not help
        set_run_status(rt.store, run_id, RunStatus.FAILED, error=str(exc))
        log.error("run %s failed: %s", run_id, exc)
        return []
    for story in stories:
        defer(context.app, DRAFT, story_job(run_id, story.id))
    settle_run(rt.store, run_id)
    log.info("run %s: %d stories handed to the workers", run_id, len(stories))
    return [story.id for story in stories]


def draft_story(context: JobContext, *, run_id: str, story_id: str) -> str | None:
    """Draft one story to the editors' queue, resuming its checkpoint if a drafter died."""
    rt = runtime(context)
    record = get_run(rt.store, run_id)
    if record is None:
        return None
    llm = make_llm(rt.settings, rt.store, max_cost=record.options.max_cost)
    spent = desk.draft_story(rt.settings, rt.store, llm, run_id, story_id)
    settle_run(rt.store, run_id, budget_error=spent)
    return spent


def apply_decisions(context: JobContext, *, draft_id: str) -> int:
    """Take an editor's recorded decisions on one draft to its story's thread."""
    rt = runtime(context)
    return apply_pending(rt.settings, rt.store, make_llm(rt.settings, rt.store), draft_id=draft_id)


async def recover(context: JobContext, *, timestamp: int | None = None) -> dict[str, int]:
    """Give the tasks of workers that stopped sending heartbeats (killed, cut off) to others,
    and queue the decisions editors recorded for later (the web page, `queue ... --later`).

    A retried drafting job resumes its story from the checkpoint; the LLM response cache
    answers the calls its dead worker had already paid for.
    """
    rt = runtime(context)
    manager = context.app.job_manager
    retried = 0
    stalled = await manager.get_stalled_jobs(
        seconds_since_heartbeat=rt.worker.stalled_after_seconds
    )
    for job in stalled:
        try:
            await manager.retry_job(job)
            retried += 1
            log.warning("task %s[%s] of a silent worker is retried", job.task_name, job.id)
        except (AlreadyEnqueued, UniqueViolation):
            # The same work is queued again already: this copy is closed as failed.
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
    drafts = await asyncio.to_thread(
        lambda: sorted({d.draft_id for d in pending_decisions(rt.store)})
    )
    queued = 0
    for draft_id in drafts:
        queued += (await defer_async(context.app, APPLY, decision_job(draft_id))) is not None
    return {"retried": retried, "decisions": queued}


async def cleanup(context: JobContext, *, timestamp: int | None = None) -> None:
    """Forget finished tasks older than NEWSROOM_WORKER_KEEP_HOURS (failed ones too)."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=runtime(context).worker.keep_hours, include_failed=True
    )


def settle_run(store: Engine, run_id: str, *, budget_error: str | None = None) -> None:
    """Close a worker-mode run once none of its stories waits to be drafted."""
    record = get_run(store, run_id)
    if record is None or record.status != RunStatus.RUNNING:
        return
    if budget_error:
        set_run_status(store, run_id, RunStatus.BUDGET_SPENT, error=budget_error)
        return
    waiting = (StoryStatus.QUEUED, StoryStatus.DRAFTING)
    if not any(story.status in waiting for story in record.stories):
        set_run_status(store, run_id, RunStatus.FINISHED)


# (name, function, queue, retry) for app.py to bind.
TASKS: list[tuple[str, Callable[..., Any], str, int]] = [
    (INGEST, ingest_topic, "ingest", 2),
    (RUN, run_topic, "desk", 2),
    (DRAFT, draft_story, "desk", 2),
    (APPLY, apply_decisions, "review", 2),
    (RECOVER, recover, "maintenance", 0),
    (CLEANUP, cleanup, "maintenance", 0),
]

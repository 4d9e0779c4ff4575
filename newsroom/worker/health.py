"""The task queue's health for `newsroom status`: tasks by state, workers, failures, schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, Text, cast, column, func, select, table

from newsroom.config import Settings
from newsroom.worker.schedule import ScheduleRun, planned_schedule, schedule_runs
from newsroom.worker.settings import WorkerSettings, load_worker_settings


class FailedTask(BaseModel):
    id: int
    task: str
    args: dict[str, Any]
    attempts: int


class QueueHealth(BaseModel):
    pending: int  # queued, waiting for a worker (procrastinate's todo)
    running: int  # taken by a worker (doing)
    failed: int
    succeeded: int
    by_task: dict[str, dict[str, int]]  # task -> state -> count
    workers: int  # workers that sent a heartbeat lately
    recent_failures: list[FailedTask]
    schedule: list[ScheduleRun]


_jobs = table(
    "procrastinate_jobs",
    column("id"),
    column("task_name"),
    column("status"),
    column("args"),
    column("attempts"),
)
_workers = table("procrastinate_workers", column("id"), column("last_heartbeat"))


def queue_health(
    settings: Settings, store: Engine, worker: WorkerSettings | None = None
) -> QueueHealth:
    worker = worker or load_worker_settings()
    status = cast(_jobs.c.status, Text).label("status")
    alive_since = datetime.now(UTC) - timedelta(seconds=worker.stalled_after_seconds)
    with store.connect() as connection:
        counts = connection.execute(
            select(_jobs.c.task_name, status, func.count()).group_by(_jobs.c.task_name, status)
        ).all()
        workers = connection.execute(
            select(func.count())
            .select_from(_workers)
            .where(_workers.c.last_heartbeat >= alive_since)
        ).scalar_one()
        failures = connection.execute(
            select(_jobs.c.id, _jobs.c.task_name, _jobs.c.args, _jobs.c.attempts)
            .where(cast(_jobs.c.status, Text) == "failed")
            .order_by(_jobs.c.id.desc())
            .limit(5)
        ).all()
    by_task: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for task, state, count in counts:
        by_task.setdefault(task, {})[state] = count
        totals[state] = totals.get(state, 0) + count
    return QueueHealth(
        pending=totals.get("todo", 0),
        running=totals.get("doing", 0),
        failed=totals.get("failed", 0),
        succeeded=totals.get("succeeded", 0),
        by_task=by_task,
        workers=workers,
        recent_failures=[
            FailedTask(id=r.id, task=r.task_name, args=r.args or {}, attempts=r.attempts)
            for r in failures
        ],
        schedule=schedule_runs(store, planned_schedule(settings, worker)),
    )

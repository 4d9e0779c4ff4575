"""Running a worker: in the foreground (`newsroom worker`), or beside the web page
(`newsroom serve --schedule`), where on SQLite the same schedule runs without workers."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from newsroom.config import Settings
from newsroom.locks import on_postgres, run_lock
from newsroom.store.db import open_engine
from newsroom.worker.app import make_app
from newsroom.worker.schedule import ScheduledTask
from newsroom.worker.settings import WorkerSettings, load_worker_settings
from newsroom.worker.tasks import INGEST, RUN, Runtime

log = logging.getLogger("newsroom.worker")


def worker_options(worker: WorkerSettings, **extra: Any) -> dict[str, Any]:
    return {
        "concurrency": worker.concurrency,
        "update_heartbeat_interval": worker.heartbeat_seconds,
        "stalled_worker_timeout": worker.stalled_after_seconds,
        # LISTEN/NOTIFY wakes workers at once; polling is only the fallback.
        "fetch_job_polling_interval": 2.0,
        **extra,
    }


def run_worker(
    settings: Settings,
    worker: WorkerSettings | None = None,
    *,
    queues: Iterable[str] | None = None,
    schedule: bool = True,
    name: str | None = None,
    wait: bool = True,
) -> None:
    """Run tasks until stopped (SIGINT/SIGTERM), or until the queue is empty (`wait=False`)."""
    worker = worker or load_worker_settings()
    store = open_engine(settings)  # migrates, so a fresh database works at once
    app = make_app(settings, worker, schedule=schedule)
    app.run_worker(
        **worker_options(
            worker,
            queues=list(queues) if queues else None,
            name=name,
            wait=wait,
            additional_context={"newsroom": Runtime(settings, worker, store)},
        )
    )


class BackgroundSchedule:
    """The schedule in a thread of another process; `stop()` ends it."""

    def __init__(self, target: Callable[[threading.Event], None]) -> None:
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=target, args=(self._stopping,), name="newsroom-schedule", daemon=True
        )

    def start(self) -> BackgroundSchedule:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self._stopping.set()
        self._thread.join(timeout)


def start_schedule(settings: Settings, worker: WorkerSettings | None = None) -> BackgroundSchedule:
    """For `newsroom serve --schedule`: the schedule inside the web process.

    On PostgreSQL a worker runs in a thread (it queues the periodic tasks and runs them,
    beside any other workers). On SQLite the thread follows the same cron lines and calls
    what `newsroom ingest --all` and `newsroom run --all` call, under the same locks.
    """
    worker = worker or load_worker_settings()
    if on_postgres(settings):
        return BackgroundSchedule(lambda stop: _worker_thread(settings, worker, stop)).start()
    return BackgroundSchedule(lambda stop: _cron_thread(settings, worker, stop)).start()


def _worker_thread(settings: Settings, worker: WorkerSettings, stopping: threading.Event) -> None:
    store = open_engine(settings)
    app = make_app(settings, worker, schedule=True)
    options = worker_options(
        worker,
        install_signal_handlers=False,
        additional_context={"newsroom": Runtime(settings, worker, store)},
    )

    async def main() -> None:
        async with app.open_async():
            running = asyncio.create_task(app.run_worker_async(**options))
            while not stopping.is_set() and not running.done():
                await asyncio.sleep(0.2)
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

    asyncio.run(main())


def _cron_thread(settings: Settings, worker: WorkerSettings, stopping: threading.Event) -> None:
    from newsroom.worker.local import ingest_all, run_all
    from newsroom.worker.schedule import planned_schedule

    plan = [e for e in planned_schedule(settings, worker) if e.task in (INGEST, RUN)]
    jobs = {INGEST: ("ingest", ingest_all), RUN: ("run", run_all)}
    # One entry per task kind: the SQLite path works on every topic at once, like cron's.
    due: dict[str, ScheduledTask] = {}
    for entry in plan:
        due.setdefault(entry.task, entry)
    next_at = {task: entry.next_at() for task, entry in due.items()}
    while not stopping.is_set():
        now = datetime.now(UTC)
        for task, when in list(next_at.items()):
            if when > now:
                continue
            lock, job = jobs[task]
            try:
                with run_lock(settings, lock, wait=False):
                    job(settings, worker)
            except Exception:  # the schedule goes on; the next run retries
                log.exception("scheduled %s failed", lock)
            next_at[task] = due[task].next_at()
        stopping.wait(1.0)

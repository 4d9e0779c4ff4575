"""The procrastinate App on newsroom's PostgreSQL: its tasks, and its schedule when asked.

An App is made per use (a worker, a command that queues work, the web page) rather than
at import time, since its database comes from the settings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from procrastinate import App, PsycopgConnector, RetryStrategy

from newsroom.config import Settings
from newsroom.errors import ConfigError
from newsroom.locks import on_postgres
from newsroom.store.db import libpq_url
from newsroom.worker.schedule import install_schedule, planned_schedule
from newsroom.worker.settings import WorkerSettings, load_worker_settings
from newsroom.worker.tasks import TASKS

WORKER_MODE_HELP = (
    "workers need PostgreSQL: set NEWSROOM_DATABASE_URL=postgresql://USER@HOST/DB "
    "(on SQLite, run `newsroom ingest --all` and `newsroom run --all` from cron)"
)


def make_app(
    settings: Settings, worker: WorkerSettings | None = None, *, schedule: bool = False
) -> App:
    """An App with newsroom's tasks; with `schedule`, its periodic tasks too (workers)."""
    if not on_postgres(settings):
        raise ConfigError(WORKER_MODE_HELP)
    worker = worker or load_worker_settings()
    connector = PsycopgConnector(
        conninfo=libpq_url(settings.database), min_size=1, max_size=worker.concurrency + 4
    )
    logging.getLogger("procrastinate.blueprints").setLevel(logging.WARNING)  # says it per App
    app = App(connector=connector)
    for name, function, queue, retries in TASKS:
        retry = RetryStrategy(max_attempts=retries, exponential_wait=2) if retries else False
        app.task(name=name, queue=queue, pass_context=True, retry=retry)(function)
    if schedule:
        install_schedule(app, planned_schedule(settings, worker))
    return app


@contextmanager
def opened(settings: Settings) -> Iterator[App]:
    """An App open for queueing work from synchronous code (the CLI, the web page)."""
    app = make_app(settings)
    app.open()
    try:
        yield app
    finally:
        app.close()

"""`newsroom worker`: run queued tasks (ingest, runs, stories, decisions) from PostgreSQL."""

from __future__ import annotations

import logging
import os
import socket

import typer

from newsroom.cli.app import app, err_console, settings
from newsroom.errors import ConfigError
from newsroom.locks import on_postgres
from newsroom.worker.settings import load_worker_settings


@app.command()
def worker(
    concurrency: int = typer.Option(
        None, "--concurrency", "-c", min=1, help="Tasks at once (NEWSROOM_WORKER_CONCURRENCY)."
    ),
    queue: list[str] = typer.Option(
        None, "--queue", "-q", help="Only these queues: ingest, desk, review, maintenance."
    ),
    no_schedule: bool = typer.Option(
        False, "--no-schedule", help="Run tasks only; leave the schedule to other workers."
    ),
    once: bool = typer.Option(
        False, "--once", help="Exit once no task waits (tasks queued meanwhile stay queued)."
    ),
    name: str = typer.Option(None, "--name", help="How logs name this worker."),
) -> None:
    """Run the workers' tasks until stopped (Ctrl-C or SIGTERM finish the running ones first).

    Start one on each machine that shares the PostgreSQL database; each also queues the
    schedule's periodic tasks (`newsroom schedule` lists them), and the database sees to it
    that each is queued once.
    """
    from newsroom.worker.app import WORKER_MODE_HELP
    from newsroom.worker.runner import run_worker

    current = settings()
    if not on_postgres(current):
        raise ConfigError(WORKER_MODE_HELP)
    overrides = {"concurrency": concurrency} if concurrency else {}
    options = load_worker_settings(**overrides)
    # A line per job start and end is the worker's log; one per model request is noise.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    label = name or f"{socket.gethostname()}:{os.getpid()}"
    err_console.print(
        f"worker {label}: {options.concurrency} at once, "
        f"queues {', '.join(queue) if queue else 'all'}"
        + ("" if no_schedule else ", with the schedule"),
        highlight=False,
    )
    run_worker(
        current, options, queues=queue or None, schedule=not no_schedule, name=label, wait=not once
    )

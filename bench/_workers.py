"""The desk on 1, 2, 4... `newsroom worker` processes sharing PostgreSQL (bench/pipeline.py
--workers): stories per minute for each count, and the speed-up over one worker.

Each worker is a real `newsroom worker` process drafting one story at a time; the clock
runs from queueing the run (its intake included) to the last story in the queue.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from openai_server import OpenAIServer
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from newsroom.config import Settings
from newsroom.models.run import RunOptions
from newsroom.store.db import open_engine
from newsroom.store.schema import stories
from newsroom.worker.enqueue import enqueue_run

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "postgres.sh"


@contextmanager
def postgres() -> Iterator[str]:
    """A server: NEWSROOM_TEST_DATABASE_URL, else a throwaway one from .ci/postgres.sh."""
    given = os.environ.get("NEWSROOM_TEST_DATABASE_URL")
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="newsroom-bench-pg-")
    env = {**os.environ, "NEWSROOM_PG_DIR": folder}
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                             text=True, check=False)  # fmt: skip
    if started.returncode != 0:
        raise SystemExit(f"no PostgreSQL for --workers: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    url = make_url(server).set(drivername="postgresql")
    name = f"newsroom_bench_{secrets.token_hex(4)}"
    admin = url.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(check: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: timed out waiting for {what}")
        time.sleep(step)


def bench_workers(
    counts: list[int],
    stories: int,
    latency: float,
    seed_store: Callable[[Settings, Path, int], None],
    llm_server: Callable[[], OpenAIServer],
) -> None:
    print(f"workers on PostgreSQL: {stories} stories, {latency * 1000:.0f} ms a call, "
          "each worker one story at a time")  # fmt: skip
    rates: dict[int, float] = {}
    with postgres() as server_url:
        for count in counts:
            wall, calls = _one_count(count, stories, server_url, seed_store, llm_server)
            rates[count] = stories / wall * 60
            speedup = rates[count] / rates[counts[0]]
            print(f"  {count} worker{'s' if count > 1 else ' '}  {wall:6.2f} s  "
                  f"{rates[count]:6.1f} stories/min  x{speedup:.2f} of {counts[0]}  "
                  f"({calls} LLM calls)")  # fmt: skip
    if 1 in rates and 4 in rates:
        print(f"  scaling, 4 workers over 1: {rates[4] / rates[1]:.2f}  (goal >= 3.2)")


def _one_count(
    count: int,
    stories: int,
    server_url: str,
    seed_store: Callable[[Settings, Path, int], None],
    llm_server: Callable[[], OpenAIServer],
) -> tuple[float, int]:
    """Seconds from queueing a run of `stories` to its last draft, on `count` workers."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(server_url) as url,
        llm_server() as server,
    ):
        settings = Settings(home=Path(tmp) / "home", database_url=url,
                            llm_base_url=server.base_url, llm_api_key="bench")  # fmt: skip
        topic = Path(tmp) / "bench.yaml"
        seed_store(settings, topic, stories)
        store = open_engine(settings)
        with _workers(count, Path(tmp), settings):
            wait_until(lambda: _alive(store) == count, 120, f"{count} workers")
            started = time.perf_counter()
            enqueue_run(settings, store, RunOptions(topic=str(topic), ingest=False,
                                                    max_stories=stories))  # fmt: skip
            wait_until(lambda: _in_review(store) >= stories, 600, f"{stories} drafts")
            wall = time.perf_counter() - started
        return wall, len(server.requests)


@contextmanager
def _workers(count: int, cwd: Path, settings: Settings) -> Iterator[None]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "OPENAI_"))},
        "NEWSROOM_HOME": str(settings.home),
        "NEWSROOM_DATABASE_URL": settings.database,
        "NEWSROOM_LLM_BASE_URL": settings.llm_base_url or "",
        "NEWSROOM_LLM_API_KEY": "bench",
    }
    procs = [
        subprocess.Popen([sys.executable, "-m", "newsroom", "worker", "--concurrency", "1",
                          "--no-schedule", "--name", f"bench{n}"], cwd=cwd, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in range(count)
    ]  # fmt: skip
    try:
        yield
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _alive(store: Engine) -> int:
    query = text("SELECT count(*) FROM procrastinate_workers")
    with store.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _in_review(store: Engine) -> int:
    query = select(func.count()).select_from(stories).where(stories.c.status == "in_review")
    with store.connect() as connection:
        return int(connection.execute(query).scalar_one())

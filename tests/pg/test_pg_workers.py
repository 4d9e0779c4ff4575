"""`newsroom worker` processes on one PostgreSQL database, against the scripted OpenAI server:
racing workers draft each story once, a killed worker's story is finished by another
without repeating a paid call, decisions reach a free worker, and the schedule fires."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Reply, rss
from desk_responder import DeskModel, blocks, task_of
from openai_server import ChatReply, OpenAIServer
from pg_fixtures import *  # noqa: F403
from sqlalchemy import Engine, select, text

from newsroom.config import Settings
from newsroom.models import DraftStatus, StoryStatus
from newsroom.models.review import Action
from newsroom.review.queue import act
from newsroom.store.db import open_engine
from newsroom.store.desk import list_drafts
from newsroom.store.schema import llm_calls, runs, stories
from newsroom.worker.app import opened
from newsroom.worker.enqueue import enqueue_decision
from newsroom.worker.tasks import DRAFT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
INTAKE_TASKS = ("Ranking", "Translation", "Clusters")

_bench = importlib.util.spec_from_file_location("bench_pipeline", REPO / "bench" / "pipeline.py")
assert _bench and _bench.loader
bench = importlib.util.module_from_spec(_bench)
_bench.loader.exec_module(bench)


class KeyedServer(OpenAIServer):
    """The scripted server, also telling the responder which API key (which worker) asked."""

    def __init__(self, **kw: float) -> None:
        self.caller = threading.local()
        super().__init__(**kw)

    def _handler(self):  # type: ignore[no-untyped-def]
        base = super()._handler()
        server = self

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_POST(self) -> None:
                server.caller.key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                super().do_POST()

        return Handler


class Workers:
    """`newsroom worker` subprocesses sharing the test's database; stopped at the end."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.procs: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[str]:
        log = (self.cwd / f"{name}.log").open("w")
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "newsroom", "worker", "--name", name, *args],
            cwd=self.cwd, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        return self.procs[name]

    def log(self, name: str) -> str:
        return (self.cwd / f"{name}.log").read_text()

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(30)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def story_counts(store: Engine) -> Counter[str]:
    with store.connect() as connection:
        return Counter(connection.execute(select(stories.c.status)).scalars())


@pytest.fixture
def server() -> Iterator[KeyedServer]:
    with KeyedServer(latency=0.02) as running:
        running.responder = DeskModel()
        yield running


@pytest.fixture
def newsroom_env(tmp_path: Path, server: KeyedServer, postgres_env: str) -> dict[str, str]:
    """What a worker on another machine would be given: the database and the model."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "OPENAI_"))},
        "NEWSROOM_DATABASE_URL": postgres_env,
        "NEWSROOM_HOME": str(tmp_path / "home"),
        "NEWSROOM_LLM_BASE_URL": server.base_url,
        "NEWSROOM_LLM_API_KEY": "test-key",
        "NEWSROOM_WORKER_HEARTBEAT_SECONDS": "1",
        "NEWSROOM_WORKER_STALLED_AFTER_SECONDS": "3",
        "NEWSROOM_WORKER_RECOVER_CRON": "* * * * * *",
        "NEWSROOM_WORKER_INGEST_CRON": "0 0 1 1 *",
        "NEWSROOM_WORKER_RUN_CRON": "",
        "NEWSROOM_WORKER_TOPICS": '["bench"]',
    }


@pytest.fixture
def workers(tmp_path: Path, newsroom_env: dict[str, str]) -> Iterator[Workers]:
    running = Workers(tmp_path, newsroom_env)
    yield running
    running.stop()


def seeded(tmp_path: Path, env: dict[str, str], count: int) -> tuple[Settings, Engine]:
    """`count` three-outlet stories in the store, and the topic in ./sources/bench.yaml."""
    settings = Settings(home=Path(env["NEWSROOM_HOME"]), database_url=env["NEWSROOM_DATABASE_URL"])
    (tmp_path / "sources").mkdir()
    bench.seed_store(settings, tmp_path / "sources" / "bench.yaml", count)
    return settings, open_engine(settings)


def enqueue(tmp_path: Path, env: dict[str, str], count: int) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "newsroom", "run", "--topic", "bench", "--no-ingest",
         "--max-stories", str(count), "--enqueue", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["queued"][0]["run"]


def test_two_workers_draft_twenty_stories_each_once_and_lose_none(
    tmp_path, newsroom_env, workers, server
):
    settings, store = seeded(tmp_path, newsroom_env, 20)
    # Two runs of the same topic at once: both hand out the same twenty stories.
    enqueue(tmp_path, newsroom_env, 20)
    enqueue(tmp_path, newsroom_env, 20)
    workers.start("w1", "--concurrency", "2")
    workers.start("w2", "--concurrency", "2")
    wait_for(lambda: story_counts(store).total() == 20, 60, "the intake")
    # And a duplicate drafting job per story without procrastinate's locks: only the
    # stories' own lease and status keep these from drafting a story twice.
    with opened(settings) as app, store.connect() as connection:
        for story_id in connection.execute(select(stories.c.id)).scalars():
            app.configure_task(DRAFT).defer(run_id=_run_of(store, story_id), story_id=story_id)

    wait_for(lambda: story_counts(store)[StoryStatus.IN_REVIEW] == 20, 180, "20 drafts")
    wait_for(lambda: _jobs_left(store) == 0, 60, "the queue to drain")

    drafts = list_drafts(store)
    assert len(drafts) == 20 and {d.version for d in drafts} == {1}
    # The two runs' intakes ran at once and each paid for its own ranking and clustering;
    # every call about one story was made once, by one worker.
    sent = Counter(key(r) for r in server.requests if task_of(r) not in INTAKE_TASKS)
    assert len(sent) >= 20 * 5 and max(sent.values()) == 1, "a story's call was sent twice"
    with store.connect() as connection:
        outcomes = Counter(
            connection.execute(
                select(llm_calls.c.outcome).where(llm_calls.c.story_id.is_not(None))
            ).scalars()
        )
    assert outcomes == {"ok": len(sent)}  # no story's step ran twice, even from the cache
    assert "Starting job newsroom.draft_story" in workers.log("w1")
    assert "Starting job newsroom.draft_story" in workers.log("w2")
    with store.connect() as connection:
        assert set(connection.execute(select(runs.c.status)).scalars()) == {"finished"}

    # A decision recorded in the web page is applied by whichever worker is free.
    draft = drafts[0]
    act(store, draft.id, Action.CHANGES, actor="eve", note="Lead with the power cuts")
    assert enqueue_decision(settings, draft.id)
    wait_for(lambda: _version(store, draft.id) == 2, 60, "the revision")
    assert next(d for d in list_drafts(store) if d.id == draft.id).status == DraftStatus.IN_REVIEW

    status = subprocess.run([sys.executable, "-m", "newsroom", "status", "--json"],
                            cwd=tmp_path, env=newsroom_env, capture_output=True, text=True,
                            timeout=60, check=True)  # fmt: skip
    tasks = json.loads(status.stdout)["tasks"]
    assert tasks["failed"] == 0 and tasks["pending"] == 0 and tasks["workers"] == 2
    assert tasks["by_task"]["newsroom.draft_story"]["succeeded"] >= 20


def test_a_killed_workers_story_is_finished_by_the_other_without_repeating_calls(
    tmp_path, newsroom_env, workers, server
):
    _, store = seeded(tmp_path, newsroom_env, 4)
    model = server.responder
    held = threading.Event()
    killed = threading.Event()
    holder: dict[str, str] = {}
    answered: list[str] = []
    lock = threading.Lock()

    def responder(request):
        with lock:
            first = task_of(request) == "ProposedVerdicts" and not holder
            if first:  # mid-story: research and article are paid for, the fact check is not
                holder["key"] = server.caller.key
                holder["titles"] = " ".join(
                    b.title for b in blocks(request["messages"][1]["content"])
                )
        if first:
            held.set()
            killed.wait(60)
            return ChatReply.error(500, "never delivered")
        reply = model(request)
        with lock:
            answered.append(key(request))
        return reply

    server.responder = responder
    enqueue(tmp_path, newsroom_env, 4)
    workers.start("w1", "--concurrency", "1", NEWSROOM_LLM_API_KEY="w1")
    workers.start("w2", "--concurrency", "1", NEWSROOM_LLM_API_KEY="w2")
    assert held.wait(90), "no worker reached a fact check"
    victim = holder["key"]
    survivor = "w2" if victim == "w1" else "w1"
    workers.kill(victim)
    with lock:
        before = Counter(answered)
    killed.set()
    story_id = _story_with_title_of(store, holder["titles"])

    wait_for(lambda: story_counts(store)[StoryStatus.IN_REVIEW] == 4, 120, "all four drafts")

    assert re.search(rf"Starting job newsroom\.draft_story\[\d+\]\(.*story_id='{story_id}'",
                     workers.log(survivor)), "the survivor never took the story over"  # fmt: skip
    assert "of a silent worker is retried" in workers.log(survivor)
    sent = Counter(key(r) for r in server.requests)
    assert [k for k, n in sent.items() if n > 1 and k in before] == []
    (draft,) = [d for d in list_drafts(store) if d.story_id == story_id]
    assert draft.version == 1 and draft.status == DraftStatus.IN_REVIEW


def test_the_schedule_ingests_a_topic_every_two_seconds(tmp_path, newsroom_env, workers):
    from conftest import FeedServer, news_items

    feeds = FeedServer().start()
    try:
        feeds.routes["/feed.xml"] = Reply(200, rss(news_items(3)))
        (tmp_path / "sources").mkdir()
        topic = {"name": "feedtopic", "title": "Feed topic", "keywords": ["Ukraine"],
                 "languages": ["en"], "analyst": "viktor-petersen",
                 "feeds": [{"url": feeds.url("/feed.xml")}]}  # fmt: skip
        (tmp_path / "sources" / "feedtopic.yaml").write_text(yaml.safe_dump(topic))
        workers.start(
            "w1",
            NEWSROOM_WORKER_INGEST_CRON="* * * * * */2",
            NEWSROOM_WORKER_TOPICS='["feedtopic"]',
            NEWSROOM_FETCH_INTERVAL_MINUTES="1",
            NEWSROOM_ALLOW_PRIVATE_NETWORKS="true",
        )
        store = open_engine(Settings(home=tmp_path / "home"))

        def ingests() -> int:
            with store.connect() as connection:
                return connection.execute(text(
                    "SELECT count(DISTINCT args->>'timestamp') FROM procrastinate_jobs "
                    "WHERE task_name = 'newsroom.ingest_topic' AND status = 'succeeded'"
                )).scalar_one()  # fmt: skip

        wait_for(lambda: ingests() >= 2, 60, "two scheduled ingests")
    finally:
        feeds.stop()

    assert feeds.requests_to("/feed.xml")
    with store.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM items")).scalar_one() == 3
    shown = subprocess.run([sys.executable, "-m", "newsroom", "schedule", "--json"],
                           cwd=tmp_path, env={**workers.env, "NEWSROOM_WORKER_TOPICS":
                           '["feedtopic"]'}, capture_output=True, text=True, timeout=60,
                           check=True)  # fmt: skip
    ingest = next(e for e in json.loads(shown.stdout) if e["id"] == "ingest:feedtopic")
    assert ingest["last_status"] in ("succeeded", "doing", "todo") and ingest["last_at"]


def key(request) -> str:
    return json.dumps([request["model"], request["messages"]], sort_keys=True)


def _run_of(store: Engine, story_id: str) -> str:
    with store.connect() as connection:
        return connection.execute(
            select(stories.c.run_id).where(stories.c.id == story_id)
        ).scalar_one()


def _jobs_left(store: Engine) -> int:
    with store.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
            "AND task_name <> 'newsroom.recover'"
        )).scalar_one()  # fmt: skip


def _version(store: Engine, draft_id: str) -> int:
    return next(d.version for d in list_drafts(store) if d.id == draft_id)


def _story_with_title_of(store: Engine, titles: str) -> str:
    """The story whose items the held request cited (bench titles end in `#n`)."""
    numbers = set(re.findall(r"#(\d+)\b", titles))
    with store.connect() as connection:
        for story_id, story in connection.execute(select(stories.c.id, stories.c.story)):
            cited = {m for c in story["candidates"] for m in re.findall(r"#(\d+)\b", c["title"])}
            if cited & numbers:
                return story_id
    raise AssertionError(f"no story has the items of {titles!r}")


def test_the_schedule_inside_the_web_process_runs_a_worker_beside_it(
    tmp_path, postgres_env, feed_server, monkeypatch
):
    from conftest import make_topic, news_items, write_topic

    from newsroom.worker.runner import start_schedule
    from newsroom.worker.settings import WorkerSettings

    feed_server.routes["/feed.xml"] = Reply(200, rss(news_items(2)))
    (tmp_path / "sources").mkdir()
    write_topic(tmp_path / "sources", make_topic([feed_server.url("/feed.xml")], name="local"))
    monkeypatch.chdir(tmp_path)
    settings = Settings(home=tmp_path / "home", allow_private_networks=True)
    store = open_engine(settings)
    worker = WorkerSettings(ingest_cron="* * * * * *", run_cron=None, topics=["local"])

    schedule = start_schedule(settings, worker)
    try:
        wait_for(lambda: _count(store, "items") == 2, 30, "the scheduled ingest")
    finally:
        schedule.stop()

    assert _count(store, "ingest_runs") >= 1
    assert not schedule._thread.is_alive()


def _count(store: Engine, table: str) -> int:
    with store.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

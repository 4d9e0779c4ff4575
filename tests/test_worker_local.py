"""The schedule on one machine with SQLite: crontab lines, `run --all`, the schedule inside
the web process (`serve --schedule`), and a clear word that workers need PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
from conftest import Reply, make_topic, news_items, rss, run_cli, write_topic
from sqlalchemy import func, select

from newsroom.config import Settings
from newsroom.store.db import open_engine
from newsroom.store.schema import ingest_runs, items, runs
from newsroom.worker.runner import start_schedule
from newsroom.worker.settings import WorkerSettings


def test_schedule_prints_crontab_lines_for_ingest_and_runs(tmp_path):
    result = run_cli("schedule", "--every", "10", cwd=tmp_path)

    ingest, drafting = result.stdout.strip().splitlines()
    assert ingest.startswith("*/10 * * * * ") and ingest.endswith("2>&1")
    assert "ingest --all" in ingest
    assert drafting.startswith("0 * * * * ") and "run --all --no-ingest" in drafting


def test_workers_need_postgres_and_say_so_in_one_line(tmp_path):
    worker = run_cli("worker", cwd=tmp_path)
    enqueued = run_cli("run", "--topic", "ukraine", "--enqueue", cwd=tmp_path)

    for result in (worker, enqueued):
        assert result.returncode == 1
        assert result.stderr.startswith("newsroom: workers need PostgreSQL")
        assert len(result.stderr.strip().splitlines()) == 1
    store = open_engine(Settings(home=tmp_path / "home"))
    assert _count(store, runs) == 0  # nothing was half-queued


@pytest.mark.slow
def test_run_all_drafts_every_topic_in_turn(tmp_path):
    result = run_cli("run", "--all", "--demo", "--max-stories", "1", "--json", cwd=tmp_path,
                     timeout=300)  # fmt: skip

    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["topic"] == "ukraine" and record["status"] == "finished"


def test_the_schedule_inside_the_web_process_ingests_on_its_cron_line(
    tmp_path, settings, feed_server, monkeypatch
):
    feed_server.routes["/feed.xml"] = Reply(200, rss(news_items(2)))
    (tmp_path / "sources").mkdir()
    write_topic(tmp_path / "sources", make_topic([feed_server.url("/feed.xml")], name="local"))
    monkeypatch.chdir(tmp_path)
    worker = WorkerSettings(ingest_cron="* * * * * *", run_cron=None, topics=["local"])
    store = open_engine(settings)

    schedule = start_schedule(settings, worker)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _count(store, ingest_runs) < 2:
            time.sleep(0.2)
    finally:
        schedule.stop()

    assert _count(store, ingest_runs) >= 2  # it fired, and fired again a second later
    assert _count(store, items) == 2
    assert len(feed_server.requests_to("/feed.xml")) == 1  # the feed was due only once


def _count(store, table) -> int:
    with store.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()

"""The `newsroom` command as users and cron run it: real subprocesses on a temp home."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from conftest import FeedServer, Reply, make_topic, news_items, rss, run_cli, write_topic

ALLOW = {"NEWSROOM_ALLOW_PRIVATE_NETWORKS": "true"}


@pytest.fixture
def topic_file(tmp_path, feed_server: FeedServer):
    feed_server.routes["/a.xml"] = Reply(body=rss(news_items(4, prefix="a")))
    feed_server.routes["/b.xml"] = Reply(body=rss(news_items(3, prefix="b")))
    feed_server.routes["/down.xml"] = Reply(500)
    urls = [feed_server.url(p) for p in ("/a.xml", "/b.xml", "/down.xml")]
    return write_topic(tmp_path, make_topic(urls))


def test_ingest_prints_a_summary_and_status_json_counts_it(tmp_path, topic_file):
    ingest = run_cli("ingest", "--topic", str(topic_file), cwd=tmp_path, env=ALLOW)

    assert ingest.returncode == 0, ingest.stderr
    assert "7 new" in ingest.stdout and "1 failing" in ingest.stdout
    status = run_cli("status", "--json", cwd=tmp_path)
    data = json.loads(status.stdout)
    assert data["feeds"] == 3
    assert data["items"] == 7
    assert data["items_by_language"] == {"en": 7}
    assert data["feeds_failing"] == 1
    down = next(f for f in data["feed_list"] if f["url"].endswith("/down.xml"))
    assert down["last_error"] == "HTTP 500 Internal Server Error"


def test_ingest_json_lists_each_feed_outcome(tmp_path, topic_file):
    result = run_cli("ingest", "--topic", str(topic_file), "--json", cwd=tmp_path, env=ALLOW)

    data = json.loads(result.stdout)
    assert data["new"] == 7
    assert sorted(o["status"] for o in data["outcomes"]) == ["failed", "ok", "ok"]


def test_cron_output_is_plain_log_lines(tmp_path, topic_file):
    result = run_cli("ingest", "--topic", str(topic_file), cwd=tmp_path, env=ALLOW)

    assert "ingesting 3 feeds" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_topic_is_a_one_line_error(tmp_path):
    result = run_cli("ingest", "--topic", "atlantis", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip().startswith("newsroom: no topic named 'atlantis'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_topic_file_names_the_file_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntitle: Bad\nkeywords: [x]\nlanguages: [en]\nanalyst: a\n"
                   "feeds:\n  - url: not-a-url\n")  # fmt: skip

    result = run_cli("ingest", "--topic", str(bad), cwd=tmp_path)

    assert result.returncode == 1
    assert "bad.yaml" in result.stderr and "feeds.0.url" in result.stderr


def test_second_overlapping_ingest_says_so_and_exits_zero(tmp_path, feed_server):
    release = threading.Event()

    def held_until_released(_headers: dict[str, str]) -> Reply:
        release.wait(60)
        return Reply(body=rss(news_items(5)))

    feed_server.routes["/slow.xml"] = held_until_released
    topic = write_topic(tmp_path, make_topic([feed_server.url("/slow.xml")]))
    env = {**ALLOW, "NEWSROOM_HOME": str(tmp_path / "home")}
    first = subprocess.Popen(
        [sys.executable, "-m", "newsroom", "ingest", "--topic", str(topic)],
        cwd=tmp_path,
        env={**_base_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_request(feed_server, "/slow.xml")

    second = run_cli("ingest", "--topic", str(topic), cwd=tmp_path, env=ALLOW)
    release.set()
    first.communicate(timeout=60)

    assert second.returncode == 0
    assert "another `newsroom ingest` is running" in second.stderr
    assert first.returncode == 0


def test_concurrent_ingests_with_wait_store_no_item_twice(tmp_path, feed_server):
    feed_server.routes["/feed.xml"] = Reply(body=rss(news_items(20)), delay=0.5)
    topic = write_topic(tmp_path, make_topic([feed_server.url("/feed.xml")]))
    env = {**_base_env(), **ALLOW, "NEWSROOM_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "newsroom", "ingest", "--topic", str(topic), "--wait",
               "--force", "--json"]  # fmt: skip
    runs = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [json.loads(run.communicate(timeout=90)[0]) for run in runs]

    assert sorted(o["new"] for o in outputs) == [0, 0, 20]
    status = json.loads(run_cli("status", "--json", cwd=tmp_path).stdout)
    assert status["items"] == 20


def test_sources_add_show_remove_edit_the_working_directory_topic(tmp_path):
    (tmp_path / "sources").mkdir()
    write_topic(tmp_path / "sources", make_topic(["https://example.org/feed.xml"], name="mine"))

    added = run_cli("sources", "add", "mine", "https://example.com/rss", "--name", "Example",
                    "--language", "de", cwd=tmp_path)  # fmt: skip
    shown = json.loads(run_cli("sources", "show", "mine", "--json", cwd=tmp_path).stdout)
    removed = run_cli("sources", "remove", "mine", "https://example.org/feed.xml", cwd=tmp_path)
    listed = json.loads(run_cli("sources", "list", "--json", cwd=tmp_path).stdout)

    assert added.returncode == 0 and removed.returncode == 0
    assert {"url": "https://example.com/rss", "name": "Example", "language": "de"} in shown["feeds"]
    mine = next(t for t in listed if t["name"] == "mine")
    assert mine["feeds"] == 1


def test_sources_add_refuses_a_duplicate_feed(tmp_path):
    (tmp_path / "sources").mkdir()
    write_topic(tmp_path / "sources", make_topic(["https://example.org/feed.xml"], name="mine"))

    result = run_cli("sources", "add", "mine", "https://example.org/feed.xml", cwd=tmp_path)

    assert result.returncode == 1
    assert "already a feed" in result.stderr


def test_sources_enable_brings_a_disabled_feed_back(tmp_path, feed_server):
    feed_server.routes["/gone.xml"] = Reply(410)
    topic = write_topic(tmp_path, make_topic([feed_server.url("/gone.xml")]))
    run_cli("ingest", "--topic", str(topic), cwd=tmp_path, env=ALLOW)
    feed_server.routes["/gone.xml"] = Reply(body=rss(news_items(2)))

    skipped = json.loads(
        run_cli("ingest", "--topic", str(topic), "--json", cwd=tmp_path, env=ALLOW).stdout
    )
    enabled = run_cli("sources", "enable", feed_server.url("/gone.xml"), cwd=tmp_path)
    back = json.loads(
        run_cli("ingest", "--topic", str(topic), "--json", cwd=tmp_path, env=ALLOW).stdout
    )

    assert skipped["feeds"] == 0
    assert enabled.returncode == 0
    assert back["new"] == 2


def test_config_masks_the_database_password(tmp_path):
    env = {"NEWSROOM_DATABASE_URL": "postgresql://editor:hunter2@db.example/newsroom"}

    result = run_cli("config", "--json", cwd=tmp_path, env=env)

    shown = json.loads(result.stdout)
    assert "hunter2" not in result.stdout
    assert shown["database"] == "postgresql://editor:***@db.example/newsroom"


def test_settings_come_from_newsroom_toml_and_env_wins(tmp_path):
    (tmp_path / "newsroom.toml").write_text("fetch_timeout = 7\nmax_redirects = 2\n")

    shown = json.loads(
        run_cli("config", "--json", cwd=tmp_path, env={"NEWSROOM_MAX_REDIRECTS": "3"}).stdout
    )

    assert shown["fetch_timeout"] == 7
    assert shown["max_redirects"] == 3


def test_schedule_prints_a_crontab_line(tmp_path):
    result = run_cli("schedule", "--every", "10", cwd=tmp_path)

    line = result.stdout.strip()
    assert line.startswith("*/10 * * * * ")
    assert "ingest --all" in line


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ingest"],
        ["status"],
        ["config"],
        ["schedule"],
        ["sources"],
        ["sources", "add"],
        ["sources", "enable"],
        ["db", "upgrade"],
    ],
)
def test_every_command_has_help(tmp_path, command):
    result = run_cli(*command, "--help", cwd=tmp_path)

    assert result.returncode == 0
    assert "Usage" in result.stdout


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}


def _wait_for_request(server: FeedServer, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not server.requests_to(path):
        if time.monotonic() > deadline:
            raise AssertionError(f"no request for {path}")
        time.sleep(0.05)

"""The desk on PostgreSQL: the SQLite suite's desk tests run unchanged (store and
checkpointer both on PostgreSQL), and the commands a user types, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from pg_fixtures import *  # noqa: F403
from sqlalchemy import text
from test_desk_openai import (  # noqa: F401
    desk_settings,
    server,
    store,
    test_cost_is_the_servers_reported_usage_at_the_price_table,
    test_one_failing_story_does_not_stop_the_run,
    test_openai_run_drafts_every_story_with_checked_claims,
    test_the_budget_stops_new_calls_cleanly,
    test_unsupported_claims_go_back_to_the_analyst,
)

from newsroom.config import Settings
from newsroom.pipeline.checkpointer import open_checkpointer
from newsroom.store.db import open_engine

pytestmark = pytest.mark.postgres


def newsroom(*args: str, cwd, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsroom", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip


@pytest.mark.slow
def test_the_offline_demo_runs_on_postgres_from_the_command_line(tmp_path, postgres_env):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "OPENAI_"))},
        "NEWSROOM_HOME": str(tmp_path / "home"),
        "NEWSROOM_DATABASE_URL": postgres_env,
    }
    upgraded = newsroom("db", "upgrade", cwd=tmp_path, env=env)
    ran = newsroom("run", "--topic", "ukraine", "--demo", "--max-stories", "3", "--json",
                   cwd=tmp_path, env=env)  # fmt: skip
    listed = newsroom("queue", "list", "--json", cwd=tmp_path, env=env)

    assert upgraded.returncode == 0 and "revision 0005" in upgraded.stdout, upgraded.stderr
    assert ran.returncode == 0, ran.stderr
    record = json.loads(ran.stdout)
    assert record["status"] == "finished"
    drafted = [s for s in record["stories"] if s["status"] == "in_review"]
    assert len(drafted) == 3 and all(len(s["outlets"]) >= 2 for s in drafted)
    assert {d["id"] for d in json.loads(listed.stdout)} == {s["story_id"] for s in drafted}
    assert not (tmp_path / "home" / "newsroom.db").exists()  # nothing went to SQLite


def test_the_store_and_the_checkpointer_share_the_postgres_database(postgres_env, tmp_path):
    engine = open_engine(Settings(home=tmp_path / "home"))
    with open_checkpointer(engine) as saver:
        assert type(saver).__name__ == "PostgresSaver"
    with engine.connect() as connection:
        tables = set(connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )).scalars())  # fmt: skip
    assert engine.dialect.name == "postgresql"
    assert {"items", "drafts", "checkpoints", "procrastinate_jobs"} <= tables


def test_workers_started_at_once_migrate_an_empty_database_once(postgres_env, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from newsroom.store.db import schema_revision

    settings = Settings(home=tmp_path / "home")
    with ThreadPoolExecutor(4) as pool:
        engines = list(pool.map(lambda _: open_engine(settings), range(4)))
    assert {schema_revision(e) for e in engines} == {"0005"}


def test_an_unreachable_database_is_a_one_line_error(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")},
        "NEWSROOM_HOME": str(tmp_path / "home"),
        "NEWSROOM_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none",
    }
    result = newsroom("status", cwd=tmp_path, env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("newsroom: cannot open the database")
    assert "secret" not in result.stderr and "Traceback" not in result.stderr

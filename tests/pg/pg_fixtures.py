"""PostgreSQL for the tests in tests/pg: a fresh database per test, on a server from
NEWSROOM_TEST_DATABASE_URL (CI starts one with .ci/postgres.sh), else one started here.

A module imports these fixtures (`from pg_fixtures import *`) and sets
`pytestmark = pytest.mark.postgres`. Every test in it then runs with NEWSROOM_DATABASE_URL
pointing at its own database, so the SQLite suite's tests imported into tests/pg run
unchanged against PostgreSQL. (Not a conftest.py: the suite's tests `import conftest`,
which must stay tests/conftest.py.)
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".ci" / "postgres.sh"


__all__ = ["pg_url", "postgres_env", "postgres_server"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a database on a running server, to create test databases from."""
    given = os.environ.get("NEWSROOM_TEST_DATABASE_URL")
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="newsroom-pg-")
    env = {**os.environ, "NEWSROOM_PG_DIR": folder, "NEWSROOM_PG_NO_INSTALL": "1"}
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                             text=True, timeout=120, check=False)  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(
            "no PostgreSQL: set NEWSROOM_TEST_DATABASE_URL or install postgresql "
            f"({started.stderr.strip() or 'could not start one'})"
        )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True,
                       timeout=60, check=False)  # fmt: skip


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    import psycopg

    server = make_url(postgres_server).set(drivername="postgresql")
    name = f"newsroom_test_{secrets.token_hex(6)}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def postgres_env(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Settings made anywhere in the test (fixtures of the reused tests too) use it."""
    monkeypatch.setenv("NEWSROOM_DATABASE_URL", pg_url)
    return pg_url

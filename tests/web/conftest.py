"""Fixtures for the web page: a demo database drafted once, copied per test; logged-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from newsroom.config import Settings
from newsroom.ingest.run import ingest_topics
from newsroom.llm.offline_engine import OfflineEngine
from newsroom.models.run import RunOptions
from newsroom.pipeline.run import start_run
from newsroom.store.db import open_engine
from newsroom.topics import load_topic
from newsroom.web import create_app
from newsroom.web.accounts import add_account

from .helpers import ACCOUNTS, PASSWORD, copy_database, log_in

# Enough stories that the demo's planted HTML/script item (the Marisol Star) is drafted.
DEMO_STORIES = 12


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real headless Chromium")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database after a real offline run on the demo corpus, with accounts: built once."""
    home = tmp_path_factory.mktemp("demo") / "home"
    settings = Settings(home=home)
    store = open_engine(settings)
    ingest_topics(store, settings, [load_topic("ukraine")], demo=True)
    start_run(
        settings,
        store,
        OfflineEngine(store),
        RunOptions(topic="ukraine", demo=True, max_stories=DEMO_STORIES),
    )
    for name, role in ACCOUNTS.items():
        add_account(store, name, role, PASSWORD)
    store.dispose()
    return home / "newsroom.db"


@pytest.fixture
def home(tmp_path: Path, demo_db: Path) -> Path:
    home = tmp_path / "home"
    copy_database(demo_db, home)
    return home


@pytest.fixture
def web_settings(home: Path) -> Settings:
    return Settings(home=home)


@pytest.fixture
def store(web_settings: Settings) -> Engine:
    return open_engine(web_settings)


@pytest.fixture
def app(web_settings: Settings, store: Engine) -> Iterator[Starlette]:
    application = create_app(web_settings, store)
    yield application
    application.state.worker.drain(timeout=60)
    application.state.worker.close()


@pytest.fixture
def client(app: Starlette) -> TestClient:
    """An anonymous browser (the app's lifespan is tested on its own, in test_serve.py)."""
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def login_as(app: Starlette) -> Callable[..., TestClient]:
    """A logged-in browser per call, each with its own cookies."""

    def login(name: str = "eve", *, base_url: str = "http://testserver") -> TestClient:
        browser = TestClient(app, base_url=base_url, follow_redirects=False)
        reply = log_in(browser, name, PASSWORD)
        assert reply.status_code == 303, reply.text
        return browser

    return login


@pytest.fixture
def editor(login_as: Callable[..., TestClient]) -> TestClient:
    return login_as("eve")


@pytest.fixture
def admin(login_as: Callable[..., TestClient]) -> TestClient:
    return login_as("ada")

"""Helpers for the web tests: forms as the page draws them, planted markup, a real server."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import Engine, update
from starlette.testclient import TestClient

from newsroom.models import Draft, DraftStatus
from newsroom.store.desk import list_drafts
from newsroom.store.review import read_draft
from newsroom.store.schema import draft_versions, drafts
from newsroom.store.users import Role

PASSWORD = "correct horse battery"
# Editors and an admin, made once in the template database (argon2 is slow on purpose).
ACCOUNTS = {"eve": Role.EDITOR, "bob": Role.EDITOR, "ada": Role.ADMIN}
PLANTED = '<script>alert("xss")</script><img src=x onerror="alert(2)">'
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

# `python -m newsroom` once newsroom/cli/__init__.py imports newsroom.cli.web; until
# then this imports it first, and it works either way.
NEWSROOM = [sys.executable, "-c", "import newsroom.cli.web, newsroom.cli as c; c.main()"]


def copy_database(source: Path, home: Path) -> Path:
    """A consistent copy of the SQLite file (the backup API folds in the WAL)."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / "newsroom.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def revision_of(html: str) -> int:
    match = re.search(r'name="revision" value="(\d+)"', html)
    assert match, "no revision field on the page"
    return int(match.group(1))


def log_in(browser: TestClient, name: str, password: str, **extra: str) -> httpx.Response:
    token = csrf_of(browser.get("/login").text)
    return browser.post("/login", data={"name": name, "password": password, "csrf": token, **extra})


def act_on(browser: TestClient, draft_id: str, action: str, **fields: str) -> httpx.Response:
    """Post an action's form as the page draws it (its CSRF token and lock revision)."""
    html = browser.get(f"/drafts/{draft_id}").text
    data = {"csrf": csrf_of(html), "revision": str(revision_of(html)), **fields}
    return browser.post(f"/drafts/{draft_id}/{action}", data=data)


def draft_where(store: Engine, predicate: Callable[[Draft], bool]) -> Draft:
    return next(d for d in list_drafts(store) if predicate(d))


def clean_draft(store: Engine) -> Draft:
    """A draft in review whose claims are all supported."""
    return draft_where(
        store,
        lambda d: (
            d.status == DraftStatus.IN_REVIEW and all(c.verdict != "unsupported" for c in d.claims)
        ),
    )


def plant(store: Engine, draft_id: str, payload: str = PLANTED) -> Draft:
    """Put markup everywhere feed and model text goes, as a hostile feed or model could."""
    draft, _ = read_draft(store, draft_id)
    section = draft.sections[0].model_copy(
        update={"heading": payload, "paragraphs": [f"Lead {payload} [1]."]}
    )
    source = draft.sources[0].model_copy(
        update={
            "title": f"Title {payload}",
            "outlet": f"Outlet {payload}",
            "url": "javascript:alert(3)",
        }
    )
    claim = draft.claims[0].model_copy(
        update={"text": f"Claim {payload}", "evidence": f"Evidence {payload}"}
    )
    planted = draft.model_copy(
        update={
            "headline": f"Headline {payload}",
            "dek": f"Dek {payload}",
            "sections": [section, *draft.sections[1:]],
            "sources": [source, *draft.sources[1:]],
            "claims": [claim, *draft.claims[1:]],
            "illustration": draft.illustration.model_copy(
                update={
                    "prompt": f"Prompt {payload}",
                    "caption": f"Caption {payload}",
                    "alt": f"Alt {payload}",
                }
            ),
            "byline": draft.byline.model_copy(update={"bio": f"Bio {payload}"}),
            "review": draft.review.model_copy(update={"flags": [f"Flag {payload}"]}),
        }
    )
    data = planted.model_dump(mode="json")
    with store.begin() as connection:
        connection.execute(
            update(drafts)
            .where(drafts.c.id == draft_id)
            .values(draft=data, headline=planted.headline)
        )
        connection.execute(
            update(draft_versions)
            .where(
                draft_versions.c.draft_id == draft_id, draft_versions.c.version == planted.version
            )
            .values(draft=data)
        )
    return planted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def newsroom_env(home: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")},
        "NEWSROOM_HOME": str(home),
    }


class Server:
    """`newsroom serve` as a real subprocess on 127.0.0.1 and a free port."""

    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = home / "serve.log"
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [*NEWSROOM, "serve", "--port", str(self.port)],
            cwd=home.parent,
            env=newsroom_env(home),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"newsroom serve exited: {self.log.read_text()}")
            try:
                httpx.get(f"{self.base}/login", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"newsroom serve did not start: {self.log.read_text()}")

    def stop(self) -> str:
        """Stop it (SIGTERM: uvicorn shuts down cleanly) and return what it logged."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()
        return self.log.read_text()


def artifact(name: str) -> Path:
    """Where a test run leaves a screenshot (test-artifacts/ is ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name

"""`newsroom serve` as a real process: it answers, guards, and takes up pending decisions."""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest
from sqlalchemy import delete

from newsroom.config import Settings
from newsroom.models import DraftStatus
from newsroom.models.review import Action
from newsroom.review.queue import act
from newsroom.store.db import open_engine
from newsroom.store.review import read_draft
from newsroom.store.schema import users
from newsroom.web.headers import CONTENT_SECURITY_POLICY

from .helpers import NEWSROOM, PASSWORD, Server, clean_draft, csrf_of, newsroom_env

pytestmark = pytest.mark.slow


def test_serve_answers_on_loopback_with_the_login_page_and_its_headers(home):
    server = Server(home)
    try:
        with httpx.Client(base_url=server.base) as browser:
            queue = browser.get("/")
            login = browser.get("/login")
            token = csrf_of(login.text)
            logged_in = browser.post(
                "/login", data={"name": "eve", "password": PASSWORD, "csrf": token}
            )
            drafts = browser.get("/")
    finally:
        log = server.stop()

    assert queue.status_code == 303 and queue.headers["location"].startswith("/login")
    assert login.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "server" not in login.headers
    assert logged_in.status_code == 303
    assert drafts.status_code == 200 and "Bulk carrier" in drafts.text
    assert f"Uvicorn running on http://127.0.0.1:{server.port}" in log
    assert "Traceback" not in log


def test_serve_takes_up_a_decision_left_pending(home):
    store = open_engine(Settings(home=home))
    draft = clean_draft(store)
    act(store, draft.id, Action.CHANGES, actor="eve", note="tighter")  # as `--later` leaves it
    server = Server(home)
    try:
        deadline = time.monotonic() + 30
        while read_draft(store, draft.id)[0].version < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.stop()

    revised, _ = read_draft(store, draft.id)
    assert (revised.version, revised.status) == (2, DraftStatus.IN_REVIEW)


def test_serve_listens_on_loopback_port_8000_unless_told(home):
    shown = subprocess.run(
        [*NEWSROOM, "serve", "--help"],
        env=newsroom_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout

    assert "--host" in shown and "127.0.0.1" in shown
    assert "--port" in shown and "8000" in shown


def test_serve_without_accounts_says_how_to_add_one(home):
    store = open_engine(Settings(home=home))
    with store.begin() as connection:
        connection.execute(delete(users))
    server = Server(home)
    log = server.stop()

    assert "no accounts yet: add one with `newsroom users add NAME --role admin`" in log

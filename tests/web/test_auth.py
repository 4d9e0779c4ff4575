"""Accounts, sessions and the login gate: nobody anonymous reads a draft or changes anything."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from newsroom.store.schema import users, web_sessions
from newsroom.web.auth import SESSION_COOKIE
from newsroom.web.csrf import LOGIN_CSRF_COOKIE

from .helpers import NEWSROOM, PASSWORD, csrf_of, log_in, newsroom_env

PRIVATE_PAGES = [
    "/",
    "/?status=all",
    "/drafts/{id}",
    "/drafts/{id}/diff",
    "/drafts/{id}/versions/1",
    "/published",
    "/articles/{id}",
    "/feeds",
    "/runs",
    "/runs/{run}",
]
PRIVATE_POSTS = [
    "/drafts/{id}/approve",
    "/drafts/{id}/reject",
    "/drafts/{id}/changes",
    "/drafts/{id}/restore",
    "/drafts/{id}/retract",
    "/feeds/1/enable",
    "/logout",
]


def fill(path: str, store) -> str:
    from newsroom.store.desk import latest_run_id, list_drafts

    return path.format(id=list_drafts(store)[0].id, run=latest_run_id(store))


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_anonymous_reads_are_sent_to_the_login_page(client, store, path):
    target = fill(path, store)

    reply = client.get(target)

    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login?next=%2F")
    assert "Marisol" not in reply.text


@pytest.mark.parametrize("path", PRIVATE_POSTS)
def test_anonymous_writes_are_refused_before_anything_is_read(client, store, path):
    reply = client.post(fill(path, store), data={"note": "x", "revision": "0", "csrf": "x"})

    assert reply.status_code == 401


def test_static_files_and_the_login_page_are_public(client):
    assert client.get("/login").status_code == 200
    assert client.get("/static/newsroom.css").status_code == 200
    assert client.get("/static/keys.js").status_code == 200


def test_login_sets_an_httponly_samesite_session_cookie_and_goes_where_asked(client):
    reply = log_in(client, "eve", PASSWORD, next="/feeds")

    assert reply.status_code == 303 and reply.headers["location"] == "/feeds"
    cookie = next(h for h in reply.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/feeds").status_code == 200


def test_the_session_cookie_is_secure_over_https(login_as, app):
    from starlette.testclient import TestClient

    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    reply = log_in(browser, "eve", PASSWORD)

    cookie = next(h for h in reply.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_to_another_site(client, target):
    reply = log_in(client, "eve", PASSWORD, next=target)

    assert reply.headers["location"] == "/"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    wrong_password = log_in(client, "eve", "not the password")
    unknown_name = log_in(client, "mallory", PASSWORD)

    assert wrong_password.status_code == unknown_name.status_code == 401
    assert "wrong name or password" in wrong_password.text
    assert "wrong name or password" in unknown_name.text
    assert SESSION_COOKIE not in client.cookies


def test_logout_ends_the_session_on_the_server_too(editor):
    stolen = editor.cookies[SESSION_COOKIE]
    token = csrf_of(editor.get("/").text)

    reply = editor.post("/logout", data={"csrf": token})

    assert reply.status_code == 303 and reply.headers["location"] == "/login"
    editor.cookies.set(SESSION_COOKIE, stolen)  # replaying the old cookie gets nothing
    assert editor.get("/").status_code == 303


def test_an_expired_session_is_anonymous(editor, store):
    with store.begin() as connection:
        connection.execute(update(web_sessions).values(expires_at=datetime.now(UTC)))

    assert editor.get("/").status_code == 303


def test_a_forged_session_cookie_is_anonymous(client):
    client.cookies.set(SESSION_COOKIE, "made-up-token")

    assert client.get("/").status_code == 303


def test_five_failures_throttle_that_name_from_that_address_even_with_the_right_password(client):
    for _ in range(5):
        assert log_in(client, "eve", "guess").status_code == 401

    throttled = log_in(client, "eve", PASSWORD)

    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "900"
    assert "too many failed logins" in throttled.text
    assert log_in(client, "bob", PASSWORD).status_code == 303  # another name is not locked out


def test_a_successful_login_clears_earlier_failures(client):
    for _ in range(4):
        log_in(client, "EVE", "guess")
    assert log_in(client, "eve", PASSWORD).status_code == 303
    client.cookies.clear()

    for _ in range(4):
        assert log_in(client, "eve", "guess").status_code == 401
    assert log_in(client, "eve", PASSWORD).status_code == 303


def test_the_login_form_carries_a_double_submit_token(client):
    page = client.get("/login")

    assert client.cookies[LOGIN_CSRF_COOKIE] == csrf_of(page.text)
    login_cookie = next(h for h in page.headers.get_list("set-cookie"))
    assert "HttpOnly" in login_cookie and "SameSite=strict" in login_cookie


def test_a_logged_in_visit_to_the_login_page_goes_to_the_queue(editor):
    assert editor.get("/login").headers["location"] == "/"


def test_an_editor_may_not_enable_feeds_but_an_admin_may(editor, admin):
    token = csrf_of(editor.get("/feeds").text)
    refused = editor.post("/feeds/1/enable", data={"csrf": token})
    assert refused.status_code == 403
    assert "Clear errors" not in editor.get("/feeds").text

    token = csrf_of(admin.get("/feeds").text)
    assert admin.post("/feeds/1/enable", data={"csrf": token}).status_code == 303


def run_newsroom(home, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSROOM, *args],
        input=stdin,
        cwd=home.parent,
        env=newsroom_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_users_add_reads_the_password_from_stdin_and_stores_only_a_hash(home, client, store):
    added = run_newsroom(
        home,
        "users",
        "add",
        "carol",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long passphrase\n",
    )

    assert added.returncode == 0, added.stderr
    assert "added admin carol" in added.stdout
    with store.connect() as connection:
        stored = connection.execute(
            select(users.c.password_hash).where(users.c.name == "carol")
        ).scalar_one()
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    assert log_in(client, "carol", "a long passphrase").status_code == 303
    listed = json.loads(run_newsroom(home, "users", "list", "--json").stdout)
    assert {(u["name"], u["role"]) for u in listed} >= {("carol", "admin"), ("eve", "editor")}


@pytest.mark.slow
def test_users_add_prompts_twice_for_the_password(home, client):
    added = run_newsroom(
        home, "users", "add", "dan", stdin="a long passphrase\na long passphrase\n"
    )

    assert added.returncode == 0, added.stderr
    assert "added editor dan" in added.stdout
    assert log_in(client, "dan", "a long passphrase").status_code == 303


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["eve"], "another passphrase\n", "exists already"),
        (["frank"], "short\n", "at least 8 characters"),
        (["no spaces"], "a long passphrase\n", "a user name is"),
        (["gina"], "\n", "no password on stdin"),
    ],
)
def test_users_add_refuses_with_one_line_and_a_non_zero_exit(home, args, stdin, message):
    refused = run_newsroom(home, "users", "add", *args, "--password-stdin", stdin=stdin)

    assert refused.returncode == 1
    assert message in refused.stderr and "Traceback" not in refused.stderr

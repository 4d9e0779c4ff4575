"""CSRF: every request that can change something carries this session's token, or is refused."""

from __future__ import annotations

import pytest
from starlette.routing import Route

from newsroom.store.review import history

from .helpers import PASSWORD, clean_draft, csrf_of, revision_of


def post_routes(app) -> list[str]:
    return sorted({r.path for r in app.routes if isinstance(r, Route) and "POST" in r.methods})


def test_the_post_routes_are_the_ones_these_tests_cover(app):
    assert post_routes(app) == [
        "/drafts/{draft_id}/{action}",
        "/feeds/{feed_id:int}/enable",
        "/login",
        "/logout",
    ]


ACTION_PATHS = [
    "/drafts/{id}/approve",
    "/drafts/{id}/reject",
    "/drafts/{id}/changes",
    "/drafts/{id}/restore",
    "/drafts/{id}/retract",
    "/feeds/1/enable",
    "/logout",
]


@pytest.mark.parametrize("path", ACTION_PATHS)
@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_a_post_without_this_sessions_token_is_refused_and_changes_nothing(
    admin, store, path, token
):
    draft = clean_draft(store)
    page = admin.get(f"/drafts/{draft.id}").text
    data = {"revision": str(revision_of(page)), "note": "a reason", "override": "x"}
    if token is not None:
        data["csrf"] = token

    reply = admin.post(path.format(id=draft.id), data=data)

    assert reply.status_code == 403
    assert "did not come from this site" in reply.text
    assert history(store, draft.id) == []
    assert admin.get("/").status_code == 200  # still logged in: logout was refused too


def test_another_sessions_token_does_not_work(login_as, store):
    eve, bob = login_as("eve"), login_as("bob")
    draft = clean_draft(store)
    bobs_token = csrf_of(bob.get("/").text)
    page = eve.get(f"/drafts/{draft.id}").text

    reply = eve.post(
        f"/drafts/{draft.id}/approve", data={"csrf": bobs_token, "revision": str(revision_of(page))}
    )

    assert reply.status_code == 403
    assert history(store, draft.id) == []


def test_a_json_or_multipart_post_is_refused_even_with_the_token(editor, store):
    draft = clean_draft(store)
    page = editor.get(f"/drafts/{draft.id}").text
    fields = {"csrf": csrf_of(page), "revision": str(revision_of(page))}

    as_json = editor.post(f"/drafts/{draft.id}/approve", json=fields)
    as_multipart = editor.post(
        f"/drafts/{draft.id}/approve", data=fields, files={"f": ("a.txt", b"x")}
    )

    assert as_json.status_code == as_multipart.status_code == 403
    assert history(store, draft.id) == []


def test_a_post_from_another_origin_is_refused_even_with_the_token(editor, store):
    draft = clean_draft(store)
    page = editor.get(f"/drafts/{draft.id}").text

    reply = editor.post(
        f"/drafts/{draft.id}/approve",
        data={"csrf": csrf_of(page), "revision": str(revision_of(page))},
        headers={"Origin": "https://evil.example"},
    )

    assert reply.status_code == 403
    assert history(store, draft.id) == []


def test_a_post_from_this_origin_is_accepted(editor, store):
    draft = clean_draft(store)
    page = editor.get(f"/drafts/{draft.id}").text

    reply = editor.post(
        f"/drafts/{draft.id}/approve",
        data={"csrf": csrf_of(page), "revision": str(revision_of(page))},
        headers={"Origin": "http://testserver"},
    )

    assert reply.status_code == 303


def test_an_oversized_form_is_refused(editor, store):
    draft = clean_draft(store)
    page = editor.get(f"/drafts/{draft.id}").text

    reply = editor.post(
        f"/drafts/{draft.id}/changes",
        data={"csrf": csrf_of(page), "revision": str(revision_of(page)), "note": "x" * 100_000},
    )

    assert reply.status_code == 413
    assert history(store, draft.id) == []


def test_login_needs_the_login_pages_token(client):
    client.get("/login")

    missing = client.post("/login", data={"name": "eve", "password": PASSWORD})
    wrong = client.post("/login", data={"name": "eve", "password": PASSWORD, "csrf": "forged"})

    assert missing.status_code == wrong.status_code == 403


def test_login_without_the_cookie_is_refused_whatever_the_field_says(client):
    token = csrf_of(client.get("/login").text)
    client.cookies.clear()

    reply = client.post("/login", data={"name": "eve", "password": PASSWORD, "csrf": token})

    assert reply.status_code == 403

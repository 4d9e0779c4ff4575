"""Editors' decisions from the page: the same `act` as the CLI, the logged-in editor as actor."""

from __future__ import annotations

from newsroom.models import DraftStatus
from newsroom.models.review import Action
from newsroom.review.queue import act
from newsroom.store.review import history, published_articles, read_draft, versions

from .helpers import act_on, clean_draft, csrf_of, draft_where, revision_of


def test_approve_publishes_as_the_logged_in_editor(app, editor, store):
    draft = clean_draft(store)

    reply = act_on(editor, draft.id, "approve", note="good to go")

    assert reply.status_code == 303
    assert reply.headers["location"] == f"/drafts/{draft.id}?done=approve"
    assert "Approved and published." in editor.get(reply.headers["location"]).text
    assert read_draft(store, draft.id)[0].status == DraftStatus.PUBLISHED
    approve, publish = history(store, draft.id)
    assert (approve.action, approve.actor, approve.note) == (Action.APPROVE, "eve", "good to go")
    assert publish.action == Action.PUBLISH
    app.state.worker.drain()
    assert [a.draft.id for a in published_articles(store)] == [draft.id]


def test_unsupported_claims_need_an_override_reason_that_is_recorded(editor, store):
    draft = draft_where(store, lambda d: any(c.verdict == "unsupported" for c in d.claims))
    page = editor.get(f"/drafts/{draft.id}").text
    assert 'id="approve-override"' in page and "1 unsupported claim" in page

    refused = act_on(editor, draft.id, "approve", note="my note")

    assert refused.status_code == 400
    assert "unsupported claim" in refused.text
    assert "my note</textarea>" in refused.text  # what the editor typed is kept
    assert read_draft(store, draft.id)[0].status == DraftStatus.IN_REVIEW

    accepted = act_on(editor, draft.id, "approve", override="the wire copy has the figure")

    assert accepted.status_code == 303
    assert history(store, draft.id)[0].note == "override: the wire copy has the figure"


def test_a_clean_draft_asks_for_no_override(editor, store):
    page = editor.get(f"/drafts/{clean_draft(store).id}").text

    assert 'id="approve-override"' not in page


def test_reject_needs_a_reason_and_restore_brings_it_back(app, editor, store):
    draft = clean_draft(store)

    refused = act_on(editor, draft.id, "reject", note="  ")
    assert refused.status_code == 400 and "reject needs a reason" in refused.text

    assert act_on(editor, draft.id, "reject", note="off topic").status_code == 303
    page = editor.get(f"/drafts/{draft.id}").text
    assert 'action="/drafts/' + draft.id + '/restore"' in page
    assert 'id="approve-form"' not in page  # a rejected draft offers no approve button

    assert act_on(editor, draft.id, "restore").status_code == 303
    assert read_draft(store, draft.id)[0].status == DraftStatus.IN_REVIEW
    app.state.worker.drain()
    assert [a.action for a in history(store, draft.id)] == [Action.REJECT, Action.RESTORE]


def test_request_changes_runs_the_revision_in_the_background_and_returns_version_2(
    app, editor, store
):
    draft = clean_draft(store)

    reply = act_on(editor, draft.id, "changes", note="Lead with the casualty figures.")
    app.state.worker.drain(timeout=60)

    assert reply.status_code == 303
    revised, _ = read_draft(store, draft.id)
    assert (revised.status, revised.version) == (DraftStatus.IN_REVIEW, 2)
    assert [v.version for v in versions(store, draft.id)] == [1, 2]
    page = editor.get(f"/drafts/{draft.id}").text
    assert 'id="version">Version 2<' in page
    assert "Lead with the casualty figures." in page  # the note, in the history
    assert f'href="/drafts/{draft.id}/versions/1"' in page


def test_a_pending_revision_shows_in_progress_and_refreshes_itself(editor, store):
    draft = clean_draft(store)
    # Recorded but not applied, as with `queue changes --later` or mid-revision.
    act(store, draft.id, Action.CHANGES, actor="eve", note="shorter")

    page = editor.get(f"/drafts/{draft.id}").text
    queue = editor.get("/?status=changes_requested").text

    assert "Revision in progress" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'id="changes-form"' not in page and 'id="approve-form"' not in page
    assert "revision in progress" in queue and draft.id in queue


def test_the_second_of_two_editors_gets_a_conflict_and_nothing_is_lost(login_as, store):
    eve, bob = login_as("eve"), login_as("bob")
    draft = clean_draft(store)
    eves_page, bobs_page = eve.get(f"/drafts/{draft.id}").text, bob.get(f"/drafts/{draft.id}").text

    first = eve.post(
        f"/drafts/{draft.id}/approve",
        data={"csrf": csrf_of(eves_page), "revision": revision_of(eves_page)},
    )
    second = bob.post(
        f"/drafts/{draft.id}/reject",
        data={
            "csrf": csrf_of(bobs_page),
            "revision": revision_of(bobs_page),
            "note": "weak sourcing",
        },
    )

    assert first.status_code == 303
    assert second.status_code == 409
    assert "changed since you loaded it" in second.text
    assert "weak sourcing</textarea>" not in second.text  # the reject form is gone: published
    assert read_draft(store, draft.id)[0].status == DraftStatus.PUBLISHED
    assert [(a.action, a.actor) for a in history(store, draft.id)] == [
        (Action.APPROVE, "eve"),
        (Action.PUBLISH, "eve"),
    ]


def test_a_conflict_keeps_what_the_editor_typed(login_as, store):
    eve, bob = login_as("eve"), login_as("bob")
    draft = clean_draft(store)
    bobs_page = bob.get(f"/drafts/{draft.id}").text
    act_on(eve, draft.id, "reject", note="duplicate")
    act_on(eve, draft.id, "restore")

    second = bob.post(
        f"/drafts/{draft.id}/changes",
        data={
            "csrf": csrf_of(bobs_page),
            "revision": revision_of(bobs_page),
            "note": "add the mayor's statement",
        },
    )

    assert second.status_code == 409
    assert "add the mayor&#39;s statement</textarea>" in second.text


def test_an_action_the_state_forbids_is_refused_with_its_reason(editor, store):
    draft = clean_draft(store)

    reply = act_on(editor, draft.id, "retract", note="why not")

    assert reply.status_code == 400
    assert "cannot retract a draft that is in_review" in reply.text
    assert history(store, draft.id) == []


def test_retract_takes_it_off_the_published_set_and_its_page_says_why(app, editor, store):
    draft = clean_draft(store)
    act_on(editor, draft.id, "approve")

    assert act_on(editor, draft.id, "retract", note="the source withdrew it").status_code == 303
    app.state.worker.drain()

    assert published_articles(store) == []
    article = editor.get(f"/articles/{draft.id}").text
    assert "This article was retracted" in article
    assert "the source withdrew it" in article and "eve" in article
    assert "retracted" in editor.get("/published").text


def test_unknown_actions_drafts_and_missing_revisions_are_refused(editor, store):
    draft = clean_draft(store)
    token = csrf_of(editor.get("/").text)

    assert editor.post(f"/drafts/{draft.id}/publish", data={"csrf": token}).status_code == 404
    assert (
        editor.post("/drafts/nope/approve", data={"csrf": token, "revision": "0"}).status_code
        == 404
    )
    assert editor.post(f"/drafts/{draft.id}/approve", data={"csrf": token}).status_code == 400
    assert history(store, draft.id) == []

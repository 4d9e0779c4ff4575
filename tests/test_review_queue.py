"""The editors' queue: the transition table, history, versions, conflicts, publishing."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from conftest import run_cli
from sqlalchemy import func, select

from newsroom.errors import ConflictError, TransitionError
from newsroom.ingest.run import ingest_topics
from newsroom.llm.offline_engine import OfflineEngine
from newsroom.models import (
    Byline,
    Claim,
    Cost,
    Draft,
    DraftStatus,
    EditorReview,
    Illustration,
    Section,
    SourceRef,
    Story,
    StoryStatus,
)
from newsroom.models.review import Action
from newsroom.models.run import RunOptions
from newsroom.pipeline.run import start_run
from newsroom.review.queue import act, apply_pending, diff
from newsroom.review.transitions import TRANSITIONS
from newsroom.store.desk import create_run, get_draft, list_drafts, save_draft, save_story
from newsroom.store.review import history, published_articles, read_draft, versions
from newsroom.store.schema import llm_calls
from newsroom.topics import load_topic


def make_draft(draft_id: str = "d1", *, unsupported: bool = False) -> Draft:
    claims = [
        Claim(text="It happened [1].", verdict="supported", sources=[1], evidence="It happened")
    ]
    if unsupported:
        claims.append(Claim(text="It was 42 [1].", verdict="unsupported", sources=[1]))
    return Draft(
        id=draft_id,
        story_id=draft_id,
        run_id="r1",
        topic="ukraine",
        headline="A headline",
        dek="A dek",
        body="It happened [1].",
        sections=[Section(heading="What happened", paragraphs=["It happened [1]."])],
        sources=[
            SourceRef(
                n=1,
                outlet="Kyiv Ledger (demo)",
                title="It happened",
                url="https://kyiv-ledger.demo.invalid/1",
            )
        ],
        claims=claims,
        illustration=Illustration(
            prompt="p", caption="AI generated illustration related to: x", alt="a"
        ),
        byline=Byline(name="Viktor Petersen", bio="An AI analyst."),
        personas=["monitor"],
        production="Nine AI personas produced this analysis.",
        review=EditorReview(passed=True, independent_outlets=2, languages=["en"]),
        cost=Cost(),
        engine="offline",
        created_at=datetime.now(UTC),
    )


@pytest.fixture
def queued(engine):
    """A draft in review, stored as the desk would store it (story and run rows too)."""

    create_run(engine, "r1", "offline", RunOptions(topic="ukraine"), "ukraine")

    def add(draft_id: str = "d1", **kw: bool) -> Draft:
        draft = make_draft(draft_id, **kw)
        save_story(engine, "r1", Story(id=draft_id, topic="ukraine", title="t", candidates=[]),
                   StoryStatus.IN_REVIEW)  # fmt: skip
        save_draft(engine, draft)
        return draft

    return add


def put_in_state(engine, draft_id: str, status: DraftStatus) -> None:
    """Walk a fresh draft to `status` through allowed actions only."""
    path = {
        DraftStatus.IN_REVIEW: [],
        DraftStatus.CHANGES_REQUESTED: [Action.CHANGES],
        DraftStatus.PUBLISHED: [Action.APPROVE],
        DraftStatus.REJECTED: [Action.REJECT],
        DraftStatus.RETRACTED: [Action.APPROVE, Action.RETRACT],
    }[status]
    for action in path:
        act(engine, draft_id, action, actor="setup", note="because")


STATES = [DraftStatus.IN_REVIEW, DraftStatus.CHANGES_REQUESTED, DraftStatus.PUBLISHED,
          DraftStatus.REJECTED, DraftStatus.RETRACTED]  # fmt: skip
EDITOR_ACTIONS = [Action.APPROVE, Action.REJECT, Action.RESTORE, Action.CHANGES, Action.RETRACT]


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", EDITOR_ACTIONS)
def test_every_action_is_allowed_exactly_from_its_listed_states(engine, queued, status, action):
    queued()
    put_in_state(engine, "d1", status)
    allowed, target = TRANSITIONS[action]
    before = history(engine, "d1")

    if status in allowed:
        draft, record = act(engine, "d1", action, actor="eve", note="a reason")
        expected = DraftStatus.PUBLISHED if action == Action.APPROVE else target
        assert draft.status == expected == read_draft(engine, "d1")[0].status
        assert record.actor == "eve" and record.from_status == status
    else:
        with pytest.raises(TransitionError, match=f"cannot {action.value} a draft that is"):
            act(engine, "d1", action, actor="eve", note="a reason")
        assert read_draft(engine, "d1")[0].status == status
        assert history(engine, "d1") == before


def test_publishing_without_approval_is_refused(engine, queued):
    queued()

    with pytest.raises(TransitionError, match="cannot publish a draft that is in_review"):
        act(engine, "d1", Action.PUBLISH, actor="eve")


def test_approve_publishes_and_records_both_steps(engine, queued):
    queued()

    draft, _ = act(engine, "d1", Action.APPROVE, actor="eve")

    assert draft.status == DraftStatus.PUBLISHED
    assert [a.action for a in history(engine, "d1")] == [Action.APPROVE, Action.PUBLISH]
    assert [a.draft.id for a in published_articles(engine)] == ["d1"]


def test_unsupported_claims_need_an_override_which_is_recorded(engine, queued):
    queued(unsupported=True)

    with pytest.raises(TransitionError, match="1 unsupported claim"):
        act(engine, "d1", Action.APPROVE, actor="eve")
    act(engine, "d1", Action.APPROVE, actor="eve", override="the figure is in the wire copy")

    approve = history(engine, "d1")[0]
    assert approve.note == "override: the figure is in the wire copy"


def test_reject_needs_a_reason_and_restore_brings_it_back(engine, queued):
    queued()

    with pytest.raises(TransitionError, match="needs a reason"):
        act(engine, "d1", Action.REJECT, actor="eve")
    act(engine, "d1", Action.REJECT, actor="eve", note="off topic")
    draft, _ = act(engine, "d1", Action.RESTORE, actor="eve")

    assert draft.status == DraftStatus.IN_REVIEW


def test_retract_takes_it_out_of_the_feed_and_keeps_the_reason(engine, queued):
    queued()
    act(engine, "d1", Action.APPROVE, actor="eve")

    act(engine, "d1", Action.RETRACT, actor="eve", note="the source withdrew its report")

    assert published_articles(engine) == []
    (article,) = published_articles(engine, include_retracted=True)
    assert article.retraction.reason == "the source withdrew its report"
    assert article.retraction.actor == "eve"


def test_changes_after_approval_withdraw_the_approval(engine, queued):
    queued()
    act(engine, "d1", Action.APPROVE, actor="eve")

    draft, _ = act(engine, "d1", Action.CHANGES, actor="eve", note="update the figures")

    assert draft.status == DraftStatus.CHANGES_REQUESTED
    assert published_articles(engine) == []


def test_a_stale_read_is_a_conflict_and_writes_nothing(engine, queued):
    queued()
    _, seen = read_draft(engine, "d1")
    act(engine, "d1", Action.REJECT, actor="alice", note="no")

    with pytest.raises(ConflictError):
        act(engine, "d1", Action.RESTORE, actor="bob", expected_revision=seen)
    assert [a.actor for a in history(engine, "d1")] == ["alice"]


def test_two_concurrent_approvals_one_wins_the_other_conflicts(engine, queued):
    queued()
    _, seen = read_draft(engine, "d1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(name: str) -> None:
        barrier.wait()
        try:
            act(engine, "d1", Action.APPROVE, actor=name, expected_revision=seen)
            outcomes.append("approved")
        except (ConflictError, TransitionError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=approve, args=(n,)) for n in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ConflictError", "approved"]
    approvals = [a for a in history(engine, "d1") if a.action == Action.APPROVE]
    assert len(approvals) == 1


@pytest.fixture
def demo_draft(engine, settings):
    """A real offline-drafted story waiting at its thread's interrupt."""
    ingest_topics(engine, settings, [load_topic("ukraine")], demo=True)
    llm = OfflineEngine(engine)
    start_run(settings, engine, llm, RunOptions(topic="ukraine", demo=True, max_stories=1))
    (draft,) = list_drafts(engine)
    return draft, llm


def test_changes_resume_the_thread_and_produce_version_two(engine, settings, demo_draft):
    draft, llm = demo_draft

    act(engine, draft.id, Action.CHANGES, actor="eve", note="Lead with the homes without power")
    applied = apply_pending(settings, engine, llm)

    revised = get_draft(engine, draft.id)
    assert applied == 1
    assert revised.version == 2 and revised.status == DraftStatus.IN_REVIEW
    assert any("Lead with the homes without power" in n for n in revised.notes)
    assert [d.version for d in versions(engine, draft.id)] == [1, 2]
    assert [a.action for a in history(engine, draft.id)] == [Action.CHANGES, Action.REVISED]
    assert diff(engine, draft.id).startswith(f"--- {draft.id} v1")


def test_the_same_decision_applied_twice_revises_once(engine, settings, demo_draft):
    draft, llm = demo_draft
    act(engine, draft.id, Action.CHANGES, actor="eve", note="Shorter, please")
    assert len(_pending(engine)) == 1
    apply_pending(settings, engine, llm)
    calls = _calls(engine)

    from newsroom.pipeline.run import apply_decision
    from newsroom.pipeline.state import Decision

    again = Decision(action="changes", version=1, note="Shorter, please", actor="eve")
    apply_decision(settings, engine, llm, draft.id, again)

    assert get_draft(engine, draft.id).version == 2
    assert _calls(engine) == calls


def test_approving_closes_the_story_thread(engine, settings, demo_draft):
    draft, llm = demo_draft

    act(engine, draft.id, Action.APPROVE, actor="eve")
    apply_pending(settings, engine, llm)

    from newsroom.store.desk import get_story

    assert get_story(engine, draft.story_id)[1] == StoryStatus.CLOSED
    assert _pending(engine) == []


def _pending(engine):
    from newsroom.store.review import pending_decisions

    return pending_decisions(engine)


def _calls(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(llm_calls)).scalar_one()


def test_forbidden_action_from_the_cli_is_one_line_and_non_zero(tmp_path):
    run = run_cli("run", "--topic", "ukraine", "--demo", "--max-stories", "1", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    (draft,) = json.loads(run_cli("queue", "list", "--json", cwd=tmp_path).stdout)

    restore = run_cli("queue", "restore", draft["id"], cwd=tmp_path)
    approve = run_cli("queue", "approve", draft["id"], "--as", "eve", cwd=tmp_path)
    again = run_cli("queue", "approve", draft["id"], cwd=tmp_path)
    shown = json.loads(run_cli("queue", "show", draft["id"], "--json", cwd=tmp_path).stdout)

    assert restore.returncode == 1
    assert restore.stderr.strip() == (
        "newsroom: cannot restore a draft that is in_review (only from: rejected)"
    )
    assert approve.returncode == 0
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    assert shown["draft"]["status"] == "published"
    assert [a["actor"] for a in shown["history"]] == ["eve", "eve"]

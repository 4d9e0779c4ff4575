"""Editors' actions on drafts: the one code path the CLI and the web page share."""

from __future__ import annotations

import difflib
import getpass
import os

from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.errors import ConflictError, NewsroomError, TransitionError
from newsroom.llm.base import LLM
from newsroom.models import Draft, DraftStatus
from newsroom.models.review import Action, ActionRecord
from newsroom.pipeline.run import apply_decision
from newsroom.pipeline.state import Decision
from newsroom.review.transitions import next_status
from newsroom.store.review import (
    THREAD_ACTIONS,
    change_status,
    mark_applied,
    pending_decisions,
    read_draft,
    versions,
)


def default_actor(settings: Settings) -> str:
    return settings.editor or os.environ.get("USER") or getpass.getuser()


def act(
    store: Engine,
    draft_id: str,
    action: Action,
    *,
    actor: str,
    note: str | None = None,
    override: str | None = None,
    expected_revision: int | None = None,
) -> tuple[Draft, ActionRecord]:
    """Record an editor's action if the draft's state allows it; nothing else is touched.

    `expected_revision` is the lock counter the editor saw (the web page sends it); the
    CLI reads and acts at once. Either way, a concurrent change makes this a conflict.
    Story threads take approve, reject and changes afterwards (see `apply_pending`).
    """
    draft, revision = read_draft(store, draft_id)
    if expected_revision is not None and expected_revision != revision:
        raise ConflictError(f"draft {draft_id} changed since you loaded it; reload and retry")
    target = next_status(action, draft.status)
    if action in (Action.REJECT, Action.RETRACT, Action.CHANGES) and not (note or "").strip():
        what = "a reason" if action != Action.CHANGES else "a note for the analyst"
        raise TransitionError(f"{action.value} needs {what}")
    unsupported = [c for c in draft.claims if c.verdict == "unsupported"]
    if action == Action.APPROVE and unsupported and not (override or "").strip():
        raise TransitionError(
            f"draft {draft_id} has {len(unsupported)} unsupported claim(s); "
            'approve with --override "reason" to publish it anyway'
        )
    if action == Action.APPROVE and override:
        note = f"override: {override}" + (f"; {note}" if note else "")
    record = change_status(store, draft, revision, action, target, actor=actor, note=note)
    draft = draft.model_copy(update={"status": target})
    if action == Action.APPROVE:
        published = change_status(
            store, draft, revision + 1, Action.PUBLISH, DraftStatus.PUBLISHED, actor=actor,
            note=None,
        )  # fmt: skip
        return draft.model_copy(update={"status": published.to_status}), record
    return draft, record


def apply_pending(
    settings: Settings, store: Engine, llm: LLM, *, draft_id: str | None = None
) -> int:
    """Hand recorded decisions to their story threads (revisions run here); returns how many."""
    applied = 0
    for record in pending_decisions(store, draft_id):
        if record.action not in THREAD_ACTIONS:
            continue
        decision = Decision(
            action=record.action.value,  # type: ignore[arg-type]
            version=record.version,
            note=record.note,
            actor=record.actor,
        )
        apply_decision(settings, store, llm, record.draft_id, decision)
        mark_applied(store, record.id)
        applied += 1
    return applied


def diff(store: Engine, draft_id: str, *, old: int | None = None, new: int | None = None) -> str:
    """A unified diff of two versions' Markdown (the last two by default)."""
    from newsroom.review.export import to_markdown

    known = {d.version: d for d in versions(store, draft_id)}
    if not known:
        raise NewsroomError(f"no versions of draft {draft_id!r}")
    new = new or max(known)
    old = old or max(new - 1, 1)
    for wanted in (old, new):
        if wanted not in known:
            raise NewsroomError(f"draft {draft_id} has no version {wanted} (has {sorted(known)})")
    return "".join(
        difflib.unified_diff(
            to_markdown(known[old]).splitlines(keepends=True),
            to_markdown(known[new]).splitlines(keepends=True),
            fromfile=f"{draft_id} v{old}",
            tofile=f"{draft_id} v{new}",
        )
    )

"""The review queue in the store: guarded status changes, history, versions, published set."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from newsroom.errors import ConflictError, NewsroomError
from newsroom.models import Draft, DraftStatus
from newsroom.models.review import Action, ActionRecord, PublishedArticle, Retraction
from newsroom.store.schema import draft_versions, drafts, review_actions

# Decisions the story's LangGraph thread must take, not just the queue.
THREAD_ACTIONS = (Action.APPROVE, Action.REJECT, Action.CHANGES)


def read_draft(engine: Engine, draft_id: str) -> tuple[Draft, int]:
    """The draft and its lock counter, which a change must present to be written."""
    with engine.connect() as connection:
        row = connection.execute(
            select(drafts.c.draft, drafts.c.status, drafts.c.revision).where(
                drafts.c.id == draft_id
            )
        ).first()
    if row is None:
        raise NewsroomError(f"no draft {draft_id!r}; `newsroom queue --all` lists them")
    return Draft.model_validate({**row.draft, "status": row.status}), row.revision


def change_status(
    engine: Engine,
    draft: Draft,
    revision: int,
    action: Action,
    to_status: DraftStatus,
    *,
    actor: str,
    note: str | None,
) -> ActionRecord:
    """Move the draft to `to_status` and append the action, if nobody changed it meanwhile."""
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "status": to_status,
        "revision": revision + 1,
        "updated_at": now,
        "draft": draft.model_copy(update={"status": to_status}).model_dump(mode="json"),
    }
    if to_status == DraftStatus.PUBLISHED:
        values["published_at"] = now
    with engine.begin() as connection:
        changed = connection.execute(
            update(drafts)
            .where(drafts.c.id == draft.id, drafts.c.revision == revision)
            .values(**values)
        ).rowcount
        if changed != 1:
            raise ConflictError(
                f"draft {draft.id} was changed by someone else while you looked at it; "
                "look again (`newsroom queue show`) and retry"
            )
        return _append(connection, draft, action, draft.status, to_status, actor, note, now)


def _append(
    connection: Connection,
    draft: Draft,
    action: Action,
    from_status: DraftStatus,
    to_status: DraftStatus,
    actor: str,
    note: str | None,
    now: datetime,
) -> ActionRecord:
    values = {
        "draft_id": draft.id,
        "version": draft.version,
        "action": action,
        "actor": actor,
        "note": note,
        "from_status": from_status,
        "to_status": to_status,
        "created_at": now,
        # Only decisions the story's thread must take wait to be applied.
        "applied_at": None if action in THREAD_ACTIONS else now,
    }
    action_id = connection.execute(insert(review_actions).values(**values)).inserted_primary_key[0]
    return ActionRecord.model_validate({**values, "id": action_id})


def record_new_version(engine: Engine, draft: Draft) -> None:
    """Keep every version; a new one after `changes` returns the draft to review."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        known = connection.execute(
            select(draft_versions.c.version).where(
                draft_versions.c.draft_id == draft.id, draft_versions.c.version == draft.version
            )
        ).first()
        if known:
            return  # a replayed step: this version is already recorded
        connection.execute(
            insert(draft_versions).values(
                draft_id=draft.id,
                version=draft.version,
                draft=draft.model_dump(mode="json"),
                created_at=now,
            )
        )
        if draft.version > 1:
            _append(connection, draft, Action.REVISED, DraftStatus.CHANGES_REQUESTED,
                    DraftStatus.IN_REVIEW, "newsroom", None, now)  # fmt: skip


def history(engine: Engine, draft_id: str) -> list[ActionRecord]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(review_actions)
            .where(review_actions.c.draft_id == draft_id)
            .order_by(review_actions.c.id)
        )
        return [ActionRecord.model_validate(dict(row._mapping)) for row in rows]


def versions(engine: Engine, draft_id: str) -> list[Draft]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(draft_versions.c.draft)
            .where(draft_versions.c.draft_id == draft_id)
            .order_by(draft_versions.c.version)
        ).scalars()
        return [Draft.model_validate(row) for row in rows]


def pending_decisions(engine: Engine, draft_id: str | None = None) -> list[ActionRecord]:
    """Decisions recorded but not yet taken by their story's thread (`--later`, or a crash)."""
    query = (
        select(review_actions)
        .where(
            review_actions.c.applied_at.is_(None),
            review_actions.c.action.in_([a.value for a in THREAD_ACTIONS]),
        )
        .order_by(review_actions.c.id)
    )
    if draft_id is not None:
        query = query.where(review_actions.c.draft_id == draft_id)
    with engine.connect() as connection:
        return [ActionRecord.model_validate(dict(r._mapping)) for r in connection.execute(query)]


def mark_applied(engine: Engine, action_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(review_actions)
            .where(review_actions.c.id == action_id, review_actions.c.applied_at.is_(None))
            .values(applied_at=datetime.now(UTC))
        )


def published_articles(
    engine: Engine, *, include_retracted: bool = False
) -> list[PublishedArticle]:
    """The published set, newest first."""
    statuses = [DraftStatus.PUBLISHED.value]
    if include_retracted:
        statuses.append(DraftStatus.RETRACTED.value)
    with engine.connect() as connection:
        rows = connection.execute(
            select(drafts.c.id, drafts.c.draft, drafts.c.status, drafts.c.published_at)
            .where(drafts.c.status.in_(statuses), drafts.c.published_at.is_not(None))
            .order_by(drafts.c.published_at.desc(), drafts.c.id)
        ).all()
    return [
        PublishedArticle(
            draft=Draft.model_validate({**row.draft, "status": row.status}),
            published_at=row.published_at,
            retraction=retraction_of(engine, row.id) if row.status == "retracted" else None,
        )
        for row in rows
    ]


def retraction_of(engine: Engine, draft_id: str) -> Retraction | None:
    retractions = [a for a in history(engine, draft_id) if a.action == Action.RETRACT]
    if not retractions:
        return None
    last = retractions[-1]
    return Retraction(reason=last.note or "", actor=last.actor, at=last.created_at)

"""Runs, stories and drafts in the store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from newsroom.models import Draft, DraftStatus, Story, StoryStatus
from newsroom.models.desk import RunStatus
from newsroom.models.run import RunOptions, RunRecord, StoryReport
from newsroom.store.review import record_new_version
from newsroom.store.schema import drafts, runs, stories
from newsroom.store.upsert import insert_ignoring_conflicts

# A story in one of these states has used its items; the curator will not draft them again.
COVERING = (StoryStatus.DRAFTING, StoryStatus.IN_REVIEW, StoryStatus.CLOSED)


def create_run(
    engine: Engine, run_id: str, engine_name: str, options: RunOptions, topic: str
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(runs).values(
                id=run_id,
                topic=topic,
                status=RunStatus.RUNNING,
                engine=engine_name,
                options=options.model_dump(mode="json"),
                started_at=datetime.now(UTC),
            )
        )


def set_run_status(
    engine: Engine, run_id: str, status: RunStatus, *, error: str | None = None
) -> None:
    finished = None if status == RunStatus.RUNNING else datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(status=status, error=error, finished_at=finished)
        )


def get_run(engine: Engine, run_id: str) -> RunRecord | None:
    with engine.connect() as connection:
        row = connection.execute(select(runs).where(runs.c.id == run_id)).first()
        if row is None:
            return None
        story_rows = connection.execute(
            select(stories.c.story, stories.c.status, stories.c.failure_reason, drafts.c.draft)
            .outerjoin(drafts, drafts.c.story_id == stories.c.id)
            .where(stories.c.run_id == run_id)
            .order_by(stories.c.created_at, stories.c.id)
        ).all()
    return RunRecord(
        id=row.id,
        topic=row.topic,
        status=RunStatus(row.status),
        engine=row.engine,
        options=RunOptions.model_validate(row.options),
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        stories=[_story_report(s) for s in story_rows],
    )


def _story_report(row: object) -> StoryReport:
    story = Story.model_validate(row.story)  # type: ignore[attr-defined]
    report = StoryReport(
        story_id=story.id,
        title=story.title,
        status=StoryStatus(row.status),  # type: ignore[attr-defined]
        outlets=story.outlets,
        reason=row.failure_reason,  # type: ignore[attr-defined]
    )
    if row.draft is None:  # type: ignore[attr-defined]
        return report
    draft = Draft.model_validate(row.draft)  # type: ignore[attr-defined]
    checked = [c for c in draft.claims if c.verdict != "opinion"]
    return report.model_copy(
        update={
            "headline": draft.headline,
            "claims_supported": sum(c.verdict == "supported" for c in checked),
            "claims_total": len(checked),
            "cost_usd": draft.cost.usd,
            "llm_calls": draft.cost.llm_calls,
        }
    )


def latest_run_id(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            select(runs.c.id).order_by(runs.c.started_at.desc()).limit(1)
        ).scalar_one_or_none()


def save_story(engine: Engine, run_id: str, story: Story, status: StoryStatus) -> None:
    """Record a story for this run; one seen in an earlier run (a retry) moves to this one."""
    now = datetime.now(UTC)
    values = {
        "run_id": run_id,
        "topic": story.topic,
        "title": story.title,
        "status": status,
        "story": story.model_dump(mode="json"),
        "item_keys": sorted(c.item_id for c in story.candidates),
        "failure_reason": None,
        "updated_at": now,
    }
    with engine.begin() as connection:
        inserted = insert_ignoring_conflicts(
            connection, stories, [{"id": story.id, "created_at": now, **values}], ["id"]
        )
        if not inserted:
            connection.execute(update(stories).where(stories.c.id == story.id).values(**values))


def set_story_status(
    engine: Engine, story_id: str, status: StoryStatus, *, reason: str | None = None
) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(stories)
            .where(stories.c.id == story_id)
            .values(status=status, failure_reason=reason, updated_at=datetime.now(UTC))
        )


def get_story(engine: Engine, story_id: str) -> tuple[Story, StoryStatus] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(stories.c.story, stories.c.status).where(stories.c.id == story_id)
        ).first()
    return (Story.model_validate(row.story), StoryStatus(row.status)) if row else None


def covered_item_ids(engine: Engine, topic: str) -> set[int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(stories.c.item_keys).where(
                stories.c.topic == topic, stories.c.status.in_([s.value for s in COVERING])
            )
        ).scalars()
        return {item_id for keys in rows for item_id in keys}


def save_draft(engine: Engine, draft: Draft) -> None:
    """Store what the desk produced for a story; replaying the same step changes nothing.

    The first version enters the queue in review; a later version (after an editor asked
    for changes) replaces the text and returns the draft to review.
    """
    now = datetime.now(UTC)
    with engine.begin() as connection:
        row = connection.execute(
            select(drafts.c.version, drafts.c.status, drafts.c.revision).where(
                drafts.c.id == draft.id
            )
        ).first()
        if row is None:
            connection.execute(
                insert(drafts).values(
                    id=draft.id,
                    story_id=draft.story_id,
                    run_id=draft.run_id,
                    topic=draft.topic,
                    version=draft.version,
                    status=DraftStatus.IN_REVIEW,
                    headline=draft.headline,
                    draft=draft.model_dump(mode="json"),
                    revision=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif draft.version > row.version:
            status = (
                DraftStatus.IN_REVIEW
                if row.status == DraftStatus.CHANGES_REQUESTED
                else DraftStatus(row.status)
            )
            connection.execute(
                update(drafts)
                .where(drafts.c.id == draft.id)
                .values(
                    version=draft.version,
                    status=status,
                    headline=draft.headline,
                    draft=draft.model_copy(update={"status": status}).model_dump(mode="json"),
                    revision=row.revision + 1,
                    updated_at=now,
                )
            )
    record_new_version(engine, draft)


def get_draft(engine: Engine, draft_id: str) -> Draft | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(drafts.c.draft, drafts.c.status).where(drafts.c.id == draft_id)
        ).first()
    return Draft.model_validate({**row.draft, "status": row.status}) if row else None


def list_drafts(
    engine: Engine,
    *,
    statuses: list[DraftStatus] | None = None,
    topic: str | None = None,
    run_id: str | None = None,
) -> list[Draft]:
    query = select(drafts.c.draft, drafts.c.status).order_by(
        drafts.c.created_at.desc(), drafts.c.id
    )
    if statuses:
        query = query.where(drafts.c.status.in_([s.value for s in statuses]))
    if topic:
        query = query.where(drafts.c.topic == topic)
    if run_id:
        query = query.where(drafts.c.run_id == run_id)
    with engine.connect() as connection:
        return [
            Draft.model_validate({**row.draft, "status": row.status})
            for row in connection.execute(query)
        ]


def list_runs(engine: Engine, *, limit: int = 20) -> list[RunRecord]:
    """The latest runs, newest first, each with its stories."""
    with engine.connect() as connection:
        ids = connection.execute(
            select(runs.c.id).order_by(runs.c.started_at.desc()).limit(limit)
        ).scalars()
        wanted = list(ids)
    return [record for run_id in wanted if (record := get_run(engine, run_id))]

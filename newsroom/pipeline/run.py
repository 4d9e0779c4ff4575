"""Running the desk: a run's intake, then its stories concurrently, each in its own thread.

A run can be resumed after any crash: finished steps come back from the checkpointer,
and a step that was cut short asks the engine again, whose response cache answers
calls already paid for.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.errors import BudgetExceeded, ConfigError, NewsroomError
from newsroom.llm.base import LLM
from newsroom.locks import story_lease
from newsroom.models import RunStatus, Story, StoryStatus, Topic
from newsroom.models.run import RunOptions, RunRecord
from newsroom.personas import desk_personas
from newsroom.pipeline.checkpointer import open_checkpointer
from newsroom.pipeline.desk import Desk, OnEvent, ignore_event
from newsroom.pipeline.graph import build_intake, build_story, recursion_limit
from newsroom.pipeline.state import Decision
from newsroom.store.desk import (
    create_run,
    get_draft,
    get_run,
    get_story,
    save_story,
    set_run_status,
    set_story_status,
)
from newsroom.topics import load_topic

log = logging.getLogger("newsroom.desk")


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def start_run(
    settings: Settings,
    store: Engine,
    llm: LLM,
    options: RunOptions,
    *,
    on_event: OnEvent = ignore_event,
    run_id: str | None = None,
) -> RunRecord:
    """Draft the topic's top stories into the queue; returns the run as recorded."""
    topic = load_topic(options.topic)
    run_id = run_id or new_run_id()
    create_run(store, run_id, llm.engine, options, topic.name)
    return _drive(settings, store, llm, options, topic, run_id, on_event)


def resume_run(
    settings: Settings, store: Engine, llm: LLM, run_id: str, *, on_event: OnEvent = ignore_event
) -> RunRecord:
    record = get_run(store, run_id)
    if record is None:
        raise ConfigError(f"no run {run_id!r}; `newsroom runs` lists them")
    set_run_status(store, run_id, RunStatus.RUNNING)
    topic = load_topic(record.options.topic)
    return _drive(settings, store, llm, record.options, topic, run_id, on_event)


def _drive(
    settings: Settings,
    store: Engine,
    llm: LLM,
    options: RunOptions,
    topic: Topic,
    run_id: str,
    on_event: OnEvent,
) -> RunRecord:
    desk = Desk(settings, store, llm, desk_personas(topic.analyst), options, on_event)
    status = RunStatus.FINISHED
    error = None
    try:
        with open_checkpointer(store) as saver:
            stories = _intake(desk, saver, topic, run_id)
            spent = _draft_all(desk, saver, topic, run_id, stories)
            if spent:
                status, error = RunStatus.BUDGET_SPENT, spent
    except BudgetExceeded as exc:
        status, error = RunStatus.BUDGET_SPENT, str(exc)
    except NewsroomError as exc:
        status, error = RunStatus.FAILED, str(exc)
        set_run_status(store, run_id, status, error=error)
        raise
    set_run_status(store, run_id, status, error=error)
    record = get_run(store, run_id)
    assert record is not None
    return record


def intake_run(
    settings: Settings, store: Engine, llm: LLM, run_id: str, *, on_event: OnEvent = ignore_event
) -> list[Story]:
    """A recorded run's intake alone (the workers' first step): the stories left to draft."""
    record = get_run(store, run_id)
    if record is None:
        raise ConfigError(f"no run {run_id!r}; `newsroom runs` lists them")
    topic = load_topic(record.options.topic)
    desk = Desk(settings, store, llm, desk_personas(topic.analyst), record.options, on_event)
    with open_checkpointer(store) as saver:
        return _pending(store, _intake(desk, saver, topic, run_id))


def draft_story(
    settings: Settings,
    store: Engine,
    llm: LLM,
    run_id: str,
    story_id: str,
    *,
    on_event: OnEvent = ignore_event,
) -> str | None:
    """Draft one of a run's stories to the editor's interrupt (a worker's task).

    Resumes from the story's checkpoint when an earlier drafter died; does nothing when
    the story is drafted already or being drafted elsewhere. Returns a budget error.
    """
    record = get_run(store, run_id)
    if record is None:
        raise ConfigError(f"no run {run_id!r}; `newsroom runs` lists them")
    known = get_story(store, story_id)
    if known is None or all(s.story_id != story_id for s in record.stories):
        return None  # not this run's (a later run took it over): that run's task drafts it
    topic = load_topic(record.options.topic)
    desk = Desk(settings, store, llm, desk_personas(topic.analyst), record.options, on_event)
    with open_checkpointer(store) as saver:
        return _draft_one(desk, build_story(desk, saver), topic, run_id, known[0])


def _config(thread_id: str, options: RunOptions) -> dict[str, Any]:
    return {
        "configurable": {"thread_id": thread_id},
        "recursion_limit": recursion_limit(options.max_revisions),
    }


def _intake(desk: Desk, saver: BaseCheckpointSaver, topic: Topic, run_id: str) -> list[Story]:
    """The stories this run drafts; a resumed run finds its intake already checkpointed."""
    graph = build_intake(desk, saver)
    config = _config(f"intake:{run_id}", desk.options)
    snapshot = graph.get_state(config)
    if "assignment" not in snapshot.values:
        resume = bool(snapshot.next)
        graph.invoke(None if resume else {"run_id": run_id, "topic": topic}, config)
        snapshot = graph.get_state(config)
    assignment = snapshot.values["assignment"]
    for story in assignment.single_source:
        save_story(desk.store, run_id, story, StoryStatus.SINGLE_SOURCE)
    for story in assignment.stories:
        known = get_story(desk.store, story.id)
        if known is None or known[1] in (StoryStatus.QUEUED, StoryStatus.FAILED):
            save_story(desk.store, run_id, story, StoryStatus.QUEUED)
    return assignment.stories


def _draft_all(
    desk: Desk, saver: BaseCheckpointSaver, topic: Topic, run_id: str, stories: list[Story]
) -> str | None:
    """Draft each story not yet in the queue, a bounded number at once; returns a budget error."""
    graph = build_story(desk, saver)
    pending = _pending(desk.store, stories)
    with ThreadPoolExecutor(max_workers=desk.options.concurrency) as pool:
        results = list(pool.map(lambda s: _draft_one(desk, graph, topic, run_id, s), pending))
    return next((r for r in results if r), None)


def _pending(store: Engine, stories: list[Story]) -> list[Story]:
    """The stories not yet drafted (a drafter that died leaves its story drafting)."""
    pending = []
    for story in stories:
        known = get_story(store, story.id)
        if known and known[1] in (StoryStatus.QUEUED, StoryStatus.DRAFTING):
            pending.append(story)
    return pending


def _draft_one(
    desk: Desk, graph: CompiledStateGraph, topic: Topic, run_id: str, story: Story
) -> str | None:
    """Run one story's thread to the editor's interrupt, if no other process is drafting it."""
    with story_lease(desk.settings, story.id) as held:
        if not held:
            desk.on_event(story.id, "editor", "being drafted by another worker; left to it")
            return None
        # Checked again under the lease: whoever held it before may have finished it.
        if not _pending(desk.store, [story]):
            return None
        return _draft_held(desk, graph, topic, run_id, story)


def _draft_held(
    desk: Desk, graph: CompiledStateGraph, topic: Topic, run_id: str, story: Story
) -> str | None:
    """Run one story's thread to the editor's interrupt; a failure costs this story only."""
    config = _config(f"story:{story.id}", desk.options)
    try:
        snapshot = graph.get_state(config)
        resuming = bool(snapshot.next) and snapshot.values.get("run_id") == run_id
        graph.invoke(None if resuming else {"run_id": run_id, "topic": topic, "story": story},
                     config)  # fmt: skip
    except BudgetExceeded as exc:
        set_story_status(desk.store, story.id, StoryStatus.QUEUED, reason=str(exc))
        desk.on_event(story.id, "editor", f"stopped: {exc}")
        return str(exc)
    except Exception as exc:  # one story's failure must not end the run; the reason is kept
        reason = f"{type(exc).__name__}: {exc}"
        log.warning(
            "story %s failed: %s", story.id, reason, exc_info=not isinstance(exc, NewsroomError)
        )
        set_story_status(desk.store, story.id, StoryStatus.FAILED, reason=reason)
        desk.on_event(story.id, "editor", f"failed: {reason}")
    return None


def apply_decision(
    settings: Settings, store: Engine, llm: LLM, draft_id: str, decision: Decision
) -> None:
    """Resume a story's thread with an editor's decision, running it to its next stop.

    A thread that is not waiting (it was cut short mid-revision) is first run on to its
    next stop; a thread already past this version ignores the decision (see
    nodes.editor_decision), so applying the same decision twice revises once.
    """
    draft = get_draft(store, draft_id)
    if draft is None:
        raise ConfigError(f"no draft {draft_id!r}")
    run = get_run(store, draft.run_id)
    options = run.options if run else RunOptions(topic=draft.topic)
    topic = load_topic(options.topic)
    desk = Desk(settings, store, llm, desk_personas(topic.analyst), options)
    config = _config(f"story:{draft.story_id}", options)
    # A revision runs the story's thread: never beside another process running it.
    with story_lease(settings, draft.story_id, wait=True), open_checkpointer(store) as saver:
        graph = build_story(desk, saver)
        snapshot = graph.get_state(config)
        if snapshot.next and not snapshot.interrupts:
            graph.invoke(None, config)
            snapshot = graph.get_state(config)
        if snapshot.interrupts:
            graph.invoke(Command(resume=decision.model_dump()), config)

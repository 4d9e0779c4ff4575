"""The graph's nodes: each takes the desk and the state, and returns a partial update."""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from newsroom.agents import (
    analyst,
    copy_editor,
    curator,
    editor,
    fact_checker,
    illustrator,
    monitor,
    researcher,
    translator,
)
from newsroom.models import StoryStatus
from newsroom.pipeline.assemble import assemble_draft
from newsroom.pipeline.desk import Desk
from newsroom.pipeline.state import Decision, IntakeState, StoryState
from newsroom.review.export import to_json, to_markdown
from newsroom.store.candidates import topic_candidates
from newsroom.store.desk import covered_item_ids, save_draft, set_story_status
from newsroom.store.llm_log import spent

MAX_WORDS = 1200

# -- intake ------------------------------------------------------------------------------


def run_monitor(desk: Desk, state: IntakeState) -> dict[str, Any]:
    topic = state["topic"]
    pool = topic_candidates(desk.store, topic.name, exclude=set())
    context = desk.context("monitor", state["run_id"])
    ranked = monitor.rank(desk.llm, desk.personas["monitor"], topic, pool, context)
    desk.on_event(None, "monitor", f"{len(ranked)} relevant items of {len(pool)}")
    return {"candidates": ranked}


def run_translator(desk: Desk, state: IntakeState) -> dict[str, Any]:
    context = desk.context("translator", state["run_id"])
    candidates = translator.translate(
        desk.llm, desk.personas["translator"], state["candidates"], context
    )
    return {"candidates": candidates}


def run_curator(desk: Desk, state: IntakeState) -> dict[str, Any]:
    topic = state["topic"]
    assignment = curator.assign(
        desk.llm,
        desk.personas["curator"],
        topic.name,
        state["candidates"],
        desk.context("curator", state["run_id"]),
        covered_item_ids=covered_item_ids(desk.store, topic.name),
        min_outlets=topic.min_outlets,
        max_stories=desk.options.max_stories,
    )
    desk.on_event(
        None,
        "curator",
        f"{len(assignment.stories)} stories to draft, "
        f"{len(assignment.single_source)} single-source, "
        f"{len(assignment.already_covered)} already covered",
    )
    return {"assignment": assignment}


# -- one story ---------------------------------------------------------------------------


def run_researcher(desk: Desk, state: StoryState) -> dict[str, Any]:
    story = state["story"]
    set_story_status(desk.store, story.id, StoryStatus.DRAFTING)
    context = desk.context("researcher", state["run_id"], story.id)
    pool = topic_candidates(desk.store, story.topic, exclude=set())
    related = researcher.related_reports(story, pool)
    return {
        "research": researcher.research(
            desk.llm, desk.personas["researcher"], story, related, context
        ),
        "revisions": 0,
    }


def run_analyst(desk: Desk, state: StoryState) -> dict[str, Any]:
    story = state["story"]
    factcheck = state.get("factcheck")
    revising = "article" in state
    inputs = analyst.AnalystInputs(
        story_title=story.title,
        research=state["research"],
        unsupported=factcheck.unsupported if revising and factcheck else [],
        editor_note=state.get("editor_note"),
        previous=state.get("article"),
    )
    context = desk.context("analyst", state["run_id"], story.id)
    article = analyst.write(desk.llm, desk.personas["analyst"], inputs, context)
    return {"article": article, "revisions": state.get("revisions", 0) + (1 if revising else 0)}


def run_fact_checker(desk: Desk, state: StoryState) -> dict[str, Any]:
    story = state["story"]
    context = desk.context("fact_checker", state["run_id"], story.id)
    factcheck = fact_checker.check(
        desk.llm, desk.personas["fact_checker"], state["article"], state["research"].sources,
        context,
    )  # fmt: skip
    desk.on_event(
        story.id,
        "fact_checker",
        f"{factcheck.supported_count}/{len(factcheck.claims)} claims supported, "
        f"{len(factcheck.unsupported)} unsupported",
    )
    return {"factcheck": factcheck}


def needs_revision(desk: Desk, state: StoryState) -> str | list[str]:
    """Back to the analyst while unsupported claims remain and revisions are left."""
    if state["factcheck"].unsupported and state.get("revisions", 0) < desk.options.max_revisions:
        return "analyst"
    return ["illustrator", "copy_editor"]


def run_illustrator(desk: Desk, state: StoryState) -> dict[str, Any]:
    article = state["article"]
    inputs = illustrator.IllustratorInputs(
        headline=article.headline,
        dek=article.dek,
        key_facts=[f.text for f in state["research"].key_facts[:5]],
    )
    context = desk.context("illustrator", state["run_id"], state["story"].id)
    return {
        "illustration": illustrator.illustrate(
            desk.llm, desk.personas["illustrator"], inputs, context
        )
    }


def run_copy_editor(desk: Desk, state: StoryState) -> dict[str, Any]:
    inputs = copy_editor.CopyEditInputs(article=state["article"], max_words=MAX_WORDS)
    context = desk.context("copy_editor", state["run_id"], state["story"].id)
    edited = copy_editor.edit(desk.llm, desk.personas["copy_editor"], inputs, context)
    # The published text must be the checked text: verdicts follow the edit.
    factcheck = fact_checker.recheck(edited, state["research"].sources, state["factcheck"])
    return {"edited": edited, "factcheck": factcheck}


def run_editor(desk: Desk, state: StoryState) -> dict[str, Any]:
    inputs = editor.EditorInputs(
        article=state["edited"],
        factcheck=state["factcheck"],
        sources=state["research"].sources,
        min_outlets=state["topic"].min_outlets,
    )
    context = desk.context("editor", state["run_id"], state["story"].id)
    return {"review": editor.review(desk.llm, desk.personas["editor"], inputs, context)}


def enqueue(desk: Desk, state: StoryState) -> dict[str, Any]:
    """Store the draft and its files; safe to replay, as a resumed thread may."""
    story, run_id = state["story"], state["run_id"]
    previous = state.get("draft")
    draft = assemble_draft(
        run_id=run_id,
        story=story,
        article=state["edited"],
        research=state["research"],
        factcheck=state["factcheck"],
        illustration=state["illustration"],
        review=state["review"],
        personas=desk.personas,
        cost=spent(desk.store, run_id=run_id, story_id=story.id),
        engine=desk.llm.engine,
        version=previous.version + 1 if previous else 1,
        editor_note=state.get("editor_note"),
    )
    save_draft(desk.store, draft)
    folder = desk.settings.runs_dir / run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{story.id}.md").write_text(to_markdown(draft), encoding="utf-8")
    (folder / f"{story.id}.json").write_text(to_json(draft), encoding="utf-8")
    set_story_status(desk.store, story.id, StoryStatus.IN_REVIEW)
    desk.on_event(story.id, "editor", f"in the queue: {draft.headline}")
    return {"draft": draft}


def await_decision(desk: Desk, state: StoryState) -> dict[str, Any]:
    """The thread waits here for a human; nothing before interrupt() has side effects."""
    draft = state["draft"]
    answer = interrupt({"draft_id": draft.id, "version": draft.version})
    return {"decision": Decision.model_validate(answer)}


def editor_decision(desk: Desk, state: StoryState) -> str:
    """Where the editor's decision leads; one about an older version is ignored."""
    decision = state["decision"]
    if decision.version != state["draft"].version:
        return "await_decision"
    return {"approve": "publish", "changes": "revise", "reject": "close"}[decision.action]


def revise(desk: Desk, state: StoryState) -> dict[str, Any]:
    return {"editor_note": state["decision"].note, "revisions": 0}


def close_story(desk: Desk, state: StoryState) -> dict[str, Any]:
    """Approved or rejected: the queue has recorded it; the story's work is done."""
    set_story_status(desk.store, state["draft"].story_id, StoryStatus.CLOSED)
    return {}

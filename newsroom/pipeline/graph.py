"""The desk's wiring, as in design.md: intake, then one thread per story."""

from __future__ import annotations

from functools import partial

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import RetryPolicy
from sqlalchemy.exc import OperationalError

from newsroom.pipeline import nodes
from newsroom.pipeline.desk import Desk
from newsroom.pipeline.state import IntakeState, StoryState

# Model calls retry inside the engine; a node retries only when the database was busy.
RETRY = RetryPolicy(max_attempts=3, retry_on=OperationalError)


def build_intake(desk: Desk, checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    graph = StateGraph(IntakeState)
    graph.add_node("monitor", partial(nodes.run_monitor, desk), retry_policy=RETRY)
    graph.add_node("translator", partial(nodes.run_translator, desk), retry_policy=RETRY)
    graph.add_node("curator", partial(nodes.run_curator, desk), retry_policy=RETRY)
    graph.add_edge(START, "monitor")
    graph.add_edge("monitor", "translator")
    graph.add_edge("translator", "curator")
    graph.add_edge("curator", END)
    return graph.compile(checkpointer=checkpointer)


def build_story(desk: Desk, checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    graph = StateGraph(StoryState)
    for name, node in [
        ("researcher", nodes.run_researcher),
        ("analyst", nodes.run_analyst),
        ("fact_checker", nodes.run_fact_checker),
        ("illustrator", nodes.run_illustrator),
        ("copy_editor", nodes.run_copy_editor),
        ("editor", nodes.run_editor),
        ("queue", nodes.enqueue),
        ("await_decision", nodes.await_decision),
        ("revise", nodes.revise),
        ("publish", nodes.close_story),
        ("close", nodes.close_story),
    ]:
        graph.add_node(name, partial(node, desk), retry_policy=RETRY)
    graph.add_edge(START, "researcher")
    graph.add_edge("researcher", "analyst")
    graph.add_edge("analyst", "fact_checker")
    # Illustration and copy editing need the same checked article, not each other: in parallel.
    graph.add_conditional_edges(
        "fact_checker",
        partial(nodes.needs_revision, desk),
        ["analyst", "illustrator", "copy_editor"],
    )
    graph.add_edge(["illustrator", "copy_editor"], "editor")
    graph.add_edge("editor", "queue")
    graph.add_edge("queue", "await_decision")
    graph.add_conditional_edges(
        "await_decision",
        partial(nodes.editor_decision, desk),
        ["publish", "revise", "close", "await_decision"],
    )
    graph.add_edge("revise", "analyst")
    graph.add_edge("publish", END)
    graph.add_edge("close", END)
    return graph.compile(checkpointer=checkpointer)


def recursion_limit(max_revisions: int) -> int:
    """Steps one pass through a story can take: nine nodes, two per revision, editor loops."""
    return 40 + 4 * max_revisions

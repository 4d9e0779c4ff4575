"""The queue: drafts newest first, filtered by status and topic, with counts per status."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newsroom.models import DraftStatus
from newsroom.models.review import Action
from newsroom.store.counts import draft_topics, drafts_per_status
from newsroom.store.desk import list_drafts
from newsroom.store.review import pending_decisions
from newsroom.web import deps
from newsroom.web.render import page

ALL = "all"


def queue(request: Request) -> Response:
    store = deps.store(request)
    wanted = request.query_params.get("status", DraftStatus.IN_REVIEW.value)
    status = None if wanted == ALL else _status(wanted)
    topics = draft_topics(store)
    topic = request.query_params.get("topic") or None
    if topic not in topics:
        topic = None  # an unknown topic shows every topic rather than an empty page
    drafts = list_drafts(store, statuses=[status] if status else None, topic=topic)
    return page(
        request,
        "queue.html",
        drafts=drafts,
        counts=drafts_per_status(store, topic=topic),
        status=status.value if status else ALL,
        topic=topic,
        topics=topics,
        revising=revisions_in_progress(request),
    )


def _status(value: str) -> DraftStatus:
    try:
        return DraftStatus(value)
    except ValueError:
        return DraftStatus.IN_REVIEW


def revisions_in_progress(request: Request) -> set[str]:
    """Drafts whose `changes` decision has not yet been taken by the desk."""
    return {
        record.draft_id
        for record in pending_decisions(deps.store(request))
        if record.action == Action.CHANGES
    }


routes = [Route("/", queue, methods=["GET"])]

"""A draft's page: the article as it will be published, its fact check, sources, cost,
versions, history, and the forms for what an editor may do next."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newsroom.errors import NewsroomError
from newsroom.models import Draft, DraftStatus
from newsroom.models.review import Action
from newsroom.review.html import render_sections
from newsroom.review.transitions import allowed_actions
from newsroom.store.desk import list_drafts
from newsroom.store.review import history, read_draft, versions
from newsroom.web import deps
from newsroom.web.render import page
from newsroom.web.routes.queue import revisions_in_progress

# What the page says after an action succeeded (?done=...): fixed text, never reflected input.
DONE = {
    Action.APPROVE: "Approved and published.",
    Action.REJECT: "Rejected. Restore it to bring it back to review.",
    Action.RESTORE: "Restored to review.",
    Action.CHANGES: "Sent back to the analyst with your note.",
    Action.RETRACT: "Retracted: it has left the feed and its page says why.",
}


def load_draft(request: Request, draft_id: str) -> tuple[Draft, int]:
    try:
        return read_draft(deps.store(request), draft_id)
    except NewsroomError as exc:
        raise HTTPException(404, f"no draft {draft_id}") from exc


def show(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    done = request.query_params.get("done", "")
    message = DONE.get(Action(done)) if done in Action._value2member_map_ else None
    return draft_page(request, draft_id, message=message)


def draft_page(
    request: Request,
    draft_id: str,
    *,
    message: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The page, also as the answer to a refused action (with the editor's text kept)."""
    store = deps.store(request)
    draft, revision = load_draft(request, draft_id)
    revising = draft.status == DraftStatus.CHANGES_REQUESTED and (
        draft_id in revisions_in_progress(request)
    )
    return page(
        request,
        "draft.html",
        status_code,
        draft=draft,
        revision=revision,
        sections=render_sections(draft),
        actions=[a.value for a in allowed_actions(draft.status)],
        unsupported=[c for c in draft.claims if c.verdict == "unsupported"],
        history=history(store, draft_id),
        versions=[v.version for v in versions(store, draft_id)],
        neighbours=_neighbours(request, draft_id),
        revising=revising,
        message=message,
        error=error,
        form=form or {},
    )


def _neighbours(request: Request, draft_id: str) -> tuple[str | None, str | None]:
    """The drafts before and after this one in the review queue, for j/k."""
    ids = [d.id for d in list_drafts(deps.store(request), statuses=[DraftStatus.IN_REVIEW])]
    if draft_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(draft_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


routes = [Route("/drafts/{draft_id}", show, methods=["GET"])]

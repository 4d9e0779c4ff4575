"""An editor's decision on a draft, through the same `act` as the CLI.

The form carries the draft's lock counter as it was when the page was drawn, so a
second editor acting on a stale page gets a conflict instead of overwriting the first.
Decisions the story's thread must take (approve, reject, changes) go to the worker.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from newsroom.errors import ConflictError, TransitionError
from newsroom.models.review import Action
from newsroom.review.queue import act
from newsroom.store.review import THREAD_ACTIONS
from newsroom.web import deps
from newsroom.web.csrf import posted
from newsroom.web.routes.draft import draft_page, load_draft

EDITOR_ACTIONS = {
    a.value: a
    for a in (Action.APPROVE, Action.REJECT, Action.RESTORE, Action.CHANGES, Action.RETRACT)
}


def decide(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    action = EDITOR_ACTIONS.get(request.path_params["action"])
    if action is None:
        raise HTTPException(404, "no such action")
    load_draft(request, draft_id)  # 404 before anything else for an unknown draft
    form = posted(request)
    try:
        expected = int(form.get("revision", ""))
    except ValueError:
        raise HTTPException(400, "the form lacks the draft's revision: reload the page") from None
    try:
        act(
            deps.store(request),
            draft_id,
            action,
            actor=deps.user(request).name,
            note=form.get("note", "").strip() or None,
            override=form.get("override", "").strip() or None,
            expected_revision=expected,
        )
    except ConflictError as exc:
        return draft_page(
            request, draft_id, error=str(exc), form=_kept(action, form), status_code=409
        )
    except TransitionError as exc:
        return draft_page(
            request, draft_id, error=str(exc), form=_kept(action, form), status_code=400
        )
    if action in THREAD_ACTIONS:
        deps.worker(request).submit(draft_id)
    return RedirectResponse(f"/drafts/{draft_id}?done={action.value}", status_code=303)


def _kept(action: Action, form: dict[str, str]) -> dict[str, str]:
    """What the editor typed, to refill the form they used."""
    return {f"{action.value}.{name}": form.get(name, "") for name in ("note", "override")}


routes = [Route("/drafts/{draft_id}/{action}", decide, methods=["POST"])]

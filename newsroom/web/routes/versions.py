"""A draft's versions: any one of them as it read, and the diff between two."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newsroom.errors import NewsroomError
from newsroom.review.html import render_sections
from newsroom.review.queue import diff
from newsroom.store.review import versions
from newsroom.web import deps
from newsroom.web.diffview import diff_lines
from newsroom.web.render import page
from newsroom.web.routes.draft import load_draft


def _number(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def show_diff(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    draft, _ = load_draft(request, draft_id)
    known = [v.version for v in versions(deps.store(request), draft_id)]
    old, new = _number(request, "from"), _number(request, "to")
    try:
        text = diff(deps.store(request), draft_id, old=old, new=new)
    except NewsroomError as exc:
        raise HTTPException(404, str(exc)) from exc
    new = new or max(known)
    old = old or max(new - 1, 1)
    return page(
        request, "diff.html", draft=draft, known=known, old=old, new=new, lines=diff_lines(text)
    )


def show_version(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    current, _ = load_draft(request, draft_id)
    wanted = request.path_params["version"]
    found = [v for v in versions(deps.store(request), draft_id) if v.version == wanted]
    if not found:
        raise HTTPException(404, f"draft {draft_id} has no version {wanted}")
    return page(
        request, "version.html", draft=found[0], current=current, sections=render_sections(found[0])
    )


routes = [
    Route("/drafts/{draft_id}/diff", show_diff, methods=["GET"]),
    Route("/drafts/{draft_id}/versions/{version:int}", show_version, methods=["GET"]),
]

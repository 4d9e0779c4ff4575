"""Feed health: each feed's last fetch, next check, errors; an admin can enable a feed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from newsroom.store.feeds import get_feed, list_feeds, set_enabled
from newsroom.web import deps
from newsroom.web.render import page


def feeds(request: Request) -> Response:
    listed = list_feeds(deps.store(request))
    enabled = request.query_params.get("done") == "enabled"
    return page(
        request,
        "feeds.html",
        feeds=listed,
        enabled=enabled,
        failing=sum(1 for f in listed if f.error_count or f.disabled),
    )


def enable(request: Request) -> Response:
    deps.require_admin(request)
    feed = get_feed(deps.store(request), request.path_params["feed_id"])
    if feed is None:
        raise HTTPException(404, "no such feed")
    # Enabling also clears the error count and schedule, so the next ingest tries it.
    set_enabled(deps.store(request), feed.topic, feed.source_url, True)
    return RedirectResponse("/feeds?done=enabled", status_code=303)


routes = [
    Route("/feeds", feeds, methods=["GET"]),
    Route("/feeds/{feed_id:int}/enable", enable, methods=["POST"]),
]

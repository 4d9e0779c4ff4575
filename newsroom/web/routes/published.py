"""The published set, and each published or retracted article's page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newsroom.review.html import render_sections
from newsroom.store.review import published_articles
from newsroom.web import deps
from newsroom.web.render import page


def published(request: Request) -> Response:
    articles = published_articles(deps.store(request), include_retracted=True)
    return page(request, "published.html", articles=articles)


def article(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    found = [
        a
        for a in published_articles(deps.store(request), include_retracted=True)
        if a.draft.id == draft_id
    ]
    if not found:
        raise HTTPException(404, f"no published article {draft_id}")
    return page(
        request,
        "article.html",
        article=found[0],
        draft=found[0].draft,
        sections=render_sections(found[0].draft),
    )


routes = [
    Route("/published", published, methods=["GET"]),
    Route("/articles/{draft_id}", article, methods=["GET"]),
]

"""The app factory: routes, the middleware that guards them, and the decision worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from newsroom.config import Settings
from newsroom.store.db import open_engine
from newsroom.web.auth import AuthMiddleware
from newsroom.web.csrf import CSRFMiddleware
from newsroom.web.headers import SecurityHeadersMiddleware
from newsroom.web.render import page
from newsroom.web.routes import decisions, draft, feeds, login, published, queue, runs, versions
from newsroom.web.worker import DecisionWorker

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, store: Engine | None = None) -> Starlette:
    store = store if store is not None else open_engine(settings)
    worker = DecisionWorker(settings, store)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker.submit(None)  # decisions a crash or `queue ... --later` left pending
        yield
        worker.close()

    app = Starlette(
        routes=[
            *login.routes,
            *queue.routes,
            *draft.routes,
            *decisions.routes,
            *versions.routes,
            *published.routes,
            *feeds.routes,
            *runs.routes,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        # Outermost first: headers on every answer, then who is asking, then the CSRF check.
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(AuthMiddleware, store=store),
            Middleware(CSRFMiddleware),
        ],
        exception_handlers={HTTPException: _error_page},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.worker = worker
    return app


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return page(request, "error.html", exc.status_code, status=exc.status_code, detail=exc.detail)

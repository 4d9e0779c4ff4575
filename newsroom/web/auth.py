"""Who is asking: the session cookie, and the gate that keeps anonymous people out.

Every path is private unless listed in PUBLIC, so a page added later is protected by
default. Sessions live in the store (see store/users.py): logging out ends them for real.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from newsroom.store.users import WebSession, create_session, end_session, find_session

SESSION_COOKIE = "newsroom_session"
SESSION_TTL = timedelta(hours=12)  # a working day; then log in again
SESSION_KEY = "newsroom.session"  # where the middleware leaves the session in the scope

PUBLIC_PATHS = frozenset({"/login"})
PUBLIC_PREFIXES = ("/static/",)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def current_session(connection: HTTPConnection) -> WebSession | None:
    return connection.scope.get(SESSION_KEY)


def require_session(connection: HTTPConnection) -> WebSession:
    """The session of a page behind the gate (the middleware guarantees one)."""
    session = current_session(connection)
    if session is None:  # only reachable if a public path calls this: a bug
        raise RuntimeError(f"{connection.url.path} is public but needs a session")
    return session


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def is_https(connection: HTTPConnection) -> bool:
    # Behind a TLS proxy, uvicorn's proxy headers support sets the scheme from it.
    return connection.url.scheme == "https"


def start_session(store: Engine, request: Request, user_name: str, response: Response) -> None:
    """A fresh token on every login, so a token planted before login is worth nothing."""
    token = secrets.token_urlsafe(32)
    create_session(
        store, token, user_name, secrets.token_urlsafe(32), datetime.now(UTC), SESSION_TTL
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def stop_session(store: Engine, request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(store, token)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=is_https(request))


class AuthMiddleware:
    """Loads the session from its cookie; sends anonymous requests for private paths away."""

    def __init__(self, app: ASGIApp, store: Engine) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        token = connection.cookies.get(SESSION_COOKIE)
        session = (
            await run_in_threadpool(find_session, self.store, token, datetime.now(UTC))
            if token
            else None
        )
        scope[SESSION_KEY] = session
        if session is None and not is_public(connection.url.path):
            await self._refuse(connection)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _refuse(connection: HTTPConnection) -> Response:
        if connection.scope["method"] in ("GET", "HEAD"):
            target = connection.url.path + (
                f"?{connection.url.query}" if connection.url.query else ""
            )
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return PlainTextResponse("log in first: /login", status_code=401)

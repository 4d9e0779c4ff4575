"""CSRF protection, checked in one place for every request that can change something.

Every unsafe request must be a small URL-encoded form whose `csrf` field matches the
token bound to the session (or, before login, the double-submit cookie the login page
set). The middleware parses the form itself and hands the fields to the endpoint
(`posted`), so no endpoint can forget the check or parse a body it did not vet.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsroom.web.auth import current_session, is_https

LOGIN_CSRF_COOKIE = "newsroom_login_csrf"
FIELD = "csrf"
FORM_KEY = "newsroom.form"  # where the checked fields wait in the scope
LOGIN_TOKEN_KEY = "newsroom.login_csrf"  # a login token made for this very answer
MAX_FORM_BYTES = 64 * 1024  # the longest note an editor writes is far below this
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(connection: HTTPConnection) -> str:
    """The token this page's forms must carry."""
    session = current_session(connection)
    if session is not None:
        return session.csrf_token
    made: str | None = connection.scope.get(LOGIN_TOKEN_KEY)
    return made or connection.cookies.get(LOGIN_CSRF_COOKIE, "")


def ensure_login_token(request: Request) -> str:
    """Before login there is no session: the login page gets a double-submit cookie."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.scope[LOGIN_TOKEN_KEY] = token
    return token


def set_login_cookie(request: Request, response: Response) -> None:
    token = request.scope.get(LOGIN_TOKEN_KEY)
    if token and request.cookies.get(LOGIN_CSRF_COOKIE) != token:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_https(request)
        )


def posted(request: Request) -> dict[str, str]:
    """The fields of the form the middleware checked (first value of each)."""
    fields: dict[str, str] = request.scope.get(FORM_KEY, {})
    return fields


def _same_origin(connection: HTTPConnection) -> bool:
    # Browsers send Origin on form posts; a missing one (old clients, tests) relies on the token.
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    expected = f"{connection.url.scheme}://{connection.headers.get('host', '')}"
    return origin == expected


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        content_type = connection.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            await _refuse(403, "only this site's forms may post here")(scope, receive, send)
            return
        if not _same_origin(connection):
            await _refuse(403, "cross-site form refused")(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await _refuse(413, "form too large")(scope, receive, send)
            return
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
        except (UnicodeDecodeError, ValueError):
            await _refuse(400, "unreadable form")(scope, receive, send)
            return
        sent = fields.get(FIELD, [""])[0]
        expected = csrf_token(connection)
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            message = "the form has expired or did not come from this site: reload and retry"
            await _refuse(403, message)(scope, receive, send)
            return
        scope[FORM_KEY] = {name: values[0] for name, values in fields.items()}
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> bytes | None:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return body
        chunk: bytes = message.get("body", b"")
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
        if not message.get("more_body", False):
            return body


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _refuse(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)

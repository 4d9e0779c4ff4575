"""Logging in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from newsroom.web import deps
from newsroom.web.accounts import THROTTLE_WINDOW, LoginFailed, LoginThrottled, authenticate
from newsroom.web.auth import current_session, safe_next, start_session, stop_session
from newsroom.web.csrf import LOGIN_CSRF_COOKIE, ensure_login_token, posted, set_login_cookie
from newsroom.web.render import page


def login_form(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    if current_session(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _form(request, target)


def _form(
    request: Request,
    target: str,
    *,
    error: str = "",
    name: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    ensure_login_token(request)
    response = page(request, "login.html", status_code, next=target, error=error, name=name)
    response.headers.update(headers or {})
    set_login_cookie(request, response)
    return response


def login(request: Request) -> Response:
    form = posted(request)
    name, target = form.get("name", "").strip(), safe_next(form.get("next"))
    address = request.client.host if request.client else "unknown"
    try:
        user = authenticate(deps.store(request), name, form.get("password", ""), address)
    except LoginThrottled as exc:
        retry = str(int(THROTTLE_WINDOW.total_seconds()))
        return _form(
            request,
            target,
            error=str(exc),
            name=name,
            status_code=429,
            headers={"Retry-After": retry},
        )
    except LoginFailed as exc:
        return _form(request, target, error=str(exc), name=name, status_code=401)
    response = RedirectResponse(target, status_code=303)
    start_session(deps.store(request), request, user.name, response)
    response.delete_cookie(LOGIN_CSRF_COOKIE, httponly=True, samesite="strict")
    return response


def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    stop_session(deps.store(request), request, response)
    return response


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]

"""What an endpoint takes from the app and the request: the store, the worker, the user."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.requests import Request

from newsroom.config import Settings
from newsroom.store.users import Role, User
from newsroom.web.auth import require_session
from newsroom.web.worker import DecisionWorker


def store(request: Request) -> Engine:
    return request.app.state.store  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def worker(request: Request) -> DecisionWorker:
    return request.app.state.worker  # type: ignore[no-any-return]


def user(request: Request) -> User:
    return require_session(request).user


def require_admin(request: Request) -> User:
    current = user(request)
    if current.role != Role.ADMIN:
        raise HTTPException(403, "only an admin may do that")
    return current

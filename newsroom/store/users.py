"""Editors' accounts in the store: users, their web sessions, and failed logins.

Only hashes are stored here: the argon2 hash of a password (made in newsroom/web/accounts.py)
and the SHA-256 of a session token, so the table alone lets nobody log in.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from newsroom.errors import NewsroomError
from newsroom.models.base import Model
from newsroom.store.schema import login_failures, users, web_sessions


class Role(StrEnum):
    EDITOR = "editor"  # works the queue
    ADMIN = "admin"  # and runs the feeds


class User(Model):
    name: str
    role: Role
    created_at: datetime


class WebSession(Model):
    """A logged-in browser: who it is, and the CSRF token its forms must carry."""

    user: User
    csrf_token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(engine: Engine, name: str, role: Role, password_hash: str, now: datetime) -> User:
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(users).values(
                    name=name, role=role, password_hash=password_hash, created_at=now
                )
            )
    except IntegrityError as exc:
        raise NewsroomError(f"a user named {name!r} exists already") from exc
    return User(name=name, role=role, created_at=now)


def set_password(engine: Engine, name: str, password_hash: str) -> None:
    """Replace a stored hash (a rehash with stronger parameters after a login)."""
    with engine.begin() as connection:
        connection.execute(
            update(users).where(users.c.name == name).values(password_hash=password_hash)
        )


def password_hash_of(engine: Engine, name: str) -> tuple[User, str] | None:
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    return User(name=row.name, role=Role(row.role), created_at=row.created_at), row.password_hash


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.name)).all()
    return [User(name=r.name, role=Role(r.role), created_at=r.created_at) for r in rows]


def create_session(
    engine: Engine, token: str, user_name: str, csrf_token: str, now: datetime, ttl: timedelta
) -> None:
    with engine.begin() as connection:
        # Expired sessions are swept here rather than by a separate job.
        connection.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
        connection.execute(
            insert(web_sessions).values(
                token_hash=token_hash(token),
                user_name=user_name,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=now + ttl,
            )
        )


def find_session(engine: Engine, token: str, now: datetime) -> WebSession | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(web_sessions.c.csrf_token, web_sessions.c.expires_at, users)
            .join(users, users.c.name == web_sessions.c.user_name)
            .where(web_sessions.c.token_hash == token_hash(token), web_sessions.c.expires_at > now)
        ).first()
    if row is None:
        return None
    user = User(name=row.name, role=Role(row.role), created_at=row.created_at)
    return WebSession(user=user, csrf_token=row.csrf_token, expires_at=row.expires_at)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(web_sessions).where(web_sessions.c.token_hash == token_hash(token))
        )


def record_login_failure(engine: Engine, user_name: str, ip: str, now: datetime) -> None:
    with engine.begin() as connection:
        # Failures older than a day throttle nothing; keep the table small.
        connection.execute(delete(login_failures).where(login_failures.c.at < now - timedelta(1)))
        connection.execute(insert(login_failures).values(user_name=user_name, ip=ip, at=now))


def count_login_failures(
    engine: Engine, *, ip: str, since: datetime, user_name: str | None = None
) -> int:
    """Failures from this address since then: for one name, or for all names together."""
    condition = and_(login_failures.c.ip == ip, login_failures.c.at >= since)
    if user_name is not None:
        condition = and_(condition, login_failures.c.user_name == user_name)
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(login_failures).where(condition)
        ).scalar_one()


def clear_login_failures(engine: Engine, user_name: str, ip: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(login_failures).where(
                login_failures.c.user_name == user_name, login_failures.c.ip == ip
            )
        )

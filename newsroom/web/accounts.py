"""Editors' accounts: adding one, and checking a login with throttling (CLI and web share it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from newsroom.errors import NewsroomError
from newsroom.store.users import (
    Role,
    User,
    add_user,
    clear_login_failures,
    count_login_failures,
    password_hash_of,
    record_login_failure,
    set_password,
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 8  # NIST SP 800-63B's floor for a chosen password
MAX_PASSWORD = 1024  # hashing cost grows with length; nobody types more

# A name from one address gets this many wrong passwords per window; the address gets
# ten times as many over all names, so trying one password on many names is slowed too.
THROTTLE_WINDOW = timedelta(minutes=15)
FAILURES_PER_NAME = 5
FAILURES_PER_ADDRESS = 50

_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


class LoginFailed(NewsroomError):
    """Wrong name or password (which one is not said, on purpose)."""


class LoginThrottled(NewsroomError):
    """Too many failed logins from this address; try again later."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise NewsroomError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise NewsroomError(f"the password may have at most {MAX_PASSWORD} characters")
    return _HASHER.hash(password)


def add_account(store: Engine, name: str, role: Role, password: str) -> User:
    if not NAME.match(name):
        raise NewsroomError(
            "a user name is 1-64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    return add_user(store, name, role, hash_password(password), datetime.now(UTC))


@cache
def _decoy_hash() -> str:
    return _HASHER.hash("not anybody's password")


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(store: Engine, name: str, password: str, address: str) -> User:
    """The user whose password this is, or LoginFailed / LoginThrottled."""
    now = datetime.now(UTC)
    key = name.strip().lower()[:200]  # failures count per name however it is typed
    since = now - THROTTLE_WINDOW
    if (
        count_login_failures(store, ip=address, user_name=key, since=since) >= FAILURES_PER_NAME
        or count_login_failures(store, ip=address, since=since) >= FAILURES_PER_ADDRESS
    ):
        # Refused before the password is looked at, so throttled guesses learn nothing.
        raise LoginThrottled("too many failed logins; wait 15 minutes and try again")
    found = password_hash_of(store, name) if len(password) <= MAX_PASSWORD else None
    # An unknown name still costs one hash check, so timing does not tell which names exist.
    matches = _verify(found[1] if found else _decoy_hash(), password[:MAX_PASSWORD])
    if found is None or not matches:
        record_login_failure(store, key, address, now)
        raise LoginFailed("wrong name or password")
    user, stored = found
    clear_login_failures(store, key, address)
    if _HASHER.check_needs_rehash(stored):
        set_password(store, user.name, _HASHER.hash(password))
    return user

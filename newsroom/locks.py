"""Locks that keep two runs of the same job, or two drafters of one story, from overlapping.

On SQLite they are OS file locks in the home folder (one machine); on PostgreSQL they are
advisory locks on a connection of their own (every machine that shares the database).
Either kind is released when its process dies, so a killed run never leaves one behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from newsroom.config import Settings
from newsroom.errors import ConfigError, LockHeld


def advisory_key(name: str) -> int:
    """A PostgreSQL advisory lock key (signed 64 bits) for a lock's name."""
    digest = hashlib.sha256(f"newsroom:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def on_postgres(settings: Settings) -> bool:
    return settings.database.startswith(("postgresql", "postgres:"))


@contextmanager
def run_lock(settings: Settings, job: str, *, wait: bool) -> Iterator[None]:
    """Hold the job's lock; raise LockHeld at once if another run has it and wait is False."""
    with _held(settings, job, wait=wait) as acquired:
        if not acquired:
            raise LockHeld(f"another `newsroom {job}` is running; this one exits")
        yield


@contextmanager
def story_lease(settings: Settings, story_id: str, *, wait: bool = False) -> Iterator[bool]:
    """Try to become the one process working on this story's thread; yields whether it did.

    Whoever drafts or revises a story holds its lease, so a second worker (or a run started
    by hand) leaves it alone, and a story whose drafter died is free again at once.
    """
    with _held(settings, f"story:{story_id}", wait=wait) as acquired:
        yield acquired


@contextmanager
def _held(settings: Settings, name: str, *, wait: bool) -> Iterator[bool]:
    if on_postgres(settings):
        with _advisory(settings, name, wait=wait) as acquired:
            yield acquired
        return
    folder = settings.home if ":" not in name else settings.home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"{name.replace(':', '-')}.lock"))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextmanager
def _advisory(settings: Settings, name: str, *, wait: bool) -> Iterator[bool]:
    import psycopg

    from newsroom.config import mask_url_password
    from newsroom.store.db import libpq_url

    try:
        connection = psycopg.connect(libpq_url(settings.database), autocommit=True)
    except psycopg.OperationalError as exc:
        shown = mask_url_password(settings.database)
        raise ConfigError(f"cannot open the database {shown}: {exc}") from exc
    with connection:
        key = advisory_key(name)
        if wait:
            connection.execute("SELECT pg_advisory_lock(%s)", (key,))
            yield True
        else:
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            yield bool(row and row[0])

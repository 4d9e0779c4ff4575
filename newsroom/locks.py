"""The lock that keeps two runs of the same job (cron's ingest, say) from overlapping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from newsroom.config import Settings
from newsroom.errors import LockHeld


@contextmanager
def run_lock(settings: Settings, job: str, *, wait: bool) -> Iterator[None]:
    """Hold the job's lock; raise LockHeld at once if another run has it and wait is False.

    The lock is an OS file lock, released by the kernel when its process dies, so a
    killed run never leaves a stale lock behind.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.home / f"{job}.lock"))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout as exc:
        raise LockHeld(f"another `newsroom {job}` is running; this one exits") from exc
    try:
        yield
    finally:
        lock.release()

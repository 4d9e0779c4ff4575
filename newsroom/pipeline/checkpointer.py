"""LangGraph's checkpointer on newsroom's own database, with newsroom's types allowed."""

from __future__ import annotations

import inspect
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from pydantic import BaseModel
from sqlalchemy import Engine

from newsroom.errors import ConfigError
from newsroom.locks import advisory_key


def _newsroom_types() -> list[tuple[str, str]]:
    """Every model and enum newsroom keeps in graph state, for the msgpack allowlist."""
    from newsroom.agents import curator
    from newsroom.models import desk, feeds
    from newsroom.pipeline import state

    return [
        (module.__name__, name)
        for module in (desk, feeds, curator, state)
        for name, value in inspect.getmembers(module, inspect.isclass)
        if issubclass(value, BaseModel | Enum) and value.__module__ == module.__name__
    ]


_set_up: set[str] = set()


@contextmanager
def _postgres_saver(store: Engine) -> Iterator[BaseCheckpointSaver]:
    """PostgresSaver on a small pool: a run drafts several stories at once, one thread each."""
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    from newsroom.store.db import libpq_url

    url = libpq_url(store)
    kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
    with ConnectionPool(url, kwargs=kwargs, min_size=1, max_size=16, open=True) as pool:
        saver = PostgresSaver(pool, serde=serializer())  # type: ignore[arg-type]
        if url not in _set_up:
            _set_up_once(pool, saver)
            _set_up.add(url)
        yield saver


def _set_up_once(pool: Any, saver: BaseCheckpointSaver) -> None:
    """The saver's own migrations, by one process at a time.

    They build indexes CONCURRENTLY, which waits for every open statement in the database;
    a process blocked inside pg_advisory_lock() would be one, and both would wait forever.
    So the others poll with pg_try_advisory_lock, holding no statement open between tries.
    """
    key = advisory_key("checkpointer")
    with pool.connection() as connection:
        while not connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[
            "pg_try_advisory_lock"
        ]:
            time.sleep(0.1)
        try:
            saver.setup()  # type: ignore[attr-defined]
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (key,))


def serializer() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=_newsroom_types())


@contextmanager
def open_checkpointer(store: Engine) -> Iterator[BaseCheckpointSaver]:
    """A saver on the same database as the store: the SQLite file, or PostgreSQL."""
    if store.dialect.name == "postgresql":
        with _postgres_saver(store) as saver:
            yield saver
        return
    if store.dialect.name != "sqlite":
        raise ConfigError("the desk's checkpointer supports SQLite and PostgreSQL databases")
    path = store.url.database
    connection = sqlite3.connect(path or ":memory:", check_same_thread=False, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=30000")
    try:
        saver = SqliteSaver(connection, serde=serializer())
        saver.setup()
        yield saver
    finally:
        connection.close()

"""LangGraph's checkpointer on newsroom's own database, with newsroom's types allowed."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from pydantic import BaseModel
from sqlalchemy import Engine

from newsroom.errors import ConfigError


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


def serializer() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=_newsroom_types())


@contextmanager
def open_checkpointer(store: Engine) -> Iterator[BaseCheckpointSaver]:
    """A saver on the same database as the store (the SQLite file, for now)."""
    if store.dialect.name != "sqlite":
        raise ConfigError("the desk's checkpointer supports SQLite databases in this version")
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

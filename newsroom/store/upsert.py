"""INSERT ... ON CONFLICT for the dialects newsroom runs on (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_conflicts(
    connection: Connection, table: Table, rows: list[dict[str, object]], keys: list[str]
) -> int:
    """Insert rows, silently skipping any whose unique `keys` already exist; returns how many."""
    if not rows:
        return 0
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=keys)
    result = connection.execute(statement, rows)
    return max(result.rowcount, 0)

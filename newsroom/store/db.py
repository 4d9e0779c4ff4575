"""Opening the database: the engine, SQLite's pragmas, and migrating to the latest schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from newsroom.config import Settings
from newsroom.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"


def open_engine(settings: Settings, *, migrate: bool = True) -> Engine:
    """An engine on the configured database, its schema brought up to date."""
    url = settings.database
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"NEWSROOM_DATABASE_URL is not a database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, parsed.database)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        upgrade(engine, settings)
    return engine


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: object) -> None:
        # WAL lets readers (the web page, status) work while an ingest writes.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def upgrade(engine: Engine, settings: Settings) -> None:
    """Migrate to the newest schema; a no-op (one cheap query) when already there."""
    try:
        if schema_revision(engine) == head_revision(engine):
            return
    except OperationalError as exc:
        raise ConfigError(f"cannot open the database {engine.url!r}: {exc.orig}") from exc
    # Two processes starting on a new SQLite file must not both create the tables.
    lock_path = settings.home / "migrate.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path), timeout=120), engine.begin() as connection:
        config = _alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

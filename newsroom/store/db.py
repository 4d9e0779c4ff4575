"""Opening the database: the engine (SQLite with its pragmas, or PostgreSQL), and migrating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from newsroom.config import Settings
from newsroom.errors import ConfigError
from newsroom.locks import advisory_key

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
    elif parsed.get_backend_name() in ("postgresql", "postgres"):
        # Workers run several stories at once, each holding a connection now and then.
        engine = create_engine(
            postgres_url(parsed), pool_pre_ping=True, pool_size=10, max_overflow=20
        )
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        upgrade(engine, settings)
    return engine


def postgres_url(url: URL) -> URL:
    """`postgresql://` (or Heroku's `postgres://`) on psycopg 3, the driver newsroom installs."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def libpq_url(database: Engine | str) -> str:
    """A PostgreSQL database as a libpq URL, for psycopg users (checkpointer, task queue)."""
    url = database.url if isinstance(database, Engine) else make_url(database)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


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
        shown = engine.url.set(drivername=engine.url.get_backend_name())
        reason = " ".join(str(exc.orig).split())  # libpq's messages run over several lines
        raise ConfigError(f"cannot open the database {shown!r}: {reason}") from exc
    if engine.dialect.name == "postgresql":
        # Workers on several machines starting at once: one migrates, the others wait, and
        # the lock goes with the transaction, whatever happens to the process.
        with engine.begin() as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key("migrate")}
            )
            config = _alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return
    # Two processes starting on a new SQLite file must not both create the tables.
    lock_path = settings.home / "migrate.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path), timeout=120), engine.begin() as connection:
        config = _alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

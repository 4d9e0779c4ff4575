"""The root Typer app and what every command shares: settings, the store, output."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import typer
from pydantic import BaseModel
from rich.console import Console
from sqlalchemy import Engine

from newsroom.config import Settings, load_settings
from newsroom.store.db import open_engine

app = typer.Typer(
    name="newsroom",
    help="A multi-agent AI newsroom: ingest feeds on a topic, draft sourced articles, review them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return load_settings()


def engine(current: Settings) -> Engine:
    return open_engine(current)


def print_json(data: BaseModel | list[Any] | dict[str, Any]) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    typer.echo(text)


def interactive() -> bool:
    """A person at a terminal (progress bars) rather than cron or a pipe (log lines)."""
    return sys.stderr.isatty()


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose or not interactive() else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more detail to stderr."),
) -> None:
    configure_logging(verbose)

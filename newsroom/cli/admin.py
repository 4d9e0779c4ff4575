"""Commands for the install itself: `config`, `db upgrade`."""

from __future__ import annotations

import typer

from newsroom.cli.app import app, console, engine, print_json, settings
from newsroom.store.db import head_revision, schema_revision

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command("config")
def show_config(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the effective settings (env NEWSROOM_*, newsroom.toml, defaults), secrets masked."""
    shown = settings().masked()
    if as_json:
        print_json(shown)
        return
    for name, value in shown.items():
        console.print(f"[bold]{name}[/bold] = {value}", highlight=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or migrate it to the newest schema."""
    current = engine(settings())  # opening migrates
    console.print(f"database schema at revision {schema_revision(current)}")


@db_app.command("revision")
def db_revision(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the database's schema revision and the newest one this version knows."""
    from newsroom.store.db import open_engine

    current = open_engine(settings(), migrate=False)
    shown = {"current": schema_revision(current), "head": head_revision(current)}
    if as_json:
        print_json(shown)
    else:
        console.print(f"current {shown['current']}, newest {shown['head']}")

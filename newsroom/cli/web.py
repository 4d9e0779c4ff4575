"""Commands for the editors' web page: `serve`, and `users add|list` for its accounts."""

from __future__ import annotations

import ipaddress
import sys

import typer
from rich.table import Table

from newsroom.cli.app import app, console, engine, err_console, print_json, settings
from newsroom.errors import NewsroomError
from newsroom.store.users import Role, list_users

users_app = typer.Typer(help="Editors' accounts for the web page.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    schedule: bool = typer.Option(
        False, "--schedule", help="Also run the ingest and draft schedule inside this process."
    ),
) -> None:
    """Serve the editors' web page (the queue, drafts, feeds, runs)."""
    import uvicorn  # the server loads only for this command

    from newsroom.web import create_app

    current = settings()
    store = engine(current)
    if not list_users(store):
        err_console.print(
            "no accounts yet: add one with `newsroom users add NAME --role admin`", highlight=False
        )
    if not _loopback(host):
        err_console.print(
            f"[yellow]listening on {host}: put an HTTPS proxy in front, or passwords and "
            "session cookies cross the network in clear text[/yellow]",
            highlight=False,
        )
    # proxy_headers (on by default, trusting 127.0.0.1) gives the real scheme and client
    # address behind a local TLS proxy: Secure cookies and per-address login throttling.
    app = create_app(current, store)
    if not schedule:
        uvicorn.run(app, host=host, port=port, server_header=False)
        return
    from newsroom.worker.runner import start_schedule

    handle = start_schedule(current)
    try:
        uvicorn.run(app, host=host, port=port, server_header=False)
    finally:
        handle.stop()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The user name to log in with."),
    role: Role = typer.Option(
        Role.EDITOR, "--role", help="editor: works the queue; admin: also feeds."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add an account; the password is prompted for twice (or read with --password-stdin)."""
    from newsroom.web.accounts import add_account

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise NewsroomError("no password on stdin")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = add_account(engine(settings()), name, role, password)
    console.print(f"added {user.role.value} {user.name}", highlight=False)


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every account and its role."""
    users = list_users(engine(settings()))
    if as_json:
        print_json([u.model_dump(mode="json") for u in users])
        return
    table = Table()
    for column in ("name", "role", "added"):
        table.add_column(column)
    for user in users:
        table.add_row(user.name, user.role.value, f"{user.created_at:%Y-%m-%d %H:%M}")
    console.print(table)

"""The editors' queue commands: show, approve, reject, restore, changes, retract, diff, history,
and `export`."""

from __future__ import annotations

import typer
from rich.markdown import Markdown
from rich.table import Table

from newsroom.cli.app import app, console, engine, print_json, settings
from newsroom.cli.desk import queue_app
from newsroom.errors import ConfigError
from newsroom.llm.factory import make_llm
from newsroom.models import Draft
from newsroom.models.review import Action
from newsroom.review import queue as review
from newsroom.review.export import to_json, to_markdown
from newsroom.store.review import history, published_articles, read_draft

AS_HELP = "Who is acting (default: settings' editor, else your OS user)."


def _actor(name: str | None) -> str:
    return name or review.default_actor(settings())


def _act(draft_id: str, action: Action, actor: str | None, **kw: str | None) -> Draft:
    draft, record = review.act(engine(settings()), draft_id, action, actor=_actor(actor), **kw)
    console.print(f"{record.action.value}: draft {draft_id} is now {draft.status.value}")
    return draft


def _apply_now(draft_id: str) -> None:
    current = settings()
    store = engine(current)
    review.apply_pending(current, store, make_llm(current, store), draft_id=draft_id)


@queue_app.command("show")
def show(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The draft as it would be published, its fact check, sources, cost, version and history."""
    store = engine(settings())
    draft, _ = read_draft(store, draft_id)
    actions = history(store, draft_id)
    if as_json:
        print_json({"draft": draft.model_dump(mode="json"),
                    "history": [a.model_dump(mode="json") for a in actions]})  # fmt: skip
        return
    console.print(Markdown(to_markdown(draft)))
    checks = Table(title="Fact check", title_justify="left")
    for column in ("verdict", "claim", "sources", "evidence / note"):
        checks.add_column(column, overflow="fold")
    colours = {"supported": "green", "unsupported": "red", "opinion": "blue"}
    for claim in draft.claims:
        checks.add_row(
            f"[{colours[claim.verdict]}]{claim.verdict}[/]",
            claim.text,
            ", ".join(f"[{n}]" for n in claim.sources),
            claim.evidence or claim.note or "",
        )
    console.print(checks)
    for flag in draft.review.flags:
        console.print(f"[yellow]flag[/yellow]: {flag}", highlight=False)
    console.print(
        f"status {draft.status.value}, version {draft.version}, engine {draft.engine}, "
        f"cost ${draft.cost.usd:.4f} ({draft.cost.llm_calls} calls, "
        f"{draft.cost.tokens_in}+{draft.cost.tokens_out} tokens)",
        highlight=False,
    )
    _print_history(actions)


@queue_app.command("history")
def show_history(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every action on the draft, oldest first."""
    actions = history(engine(settings()), draft_id)
    if as_json:
        print_json([a.model_dump(mode="json") for a in actions])
    else:
        _print_history(actions)


def _print_history(actions: list) -> None:  # type: ignore[type-arg]
    table = Table(title="History", title_justify="left")
    for column in ("when", "who", "action", "version", "from -> to", "note"):
        table.add_column(column, overflow="fold")
    for a in actions:
        table.add_row(f"{a.created_at:%Y-%m-%d %H:%M:%S}", a.actor, a.action.value, str(a.version),
                      f"{a.from_status.value} -> {a.to_status.value}", a.note or "")  # fmt: skip
    console.print(table)


@queue_app.command("approve")
def approve(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    override: str = typer.Option(None, "--override", help="Approve despite unsupported claims."),
    note: str = typer.Option(None, "--note", help="A note for the history."),
    actor: str = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Approve and publish a draft in review."""
    _act(draft_id, Action.APPROVE, actor, note=note, override=override)
    _apply_now(draft_id)


@queue_app.command("reject")
def reject(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the history)."),
    actor: str = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Reject a draft (reversible with `queue restore`)."""
    _act(draft_id, Action.REJECT, actor, note=reason)
    _apply_now(draft_id)


@queue_app.command("restore")
def restore(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    actor: str = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Bring a rejected draft back to review."""
    _act(draft_id, Action.RESTORE, actor)


@queue_app.command("changes")
def changes(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    note: str = typer.Option(..., "--note", help="What the analyst should change."),
    later: bool = typer.Option(False, "--later", help="Leave the revision to the next run."),
    actor: str = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Send a draft back to the analyst with a note; the revised version returns to review."""
    _act(draft_id, Action.CHANGES, actor, note=note)
    if later:
        console.print("the revision will run at the next `newsroom run` (or by a worker)")
        return
    _apply_now(draft_id)
    draft, _ = read_draft(engine(settings()), draft_id)
    console.print(f"draft {draft_id} is {draft.status.value} as version {draft.version}")


@queue_app.command("retract")
def retract(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    reason: str = typer.Option(..., "--reason", help="Why (shown on the article's page)."),
    actor: str = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Retract a published article: it leaves the feed and its page says why."""
    _act(draft_id, Action.RETRACT, actor, note=reason)


@queue_app.command("diff")
def diff(
    draft_id: str = typer.Argument(..., help="The draft's id."),
    old: int = typer.Option(None, "--from", help="Older version (default: the one before)."),
    new: int = typer.Option(None, "--to", help="Newer version (default: the latest)."),
) -> None:
    """What changed between two versions of a draft."""
    typer.echo(
        review.diff(engine(settings()), draft_id, old=old, new=new) or "no changes", nl=False
    )


@app.command()
def export(
    draft_id: str = typer.Argument(None, help="The draft's id (see `newsroom queue`)."),
    format: str = typer.Option(
        "md", "--format", "-f", help="md, html or json; atom with --published."
    ),
    published: bool = typer.Option(False, "--published", help="The published set (atom)."),
) -> None:
    """Print one draft as Markdown, HTML or JSON, or the published articles as an Atom feed."""
    store = engine(settings())
    if published:
        if format != "atom":
            raise ConfigError("--published exports an Atom feed: add --format atom")
        from newsroom.review.atom import render_atom

        typer.echo(render_atom(published_articles(store), feed_id="urn:newsroom:published",
                               title="newsroom: published analysis"), nl=False)  # fmt: skip
        return
    if draft_id is None:
        raise ConfigError("name a draft to export, or use --published --format atom")
    draft, _ = read_draft(store, draft_id)
    if format == "json":
        typer.echo(to_json(draft), nl=False)
    elif format == "md":
        typer.echo(to_markdown(draft), nl=False)
    elif format == "html":
        from newsroom.review.html import render_html

        shown = next(
            (
                a
                for a in published_articles(store, include_retracted=True)
                if a.draft.id == draft_id
            ),
            None,
        )
        typer.echo(render_html(shown or draft), nl=False)
    else:
        raise ConfigError(f"unknown format {format!r}: use md, html or json")

"""Commands for the desk: `run`, `runs`, `queue list`, `export`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from newsroom.cli.app import app, console, engine, err_console, print_json, settings
from newsroom.cli.feeds import TOPIC_HELP, ingest_with_progress
from newsroom.errors import ConfigError
from newsroom.llm.factory import make_llm
from newsroom.locks import run_lock
from newsroom.models import DraftStatus, StoryStatus
from newsroom.models.run import RunOptions, RunRecord
from newsroom.pipeline.run import resume_run, start_run
from newsroom.review.queue import apply_pending
from newsroom.store.desk import list_drafts, list_runs
from newsroom.topics import list_topics, load_topic

queue_app = typer.Typer(help="The editors' queue of drafts.", no_args_is_help=False)
app.add_typer(queue_app, name="queue")


@app.command()
def run(
    topic: str = typer.Option(None, "--topic", "-t", help=TOPIC_HELP),
    all_topics: bool = typer.Option(False, "--all", help="Every topic, one after another."),
    demo: bool = typer.Option(False, "--demo", help="Read the shipped offline demo feeds."),
    resume: str = typer.Option(None, "--resume", help="Finish an interrupted run by its id."),
    no_ingest: bool = typer.Option(False, "--no-ingest", help="Draft from stored items only."),
    max_stories: int = typer.Option(5, "--max-stories", min=1, help="Stories to draft."),
    max_revisions: int = typer.Option(2, "--max-revisions", min=0, help="Fact-check rounds."),
    max_cost: float = typer.Option(None, "--max-cost", min=0, help="US$ budget for the run."),
    concurrency: int = typer.Option(None, "--concurrency", min=1, help="Stories at once."),
    enqueue: bool = typer.Option(
        False, "--enqueue", help="Hand the run to `newsroom worker`s (PostgreSQL) and return."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON."),
) -> None:
    """Ingest the topic's due feeds, then draft its top stories into the editors' queue."""
    current = settings()
    store = engine(current)
    if resume is None and topic is None and not all_topics:
        raise ConfigError(
            "name a topic with --topic NAME (or --all), or resume a run with --resume RUN_ID"
        )
    names = [t.name for t in list_topics()] if all_topics else [topic]

    def options_for(name: str) -> RunOptions:
        return RunOptions(
            topic=name,
            demo=demo,
            ingest=not no_ingest,
            max_stories=max_stories,
            max_revisions=max_revisions,
            max_cost=max_cost,
            concurrency=concurrency or current.run_concurrency,
        )

    if enqueue and not resume:
        from newsroom.worker.enqueue import enqueue_run

        queued = {name: enqueue_run(current, store, options_for(name)) for name in names}
        if as_json:
            print_json({"queued": [{"topic": k, "run": v} for k, v in queued.items()]})
        for name, run_id in queued.items():
            message = f"queued run {run_id} of {name}; `newsroom status` shows the progress"
            err_console.print(message, highlight=False)
        return
    llm = make_llm(current, store, max_cost=max_cost)
    if llm.engine == "offline":
        err_console.print(
            "[yellow]No LLM endpoint configured: drafting with the offline extractive engine "
            "(set NEWSROOM_LLM_BASE_URL or OPENAI_API_KEY for persona-voiced drafts).[/yellow]"
        )
    records = []
    with run_lock(current, "run", wait=True):
        revised = apply_pending(current, store, llm)
        if revised:
            err_console.print(f"applied {revised} editor decision(s) left for this run")
        if resume:
            records.append(resume_run(current, store, llm, resume, on_event=_show_event))
        for name in [] if resume else names:
            options = options_for(name)
            if options.ingest:
                with run_lock(current, "ingest", wait=True):
                    ingest_with_progress(store, current, [load_topic(name)], demo, False, False)
            records.append(start_run(current, store, llm, options, on_event=_show_event))
    if as_json:
        if all_topics and not resume:
            print_json([record.model_dump(mode="json") for record in records])
        else:
            print_json(records[0])
    else:
        for record in records:
            _print_run(record)


def _show_event(story_id: str | None, role: str, message: str) -> None:
    where = f"story {story_id[:8]}" if story_id else "intake"
    err_console.print(f"[dim]{where}[/dim] [bold]{role}[/bold] {message}", highlight=False)


def _print_run(record: RunRecord) -> None:
    drafted = [s for s in record.stories if s.headline]
    table = Table(title=f"Run {record.id} ({record.engine} engine): {record.status.value}",
                  title_justify="left")  # fmt: skip
    for column in ("draft", "headline", "outlets", "claims", "cost"):
        table.add_column(column, overflow="fold")
    for story in drafted:
        table.add_row(
            story.story_id,
            story.headline,
            str(len(story.outlets)),
            f"{story.claims_supported}/{story.claims_total}",
            f"${story.cost_usd:.4f}",
        )
    console.print(table)
    for story in record.stories:
        if story.status == StoryStatus.SINGLE_SOURCE:
            console.print(f"single-source, not drafted: {story.title} ({story.outlets[0]})")
        elif story.status == StoryStatus.FAILED:
            console.print(f"[red]failed[/red]: {story.title}: {story.reason}")
    if record.error:
        console.print(f"[yellow]{record.error}[/yellow]")
    console.print(f"Resume with `newsroom run --resume {record.id}` if it was cut short; "
                  "review with `newsroom queue`.")  # fmt: skip


@queue_app.callback(invoke_without_command=True)
def queue(ctx: typer.Context) -> None:
    """Drafts waiting for an editor (`queue list`)."""
    if ctx.invoked_subcommand is None:
        queue_list(status=None, topic=None, since=None, all_statuses=False, as_json=False)


@queue_app.command("list")
def queue_list(
    status: DraftStatus = typer.Option(None, "--status", help="Only drafts in this state."),
    topic: str = typer.Option(None, "--topic", "-t", help="Only this topic's drafts."),
    since: datetime = typer.Option(None, "--since", help="Only drafts created since (UTC)."),
    all_statuses: bool = typer.Option(False, "--all", help="Every status, not just in review."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Drafts, newest first; by default those waiting for review."""
    statuses = None if all_statuses else [status or DraftStatus.IN_REVIEW]
    drafts = list_drafts(engine(settings()), statuses=statuses, topic=topic)
    if since is not None:
        cutoff = since if since.tzinfo else since.replace(tzinfo=UTC)
        drafts = [d for d in drafts if d.created_at >= cutoff]
    if as_json:
        print_json(
            [
                {
                    "id": d.id,
                    "status": d.status.value,
                    "headline": d.headline,
                    "topic": d.topic,
                    "version": d.version,
                    "created_at": d.created_at.isoformat(),
                }
                for d in drafts
            ]
        )
        return
    table = Table()
    for column in ("id", "status", "headline", "topic", "v", "claims"):
        table.add_column(column, overflow="fold")
    for d in drafts:
        checked = [c for c in d.claims if c.verdict != "opinion"]
        supported = sum(c.verdict == "supported" for c in checked)
        table.add_row(d.id, d.status.value, d.headline, d.topic, str(d.version),
                      f"{supported}/{len(checked)}")  # fmt: skip
    console.print(table)


@app.command()
def runs(
    limit: int = typer.Option(20, "--limit", min=1, help="How many of the latest runs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The latest desk runs, newest first (resume one with `newsroom run --resume ID`)."""
    records = list_runs(engine(settings()), limit=limit)
    if as_json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    table = Table()
    for column in ("run", "topic", "engine", "status", "started", "drafted", "cost"):
        table.add_column(column)
    for r in records:
        drafted = [s for s in r.stories if s.headline]
        table.add_row(r.id, r.topic, r.engine, r.status.value, f"{r.started_at:%Y-%m-%d %H:%M}",
                      str(len(drafted)), f"${sum(s.cost_usd for s in drafted):.4f}")  # fmt: skip
    console.print(table)

"""Commands for feeds: `ingest`, `status`, `sources ...`, `schedule`."""

from __future__ import annotations

import logging
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsroom.cli.app import app, console, engine, err_console, interactive, print_json, settings
from newsroom.config import Settings
from newsroom.errors import ConfigError
from newsroom.ingest.run import ingest_topics
from newsroom.locks import on_postgres, run_lock
from newsroom.models import Feed, FeedOutcome, FeedSpec, FeedStatus, IngestReport, Topic
from newsroom.store.feeds import list_feeds, set_enabled
from newsroom.store.status import store_status
from newsroom.topics import add_feed, list_topics, load_topic, remove_feed, save_topic, topic_path

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from newsroom.worker.health import QueueHealth
    from newsroom.worker.schedule import ScheduleRun

log = logging.getLogger("newsroom.ingest")
sources_app = typer.Typer(help="Topics and their feeds (sources/NAME.yaml).", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

TOPIC_HELP = "A topic name (sources/NAME.yaml) or a path to a topic file."


def resolve_topics(topic: list[str] | None, all_topics: bool) -> list[Topic]:
    if all_topics:
        return list_topics()
    if not topic:
        raise ConfigError("name a topic with --topic NAME, or use --all")
    return [load_topic(name) for name in topic]


@app.command()
def ingest(
    topic: list[str] = typer.Option(None, "--topic", "-t", help=TOPIC_HELP),
    all_topics: bool = typer.Option(False, "--all", help="Every topic's due feeds (for cron)."),
    demo: bool = typer.Option(False, "--demo", help="Read the shipped offline demo feeds."),
    full_text: bool = typer.Option(False, "--full-text", help="Fetch new items' article pages."),
    force: bool = typer.Option(False, "--force", help="Fetch feeds even when not yet due."),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for a running ingest instead of exiting."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Fetch the topic's due feeds and store new and updated items."""
    topics = resolve_topics(topic, all_topics)
    current = settings()
    with run_lock(current, "ingest", wait=wait):
        store = engine(current)
        report = ingest_with_progress(store, current, topics, demo, force, full_text)
    if as_json:
        print_json({**report.summary(), "outcomes": [o.model_dump() for o in report.outcomes]})
    else:
        _print_report(report)


def ingest_with_progress(
    store: Engine,
    current: Settings,
    topics: list[Topic],
    demo: bool,
    force: bool,
    full_text: bool,
) -> IngestReport:
    names = ", ".join(t.name for t in topics)
    if not interactive():
        return ingest_topics(
            store,
            current,
            topics,
            demo=demo,
            force=force,
            full_text=full_text,
            on_start=lambda n: log.info("ingesting %d feeds of %s", n, names),
            on_feed=_log_outcome,
        )
    with Progress(
        TextColumn("[bold]ingest[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(names, total=None)
        return ingest_topics(
            store,
            current,
            topics,
            demo=demo,
            force=force,
            full_text=full_text,
            on_start=lambda n: progress.update(task, total=n),
            on_feed=lambda _feed, _outcome: progress.advance(task),
        )


def _log_outcome(feed: Feed, outcome: FeedOutcome) -> None:
    if outcome.error:
        log.warning("%s %s: %s", outcome.status.value, feed.url, outcome.error)
    else:
        log.info(
            "%s %s new=%d updated=%d", outcome.status.value, feed.url, outcome.new, outcome.updated
        )


def _print_report(report: IngestReport) -> None:
    failing = [o for o in report.outcomes if o.status in (FeedStatus.FAILED, FeedStatus.DISABLED)]
    warned = [o for o in report.outcomes if o.warning]
    if failing or warned:
        table = Table(title="Feeds with problems", title_justify="left")
        table.add_column("feed", overflow="fold")
        table.add_column("status")
        table.add_column("problem", overflow="fold")
        for outcome in failing + warned:
            table.add_row(outcome.url, outcome.status.value, outcome.error or outcome.warning)
        console.print(table)
    s = report.summary()
    console.print(
        f"[bold]{s['feeds']}[/bold] feeds checked in {s['seconds']:.1f} s: "
        f"[green]{s['new']} new[/green], {s['updated']} updated, "
        f"{s['not_modified']} not modified, "
        f"[{'red' if s['failing'] else 'green'}]{s['failing']} failing[/]"
        + (f", {s['full_text']} full texts" if s["full_text"] else ""),
        highlight=False,
    )


@app.command()
def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Feeds, items per language and failing feeds; on PostgreSQL, the workers' tasks too."""
    current = settings()
    store = engine(current)
    summary = store_status(store)
    feeds = list_feeds(store)
    tasks = _queue_health(current, store)
    if as_json:
        print_json(
            {
                **summary.model_dump(mode="json"),
                "feed_list": [f.model_dump(mode="json") for f in feeds],
                **({"tasks": tasks.model_dump(mode="json")} if tasks else {}),
            }
        )
        return
    console.print(
        f"[bold]{summary.feeds}[/bold] feeds ({summary.feeds_failing} failing, "
        f"{summary.feeds_disabled} disabled), [bold]{summary.items}[/bold] items; "
        f"last ingest {summary.last_ingest_at or 'never'}",
        highlight=False,
    )
    if summary.items_by_language:
        languages = ", ".join(f"{k} {v}" for k, v in summary.items_by_language.items())
        console.print(f"items by language: {languages}", highlight=False)
    _print_feeds(feeds)
    if tasks:
        _print_tasks(tasks)


def _queue_health(current: Settings, store: Engine) -> QueueHealth | None:
    """The task queue's health in worker mode (PostgreSQL); None on SQLite."""
    if not on_postgres(current):
        return None
    from newsroom.worker.health import queue_health

    return queue_health(current, store)


def _print_tasks(tasks: QueueHealth) -> None:
    console.print(
        f"tasks: [bold]{tasks.pending}[/bold] pending, [bold]{tasks.running}[/bold] running, "
        f"[{'red' if tasks.failed else 'green'}]{tasks.failed} failed[/], "
        f"{tasks.succeeded} done; {tasks.workers} worker(s) alive",
        highlight=False,
    )
    for failure in tasks.recent_failures:
        console.print(f"[red]failed[/red] {failure.task} {failure.args} "
                      f"after {failure.attempts} attempt(s)", highlight=False)  # fmt: skip
    _print_schedule(tasks.schedule)


def _print_schedule(runs: list[ScheduleRun]) -> None:
    table = Table(title="Schedule (UTC)", title_justify="left")
    for column in ("task", "what", "cron", "next", "last run"):
        table.add_column(column, overflow="fold")
    for entry in runs:
        last = f"{entry.last_at:%m-%d %H:%M:%S} {entry.last_status or ''}" if entry.last_at else ""
        table.add_row(
            entry.id, entry.description, entry.cron, f"{entry.next_at:%m-%d %H:%M:%S}", last
        )
    console.print(table)


def _print_feeds(feeds: list[Feed]) -> None:
    if not feeds:
        return
    table = Table()
    for column in ("topic", "feed", "items", "next check", "errors", "last error"):
        table.add_column(column, overflow="fold")
    for feed in feeds:
        state = "[red]disabled[/red] " if feed.disabled else ""
        table.add_row(
            feed.topic,
            f"{state}{feed.name or feed.title or ''}\n{feed.url}",
            str(feed.item_count),
            f"{feed.next_check_at:%Y-%m-%d %H:%M}" if feed.next_check_at else "now",
            str(feed.error_count),
            feed.disabled_reason or feed.last_error or feed.parse_warning or "",
        )
    console.print(table)


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The topics and how many feeds each lists."""
    topics = list_topics()
    if as_json:
        print_json(
            [
                {
                    "name": t.name,
                    "title": t.title,
                    "feeds": len(t.feeds),
                    "path": str(topic_path(t.name)),
                }
                for t in topics
            ]
        )
        return
    table = Table()
    for column in ("topic", "title", "feeds", "languages", "analyst"):
        table.add_column(column)
    for t in topics:
        table.add_row(t.name, t.title, str(len(t.feeds)), ", ".join(t.languages), t.analyst)
    console.print(table)


@sources_app.command("show")
def sources_show(
    topic: str = typer.Argument(..., help=TOPIC_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A topic's keywords, languages and feeds."""
    loaded = load_topic(topic)
    if as_json:
        print_json(loaded)
        return
    console.print(f"[bold]{loaded.title}[/bold] ({loaded.name}), file {topic_path(topic)}")
    console.print(f"analyst: {loaded.analyst}; languages: {', '.join(loaded.languages)}")
    console.print(f"keywords: {', '.join(loaded.keywords)}", highlight=False)
    table = Table()
    for column in ("feed", "language", "url"):
        table.add_column(column, overflow="fold")
    for feed in loaded.feeds:
        table.add_row(feed.name or "", feed.language or "", feed.url)
    console.print(table)


@sources_app.command("add")
def sources_add(
    topic: str = typer.Argument(..., help="Topic name."),
    url: str = typer.Argument(..., help="The feed's URL."),
    name: str = typer.Option(None, "--name", help="The outlet's name."),
    language: str = typer.Option(None, "--language", help="ISO 639-1 code, e.g. uk."),
) -> None:
    """Add a feed to a topic (writes ./sources/TOPIC.yaml)."""
    try:
        spec = FeedSpec(url=url, name=name, language=language)
    except ValueError as exc:
        raise ConfigError(f"{url} is not an http(s) URL") from exc
    path = save_topic(add_feed(load_topic(topic), spec))
    console.print(f"added {url} to {topic} ({path})")


@sources_app.command("remove")
def sources_remove(
    topic: str = typer.Argument(..., help="Topic name."),
    url: str = typer.Argument(..., help="The feed's URL as the topic file lists it."),
) -> None:
    """Remove a feed from a topic; its stored items stay, the feed is no longer fetched."""
    path = save_topic(remove_feed(load_topic(topic), url))
    set_enabled(engine(settings()), topic, url, enabled=False)
    console.print(f"removed {url} from {topic} ({path})")


@sources_app.command("enable")
def sources_enable(
    url: str = typer.Argument(..., help="The feed's URL (as listed, or where it moved)."),
    topic: str = typer.Option(None, "--topic", "-t", help="Only this topic's feed."),
) -> None:
    """Re-enable a disabled feed and clear its error count, so the next ingest fetches it."""
    if set_enabled(engine(settings()), topic, url, enabled=True) == 0:
        raise ConfigError(f"no stored feed has the URL {url}")
    console.print(f"enabled {url}")


@app.command()
def schedule(
    every: int = typer.Option(None, "--every", help="Minutes between runs (default: settings)."),
    cron: bool = typer.Option(False, "--cron", help="Print crontab lines even on PostgreSQL."),
    as_json: bool = typer.Option(False, "--json", help="Print the workers' schedule as JSON."),
) -> None:
    """Print crontab lines for ingest and runs; in worker mode, the workers' periodic tasks."""
    current = settings()
    if on_postgres(current) and not cron:
        from newsroom.worker.schedule import planned_schedule, schedule_runs
        from newsroom.worker.settings import load_worker_settings

        runs = schedule_runs(engine(current), planned_schedule(current, load_worker_settings()))
        if as_json:
            print_json([r.model_dump(mode="json") for r in runs])
        else:
            _print_schedule(runs)
            console.print("`newsroom worker` on each machine runs these; no crontab is needed.")
        return
    minutes = every or current.fetch_interval_minutes
    invoked = Path(sys.argv[0])
    program = (
        shlex.quote(str(invoked.resolve()))
        if invoked.name == "newsroom"
        else (shutil.which("newsroom") or f"{shlex.quote(sys.executable)} -m newsroom")
    )
    home = current.home.resolve()
    prefix = f"cd {shlex.quote(str(Path.cwd()))} && NEWSROOM_HOME={shlex.quote(str(home))} "
    ingest_log, run_log = (shlex.quote(str(home / name)) for name in ("ingest.log", "run.log"))
    typer.echo(f"*/{minutes} * * * * {prefix}{program} ingest --all >> {ingest_log} 2>&1")
    typer.echo(f"0 * * * * {prefix}{program} run --all --no-ingest >> {run_log} 2>&1")

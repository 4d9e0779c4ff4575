"""Benchmark: newsroom's feed ingestion against sequential feedparser.parse(url), on loopback.

    .venv/bin/python bench/ingest.py [--feeds 500] [--items 50] [--latency-ms 50] [--hosts 20]

Synthetic RSS feeds are served from a separate process on 127.0.0.1..127.0.0.N (never
the network); each answer waits --latency-ms to stand in for a round trip. newsroom
and the baseline each run in a fresh subprocess, so each one's peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import _feeds

GOAL_SPEEDUP = 10.0
GOAL_WARM_S = 2.0
GOAL_WARM_FEEDS = 500
GOAL_PEAK_MB = 300.0
NEWSROOM_LIMIT_S = 150.0
SERVER_START_LIMIT_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50, help="items per feed")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per response")
    parser.add_argument("--hosts", type=int, default=20, help="loopback addresses, 1-254")
    parser.add_argument(
        "--baseline-limit-s",
        type=float,
        default=120.0,
        help="stop the baseline after this long and extrapolate its time from the feeds done",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of newsroom's cold ingest"
    )
    parser.add_argument("--worker", choices=["newsroom", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stats-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "newsroom":
        return _newsroom_worker(args)
    if args.worker == "baseline":
        return _baseline_worker(args)
    if args.feeds < 1 or args.items < 1 or args.latency_ms < 0 or not 1 <= args.hosts <= 254:
        parser.error("need --feeds >= 1, --items >= 1, --latency-ms >= 0, 1 <= --hosts <= 254")
    return _orchestrate(args)


# --- the orchestrator: server, workers, table -------------------------------------------


def _orchestrate(args: argparse.Namespace) -> int:
    _no_proxies(os.environ)
    started = time.perf_counter()
    _progress(f"generating and serving {args.feeds} feeds on {args.hosts} loopback hosts...")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(
        target=_feeds.serve,
        args=(args.feeds, args.items, args.hosts, args.latency_ms, theirs),
        daemon=True,
    )
    server.start()
    try:
        if not ours.poll(SERVER_START_LIMIT_S):
            print("error: the feed server did not start in time", file=sys.stderr)
            return 2
        addresses: list[tuple[str, int]] = ours.recv()
        stats_url = f"http://{addresses[0][0]}:{addresses[0][1]}{_feeds.STATS_PATH}"
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
            urls_file = Path(tmp) / "urls.json"
            urls_file.write_text(json.dumps(_feeds.feed_urls(addresses, args.feeds)))
            _progress("newsroom: cold ingest, then warm re-ingest (force)...")
            newsroom = _run_worker(
                "newsroom", args, urls_file, Path(tmp), NEWSROOM_LIMIT_S, stats_url
            )
            baseline: dict[str, Any] | None = None
            baseline_served: dict[str, int] = {}
            if not args.skip_baseline:
                _progress("baseline: sequential feedparser.parse(url)...")
                limit = args.baseline_limit_s + 30  # its own deadline stops it before this
                baseline = _run_worker("baseline", args, urls_file, Path(tmp), limit, stats_url)
                baseline_served = _server_counts(stats_url, reset=True)
    finally:
        ours.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()
    if newsroom is None:
        return 2
    ok = _print_report(args, addresses, newsroom, baseline, baseline_served)
    _progress(f"done in {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


def _run_worker(
    kind: str, args: argparse.Namespace, urls_file: Path, tmp: Path, limit_s: float, stats_url: str
) -> dict[str, Any] | None:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--urls",
        str(urls_file),
        "--stats-url",
        stats_url,
        "--items",
        str(args.items),
        "--baseline-limit-s",
        str(args.baseline_limit_s),
    ]
    if args.profile:
        command.append("--profile")
    # newsroom's own defaults: no NEWSROOM_* from this shell, no newsroom.toml (cwd is tmp).
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}
    workdir = tmp / kind
    workdir.mkdir()
    try:
        done = subprocess.run(
            command, cwd=workdir, env=env, stdout=subprocess.PIPE, text=True, timeout=limit_s
        )
    except subprocess.TimeoutExpired:
        print(f"error: the {kind} run took more than {limit_s:.0f} s; stopped", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"error: the {kind} run failed (exit {done.returncode})", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _server_counts(stats_url: str, *, reset: bool) -> dict[str, int]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(stats_url + ("?reset" if reset else ""), timeout=10) as response:
        counts: dict[str, int] = json.loads(response.read())
        return counts


def _print_report(
    args: argparse.Namespace,
    addresses: list[tuple[str, int]],
    newsroom: dict[str, Any],
    baseline: dict[str, Any] | None,
    baseline_served: dict[str, int],
) -> bool:
    n = args.feeds
    total_items = n * args.items
    cold, warm = newsroom["cold"], newsroom["warm"]
    settings = newsroom["settings"]
    hosts = f"{addresses[0][0]}-{addresses[-1][0]}" if len(addresses) > 1 else addresses[0][0]
    latency = f"{args.latency_ms:g} ms"
    lines = [
        "newsroom ingest benchmark",
        f"  feeds      {n} feeds x {args.items} items = {total_items} items, RSS 2.0, "
        f"~{newsroom['mean_feed_kb']:.0f} KB each, no compression",
        f"  server     {len(addresses)} loopback hosts ({hosts}), threaded, in its own process",
        f"  latency    {latency} per response: the server sleeps that long before every "
        "answer (304s too)",
        "             to simulate a network round trip; the baseline pays it too",
        f"  newsroom   max_concurrency={settings['max_concurrency']}, "
        f"per_host_concurrency={settings['per_host_concurrency']}"
        f", fetch_timeout={settings['fetch_timeout']:g} s"
        f"{' (the defaults)' if settings['are_defaults'] else ' (NOT the defaults)'}",
        "             real ingest_topics into a fresh SQLite store (WAL) in a temp dir",
        f"  machine    Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()}",
        "",
        f"  {'run':<32} {'latency':>7} {'time':>9} {'items/s':>8} {'peak RSS':>8}   "
        "server saw",
        _row("newsroom cold ingest", latency, cold["seconds"], cold["new"],
             newsroom["peak_mb"], newsroom["served_cold"]),
        _row("newsroom warm re-ingest", latency, warm["seconds"], None, None,
             newsroom["served_warm"]),
    ]  # fmt: skip
    speedup: float | None = None
    if baseline:
        done = max(baseline["feeds_done"], 1)
        estimate = baseline["feeds_done"] < n
        seconds = baseline["seconds"] * n / done
        label = "baseline feedparser.parse(url)" + (" *" if estimate else "")
        lines.append(
            _row(label, latency, seconds, baseline["entries"] * n / done, baseline["peak_mb"],
                 baseline_served)
        )  # fmt: skip
        if estimate:
            lines.append(
                f"    * stopped by --baseline-limit-s after {baseline['feeds_done']}/{n} feeds "
                f"in {baseline['seconds']:.1f} s; its time is extrapolated"
            )
        speedup = seconds / cold["seconds"]
    lines += [
        "",
        f"  cold: {cold['new']} new items, {cold['failing']} feeds failing",
        f"  warm (force=True): {warm['not_modified']}/{warm['feeds']} feeds answered 304 "
        f"(If-None-Match), {warm['new'] + warm['updated']} items new or updated",
        f"  languages detected: {_languages(newsroom['languages'])}; "
        f"{newsroom['language_agreement'] * 100:.1f}% agree with the generated ones",
        f"  newsroom setup, not in the times: import {newsroom['import_s']:.2f} s, "
        f"open store + migrate {newsroom['open_s']:.2f} s; "
        f"RSS after imports {newsroom['rss_after_import_mb']:.0f} MB",
    ]
    if baseline:
        lines.append(
            f"  baseline: {baseline['entries']} entries from {baseline['feeds_done']} feeds, "
            f"{baseline['failed']} failed, nothing stored"
        )
    warm_label = f"warm re-ingest of {n} feeds < {GOAL_WARM_S:g} s"
    if n != GOAL_WARM_FEEDS:
        warm_label += f" (goal set for {GOAL_WARM_FEEDS})"
    goals = [
        (
            f"cold >= {GOAL_SPEEDUP:g}x faster than baseline",
            f"{speedup:.1f}x" if speedup else "not run",
            None if speedup is None else speedup >= GOAL_SPEEDUP,
        ),
        (warm_label, f"{warm['seconds']:.2f} s", warm["seconds"] < GOAL_WARM_S),
        (
            f"peak memory < {GOAL_PEAK_MB:g} MB",
            f"{newsroom['peak_mb']:.0f} MB",
            newsroom["peak_mb"] < GOAL_PEAK_MB,
        ),
    ]
    lines += ["", f"goals (latency {latency})"]
    for label, figure, passed in goals:
        verdict = "-" if passed is None else "PASS" if passed else "MISS"
        lines.append(f"  {label:<52} {figure:>8}  {verdict}")
    print("\n".join(lines), flush=True)
    sound = (
        cold["failing"] == 0
        and cold["new"] == total_items
        and warm["not_modified"] == n
        and newsroom["served_warm"].get("304", 0) == n
        and (baseline is None or baseline["failed"] == 0)
    )
    if not sound:
        print("\nwarning: the run was not clean (failures or unexpected counts); see above")
    return sound


def _row(
    label: str,
    latency: str,
    seconds: float,
    items: float | None,
    peak_mb: float | None,
    served: dict[str, int],
) -> str:
    rate = f"{items / seconds:,.0f}" if items else "-"
    peak = f"{peak_mb:.0f} MB" if peak_mb is not None else "-"
    return f"  {label:<32} {latency:>7} {seconds:>7.2f} s {rate:>8} {peak:>8}   {_served(served)}"


def _served(counts: dict[str, int]) -> str:
    """What the server counted: responses by status, and TCP connections opened."""
    statuses = [f"{n} x {status}" for status, n in sorted(counts.items()) if status.isdigit()]
    return f"{', '.join(statuses) or 'nothing'} over {counts.get('connections', 0)} connections"


def _languages(counts: dict[str, int]) -> str:
    return ", ".join(f"{language} {count}" for language, count in counts.items())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _no_proxies(env: Any) -> None:
    # Everything here is on loopback; a proxy from the shell must not see it.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):  # fmt: skip
        env.pop(name, None)


# --- the workers, each in its own process -------------------------------------------------


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _current_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_mb()


def _newsroom_worker(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    import logging

    from sqlalchemy import select

    from newsroom.config import Settings
    from newsroom.ingest.run import ingest_topics
    from newsroom.models import FeedSpec, Topic
    from newsroom.store.db import open_engine
    from newsroom.store.items import count_items
    from newsroom.store.schema import items

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import_s = time.perf_counter() - started
    rss_after_import = _current_mb()
    urls: list[str] = json.loads(args.urls.read_text())
    home = Path.cwd() / "home"
    settings = Settings(home=home, allow_private_networks=True)
    defaults = Settings.model_fields
    topic = Topic(
        name="bench",
        title="Benchmark",
        keywords=["news"],
        languages=_feeds.TOPIC_LANGUAGES,
        analyst="bench",
        feeds=[FeedSpec(url=url) for url in urls],
    )
    started = time.perf_counter()
    engine = open_engine(settings)
    open_s = time.perf_counter() - started

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    _server_counts(args.stats_url, reset=True)
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    cold = ingest_topics(engine, settings, [topic])
    if profiler:
        profiler.disable()
    cold_s = time.perf_counter() - started
    served_cold = _server_counts(args.stats_url, reset=True)
    started = time.perf_counter()
    warm = ingest_topics(engine, settings, [topic], force=True)
    warm_s = time.perf_counter() - started
    served_warm = _server_counts(args.stats_url, reset=True)

    total, by_language = count_items(engine)
    with engine.connect() as connection:
        rows = connection.execute(select(items.c.guid, items.c.language)).all()
    agree = sum(
        language == _feeds.feed_language(_feeds.feed_index_of_guid(guid)) for guid, language in rows
    )
    if profiler:
        _print_profile(profiler)
    result = {
        "import_s": import_s,
        "open_s": open_s,
        "rss_after_import_mb": rss_after_import,
        "peak_mb": _peak_mb(),
        "mean_feed_kb": _mean_feed_kb(len(urls), args.items),
        "settings": {
            "max_concurrency": settings.max_concurrency,
            "per_host_concurrency": settings.per_host_concurrency,
            "fetch_timeout": settings.fetch_timeout,
            "are_defaults": all(
                getattr(settings, name) == defaults[name].default
                for name in ("max_concurrency", "per_host_concurrency", "fetch_timeout")
            ),
        },
        "served_cold": served_cold,
        "served_warm": served_warm,
        "cold": {"seconds": cold_s, **cold.summary()},
        "warm": {"seconds": warm_s, **warm.summary()},
        "items_stored": total,
        "languages": by_language,
        "language_agreement": agree / max(len(rows), 1),
    }
    print(json.dumps(result))
    return 0


def _mean_feed_kb(feeds: int, items: int) -> float:
    # Regenerated here rather than fetched, so it costs no request the server would count.
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    sizes = [len(_feeds.feed_document(i, items, published=now)) for i in range(min(feeds, 20))]
    return sum(sizes) / len(sizes) / 1024


def _print_profile(profiler: Any) -> None:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print("cProfile of newsroom's cold ingest (times inflated by the profiler):", file=sys.stderr)
    print(out.getvalue(), file=sys.stderr)


def _baseline_worker(args: argparse.Namespace) -> int:
    import feedparser

    urls: list[str] = json.loads(args.urls.read_text())
    _server_counts(args.stats_url, reset=True)
    deadline = time.perf_counter() + args.baseline_limit_s
    entries = failed = done = 0
    started = time.perf_counter()
    for url in urls:
        document = feedparser.parse(url)
        if document.get("status") != 200 or not document.entries:
            failed += 1
        entries += len(document.entries)
        done += 1
        if time.perf_counter() > deadline:
            break
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "feeds_done": done,
        "entries": entries,
        "failed": failed,
        "peak_mb": _peak_mb(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

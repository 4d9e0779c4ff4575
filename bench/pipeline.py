"""Benchmark the desk: N stories against a scripted OpenAI-speaking server with latency,
and the offline demo run end to end.

    .venv/bin/python bench/pipeline.py [--stories 20] [--latency-ms 200] [--concurrency 8]
                                      [--workers 1,2,4 [--worker-stories 40]]

Prints wall time, LLM calls and tokens per story, and wall time against two ideals:
the longest chain of sequential calls (latency x calls on one story's path, plus intake),
and the best schedule the concurrency cap allows (the same chain, with the stories in
waves of `concurrency`). Needs no network: the server and the feeds are local.
With --workers, also the same desk on that many `newsroom worker` processes sharing
PostgreSQL (bench/_workers.py): stories per minute for each, and the scaling ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the scripted server and stand-in model live there

from desk_responder import DeskModel  # noqa: E402
from openai_server import OpenAIServer  # noqa: E402

from newsroom.config import Settings  # noqa: E402
from newsroom.llm.factory import make_llm  # noqa: E402
from newsroom.models import FeedSpec, ParsedItem  # noqa: E402
from newsroom.models.run import RunOptions  # noqa: E402
from newsroom.pipeline.run import start_run  # noqa: E402
from newsroom.store.db import open_engine  # noqa: E402
from newsroom.store.feeds import sync_feeds  # noqa: E402
from newsroom.store.items import save_items  # noqa: E402
from newsroom.store.schema import llm_calls  # noqa: E402

# One city per event, no two alike in their letters (Chernihiv and Chernivtsi clustered).
CITIES = ["Kharkiv", "Odesa", "Dnipro", "Lviv", "Sumy", "Poltava", "Chernihiv", "Mykolaiv",
          "Zhytomyr", "Vinnytsia", "Kherson", "Rivne", "Lutsk", "Uzhhorod", "Ternopil",
          "Cherkasy", "Kropyvnytskyi", "Khmelnytskyi", "Ivano-Frankivsk", "Kamianets-Podilskyi",
          "Kramatorsk", "Sloviansk", "Izium", "Kupiansk", "Bila Tserkva", "Kremenchuk",
          "Melitopol", "Berdiansk", "Nikopol", "Pavlohrad", "Brovary", "Konotop", "Shostka",
          "Uman", "Kovel", "Mukachevo", "Drohobych", "Kalush", "Fastiv", "Nizhyn",
          "Oleksandriia", "Enerhodar", "Pokrovsk", "Bakhmut", "Kostiantynivka", "Myrhorod",
          "Lubny", "Boryspil", "Irpin", "Bucha", "Okhtyrka", "Romny", "Korosten",
          "Berdychiv"]  # fmt: skip
OUTLETS = ["Bench Ledger", "Bench Wire", "Bench Observer"]
INTAKE_CHAIN = 2  # monitor, curator (English items need no translator)
STORY_CHAIN = 5  # researcher, analyst, fact checker, illustrator || copy editor, editor


def event_reports(n: int) -> list[str]:
    """Three outlets' wording of one event; its numbers and city make it one story."""
    city = CITIES[n % len(CITIES)]
    # No number is shared by two events (nor with the titles' #n): each is its own story.
    drones, missiles, wounded = 1000 + 17 * n, 50 + n, 211 + 3 * n
    return [
        f"Russia launched {drones} drones and {missiles} missiles at {city} overnight, "
        f"officials in Ukraine said. {wounded} people were wounded in {city}. Power was cut "
        f"to parts of the city while repair crews worked through the morning.",
        f"{wounded} people were wounded when {drones} drones and {missiles} missiles struck "
        f"{city}, Ukraine's regional governor said on Tuesday. Emergency services in {city} "
        f"said fires broke out in two districts.",
        f"Ukraine's air force said it tracked {drones} drones and {missiles} missiles aimed at "
        f"{city}. The strike on {city} wounded {wounded} people, according to the governor.",
    ]


def seed_store(settings: Settings, topic_file: Path, stories: int) -> None:
    store = open_engine(settings)
    now = datetime.now(UTC)
    feeds = sync_feeds(
        store,
        "bench",
        [FeedSpec(url=f"https://outlet{k}.bench.invalid/rss", name=name)
         for k, name in enumerate(OUTLETS)],
        now,
    )  # fmt: skip
    for k, feed in enumerate(feeds):
        items = []
        for n in range(stories):
            text = event_reports(n)[k]
            title = f"{OUTLETS[k]}: strike on {CITIES[n % len(CITIES)]} #{n}"
            items.append(
                ParsedItem(
                    key=hashlib.sha256(f"{feed.id}:{n}".encode()).hexdigest(),
                    guid=f"{k}-{n}",
                    url=f"https://outlet{k}.bench.invalid/{n}",
                    title=title,
                    summary=text,
                    content=text,
                    published_at=now - timedelta(hours=n),
                    language="en",
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
        save_items(store, feed.id, items, now)
    topic_file.write_text(
        yaml.safe_dump(
            {
                "name": "bench",
                "title": "Strikes on Ukraine",
                "keywords": ["Ukraine"],
                "languages": ["en"],
                "analyst": "viktor-petersen",
                "feeds": [],
            }
        )
    )


def bench_desk(stories: int, latency: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, OpenAIServer(latency=latency) as server:
        server.responder = DeskModel()
        settings = Settings(
            home=Path(tmp) / "home",
            llm_base_url=server.base_url,
            llm_api_key="bench",
            llm_concurrency=concurrency,
        )
        topic_file = Path(tmp) / "bench.yaml"
        seed_store(settings, topic_file, stories)
        store = open_engine(settings)
        llm = make_llm(settings, store)
        options = RunOptions(topic=str(topic_file), ingest=False, max_stories=stories,
                             concurrency=concurrency)  # fmt: skip
        started = time.perf_counter()
        record = start_run(settings, store, llm, options)
        wall = time.perf_counter() - started
        with store.connect() as connection:
            per_story = connection.execute(
                select(llm_calls.c.story_id, func.count(), func.sum(llm_calls.c.tokens_in),
                       func.sum(llm_calls.c.tokens_out))
                .where(llm_calls.c.run_id == record.id, llm_calls.c.story_id.is_not(None))
                .group_by(llm_calls.c.story_id)
            ).all()  # fmt: skip
    drafted = sum(1 for s in record.stories if s.headline)
    for story in record.stories:
        if not story.headline:
            print(f"  not drafted: {story.title} ({story.status.value}: {story.reason})")
    calls = [row[1] for row in per_story]
    tokens_in = [row[2] for row in per_story]
    tokens_out = [row[3] for row in per_story]
    chain = (INTAKE_CHAIN + STORY_CHAIN) * latency
    scheduled = (INTAKE_CHAIN + math.ceil(drafted / concurrency) * STORY_CHAIN) * latency
    print(f"desk: {stories} stories, {latency * 1000:.0f} ms a call, concurrency {concurrency}")
    print(f"  drafted                  {drafted} (run {record.status.value})")
    print(f"  wall time                {wall:.2f} s")
    print(f"  LLM calls per story      {statistics.mean(calls):.1f} (total {len(server.requests)})")
    print(f"  tokens per story         {statistics.mean(tokens_in):.0f} in, "
          f"{statistics.mean(tokens_out):.0f} out")  # fmt: skip
    print(f"  longest chain            {INTAKE_CHAIN + STORY_CHAIN} calls = {chain:.2f} s; "
          f"wall / chain = {wall / chain:.2f}")  # fmt: skip
    print(f"  best schedule at cap {concurrency}  {scheduled:.2f} s; "
          f"wall / best schedule = {wall / scheduled:.2f}  (goal <= 1.5)")  # fmt: skip
    print(f"  max requests in flight   {server.max_in_flight}")


def bench_offline_demo() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "newsroom", "run", "--topic", "ukraine", "--demo", "--json"],
            cwd=tmp, capture_output=True, text=True, check=False,
            env={"NEWSROOM_HOME": str(Path(tmp) / "home"), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        wall = time.perf_counter() - started
    status = "ok" if result.returncode == 0 else f"exit {result.returncode}"
    print(f"offline demo run (ingest + draft, new process): {wall:.2f} s, {status} (goal < 20 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", help="Worker counts on PostgreSQL, e.g. 1,2,4.")
    parser.add_argument("--worker-stories", type=int, default=40)
    args = parser.parse_args()
    bench_desk(args.stories, args.latency_ms / 1000, args.concurrency)
    bench_offline_demo()
    if args.workers:
        from _workers import bench_workers

        def server() -> OpenAIServer:
            running = OpenAIServer(latency=args.latency_ms / 1000)
            running.responder = DeskModel()
            return running

        counts = [int(n) for n in args.workers.split(",")]
        bench_workers(counts, args.worker_stories, args.latency_ms / 1000, seed_store, server)


if __name__ == "__main__":
    main()

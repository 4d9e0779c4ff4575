"""Shared fixtures: settings in a temp home, a real store, a real local HTTP feed server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from newsroom.config import Settings
from newsroom.models import Topic
from newsroom.store.db import open_engine

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # seconds between 1-byte chunks: a slow-drip server


Route = Callable[[dict[str, str]], Reply] | Reply


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


class FeedServer:
    """A real HTTP server on 127.0.0.1:0 whose answers a test sets per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(SeenRequest(self.path, headers))
                route = server.routes.get(self.path)
                reply = (
                    Reply(404, b"not found")
                    if route is None
                    else route(headers)
                    if callable(route)
                    else route
                )
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.drip:
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        for byte in reply.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.drip)
                        return
                    if "content-length" not in {k.lower() for k in reply.headers}:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[SeenRequest]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path / "home",
        allow_private_networks=True,
        fetch_timeout=3,
        max_body_bytes=1024 * 1024,
    )


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return open_engine(settings)


def data_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def make_topic(urls: list[str], name: str = "testtopic", **extra: object) -> Topic:
    return Topic.model_validate(
        {
            "name": name,
            "title": "Test topic",
            "keywords": ["Ukraine"],
            "languages": ["en", "uk", "ru", "de"],
            "analyst": "viktor-petersen",
            "feeds": [{"url": url} for url in urls],
            **extra,
        }
    )


def write_topic(directory: Path, topic: Topic) -> Path:
    path = directory / f"{topic.name}.yaml"
    path.write_text(yaml.safe_dump(topic.model_dump(exclude_none=True)), encoding="utf-8")
    return path


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `newsroom` command in a subprocess, as a user or cron would."""
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")},
        "NEWSROOM_HOME": str(cwd / "home"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "newsroom", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def rss(
    items: list[dict[str, str]],
    *,
    title: str = "Test feed",
    language: str = "en",
    encoding: str = "utf-8",
    ttl: int | None = None,
) -> bytes:
    """An RSS 2.0 document; each item dict may have title, link, guid, description, pubDate."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.org/</link>",
        f"<description>test</description><language>{language}</language>",
    ]
    if ttl is not None:
        parts.append(f"<ttl>{ttl}</ttl>")
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "guid", "pubDate", "author"):
            if tag in item:
                parts.append(f"<{tag}>{item[tag]}</{tag}>")
        if "description" in item:
            parts.append(f"<description><![CDATA[{item['description']}]]></description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def news_items(count: int, *, prefix: str = "item") -> list[dict[str, str]]:
    return [
        {
            "title": f"Ukraine news {prefix} {n}",
            "link": f"https://example.org/{prefix}/{n}",
            "guid": f"{prefix}-{n}",
            "pubDate": f"Mon, {10 + n % 18:02d} Nov 2026 08:00:00 GMT",
            "description": f"Officials in Kyiv said on Monday that report {n} of {prefix} was "
            "confirmed by several independent observers in the region.",
        }
        for n in range(count)
    ]


class QuietHTTPServer(ThreadingHTTPServer):
    """A test server that does not print a traceback when a client hangs up on purpose
    (a timeout, a body cap): those resets are the behaviour under test, not errors."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

"""The demo corpus: shipped feed files served by an httpx transport, so `--demo` runs the
same fetch, parse and store code as real feeds, with no network."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path

import httpx
import yaml
from pydantic import BaseModel, ValidationError

from newsroom.errors import ConfigError
from newsroom.models import FeedSpec
from newsroom.resources import data_dirs


class DemoFeed(BaseModel):
    url: str
    file: str
    name: str
    language: str
    content_type: str


class DemoPage(BaseModel):
    url: str
    file: str


class DemoCorpus(BaseModel):
    directory: Path
    feeds: list[DemoFeed]
    pages: list[DemoPage] = []

    @cached_property
    def files_by_url(self) -> dict[str, tuple[Path, str]]:
        served = {f.url: (self.directory / f.file, f.content_type) for f in self.feeds}
        for page in self.pages:
            served[page.url] = (self.directory / page.file, "text/html; charset=utf-8")
        return served

    def feed_specs(self) -> list[FeedSpec]:
        return [FeedSpec(url=f.url, name=f.name, language=f.language) for f in self.feeds]


def load_demo_corpus() -> DemoCorpus:
    for sources in data_dirs("sources"):
        manifest = sources / "demo" / "feeds.yaml"
        if manifest.is_file():
            try:
                data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
                return DemoCorpus.model_validate({**data, "directory": manifest.parent})
            except (yaml.YAMLError, ValidationError) as exc:
                raise ConfigError(f"{manifest}: invalid demo manifest: {exc}") from exc
    raise ConfigError("the demo corpus (sources/demo/feeds.yaml) is missing from this install")


class DemoTransport(httpx.AsyncBaseTransport):
    """Answers GETs for the corpus' URLs from its files, with ETags so re-runs get 304."""

    def __init__(self, corpus: DemoCorpus) -> None:
        self._corpus = corpus

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        served = self._corpus.files_by_url.get(str(request.url))
        if served is None or not served[0].is_file():
            return httpx.Response(404, text="not in the demo corpus")
        path, content_type = served
        body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(
            200, content=body, headers={"Content-Type": content_type, "ETag": etag}
        )

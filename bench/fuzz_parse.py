"""Coverage-guided fuzzing of the feed parsing path with atheris (libFuzzer for Python).

atheris is not a dependency of newsroom: install it beside the project to use this.

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz_parse.py -max_total_time=300         # five minutes
    .venv/bin/python bench/fuzz_parse.py crash-<hash>                  # replay one finding

The demo feeds (sources/demo) seed the corpus unless a corpus directory is given. A crash
is anything parse_feed raises other than FeedError, or text that keeps a tag, an event
handler or a control character; libFuzzer writes the input to crash-<hash> and stops.
The bounded-time fuzz that CI runs is tests/test_fuzz_parse.py (hypothesis).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["newsroom", "feedparser", "feedparser_sgmllib"]):
    from newsroom.errors import FeedError
    from newsroom.ingest.parse import parse_feed

DEMO = Path(__file__).resolve().parent.parent / "sources" / "demo"
TAG = re.compile(r"<[A-Za-z/!?]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
CONTENT_TYPES = [None, "application/rss+xml", "application/atom+xml", "text/html; charset=koi8-r"]


def test_one_input(data: bytes) -> None:
    content_type = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)] if data else None
    try:
        parsed = parse_feed(data[1:], feed_id=1, content_type=content_type, languages=["en", "uk"])
    except FeedError:
        return
    for item in parsed.items:
        for text in (item.title, item.summary, item.content, item.author or ""):
            text.encode("utf-8")
            if TAG.search(text) or CONTROL.search(text):
                raise AssertionError(f"markup or a control character kept: {text[:200]!r}")


def seed_corpus() -> str:
    """A temporary directory of the demo feeds, each prefixed with a content-type byte."""
    directory = Path(tempfile.mkdtemp(prefix="newsroom-fuzz-"))
    feeds = [p for p in sorted(DEMO.iterdir()) if p.suffix in (".xml", ".rdf")]
    for index, path in enumerate(feeds):
        (directory / path.name).write_bytes(bytes([index % len(CONTENT_TYPES)]) + path.read_bytes())
    return str(directory)


def main() -> None:
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(seed_corpus())
    if not any(a.startswith("-max_len") for a in args):
        args.append("-max_len=65536")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

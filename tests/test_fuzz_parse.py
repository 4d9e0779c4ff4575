"""Fuzzing the feed parsing path for a bounded time: real demo feeds, mutated byte-wise and
with hostile tokens spliced in, must parse to plain valid text or raise FeedError.

About 10 s in CI (800 examples). For a longer run:
    NEWSROOM_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -n 0 tests/test_fuzz_parse.py
(or the coverage-guided harness, bench/fuzz_parse.py, where atheris is installed).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.errors import FeedError
from newsroom.ingest.parse import parse_feed

DEMO = Path(__file__).parent.parent / "sources" / "demo"
FEEDS = [path.read_bytes() for path in sorted(DEMO.iterdir()) if path.suffix in (".xml", ".rdf")]
EXAMPLES = int(os.environ.get("NEWSROOM_FUZZ_EXAMPLES", "800"))
TAG = re.compile(r"<[A-Za-z/!?]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

TOKENS = [
    b'<!DOCTYPE rss [<!ENTITY a "AAAAAAAAAAAAAAAA">]>', b"<!ENTITY b \"&a;&a;&a;\">", b"&a;",
    b"&#0;", b"&#27;", b"&#xD800;", b"&#1114112;", b"<![CDATA[", b"]]>", b"<script>alert(1)",
    b"</script>", b"&lt;script&gt;", b"&amp;lt;img src=x onerror=alert(1)&amp;gt;", b"<item>",
    b"</item>", b"<entry>", b"</entry>", b"<title>", b"</title>", b"<description>", b"\xff\xfe",
    b"\xfe\xff\x00<", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\x1b[2J",
    b'<?xml version="1.0" encoding="utf-16"?>', b'encoding="koi8-r"', b"xml:base=\"javascript:\"",
    b"<pubDate>Thu, 31 Feb 99999 25:61:61 +9999</pubDate>", b"<ttl>-99999999999999999999</ttl>",
]  # fmt: skip


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(FEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(body)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "token", "cut"]))
        if kind == "flip" and at < len(body):
            body[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del body[at : at + draw(st.integers(1, 256))]
        elif kind == "repeat":
            body[at:at] = body[at : at + draw(st.integers(1, 512))] * draw(st.integers(2, 20))
        elif kind == "token":
            body[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "cut":
            del body[at:]
    return bytes(body)


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=5000,  # ms for one parse: a mutation that makes parsing crawl is a finding
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_feeds(), st.sampled_from([None, "application/rss+xml", "text/html; charset=koi8-r"]))
def test_mutated_real_feeds_parse_to_plain_text_or_a_feed_error(body, content_type):
    try:
        parsed = parse_feed(body, feed_id=3, content_type=content_type, languages=["en", "uk"])
    except FeedError:
        return
    for item in parsed.items:
        for text in (item.title, item.summary, item.content, item.author or ""):
            text.encode("utf-8")
            assert not TAG.search(text) and not CONTROL.search(text), text
        assert len(item.key) == 64
    assert parsed.title is None or not TAG.search(parsed.title)

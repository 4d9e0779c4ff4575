"""The shipped demo corpus ingests through the same HTTP code as real feeds."""

from __future__ import annotations

from sqlalchemy import select

from newsroom.ingest.demo import load_demo_corpus
from newsroom.ingest.run import ingest_topics
from newsroom.models import FeedStatus
from newsroom.store.feeds import list_feeds
from newsroom.store.schema import items
from newsroom.store.status import store_status
from newsroom.topics import load_topic


def test_the_whole_demo_corpus_ingests(engine, settings):
    report = ingest_topics(engine, settings, [load_topic("ukraine")], demo=True, full_text=True)

    status = store_status(engine)
    assert report.failing == 0
    assert status.items >= 60
    assert set(status.items_by_language) == {"en", "uk", "ru", "de"}
    assert report.full_text_fetched == len(load_demo_corpus().pages)


def test_demo_feeds_cover_rss_atom_and_rdf_with_one_malformed():
    corpus = load_demo_corpus()
    suffixes = {feed.file.rsplit(".", 1)[-1] for feed in corpus.feeds}
    bodies = [(corpus.directory / feed.file).read_bytes() for feed in corpus.feeds]

    assert {"xml", "rdf"} <= suffixes
    assert any(b"<feed" in body and b"http://www.w3.org/2005/Atom" in body for body in bodies)
    assert all("(demo)" in feed.name for feed in corpus.feeds)


def test_malformed_demo_feed_is_recorded_and_the_rest_ingest(engine, settings):
    ingest_topics(engine, settings, [load_topic("ukraine")], demo=True)

    warned = [f for f in list_feeds(engine) if f.parse_warning]
    assert [f.name for f in warned] == ["Broken Wire (demo)"]
    assert all(f.error_count == 0 for f in list_feeds(engine))


def test_planted_script_never_reaches_the_store(engine, settings):
    ingest_topics(engine, settings, [load_topic("ukraine")], demo=True)

    with engine.connect() as connection:
        texts = connection.execute(select(items.c.title, items.c.summary, items.c.content)).all()
    joined = "\n".join("\n".join(row) for row in texts)
    assert "<script" not in joined and "onerror" not in joined and "alert(" not in joined


def test_second_demo_ingest_is_all_not_modified(engine, settings):
    topic = load_topic("ukraine")
    ingest_topics(engine, settings, [topic], demo=True)

    second = ingest_topics(engine, settings, [topic], demo=True)

    assert {o.status for o in second.outcomes} == {FeedStatus.NOT_MODIFIED}
    assert second.new == 0


def test_cp1251_demo_feed_comes_out_in_cyrillic(engine, settings):
    ingest_topics(engine, settings, [load_topic("ukraine")], demo=True)

    with engine.connect() as connection:
        titles = connection.execute(select(items.c.title).where(items.c.language == "ru")).scalars()
        assert all(any("а" <= ch <= "я" for ch in title.lower()) for title in titles)


def test_ukraine_topic_lists_real_feeds_in_six_languages():
    topic = load_topic("ukraine")

    assert len(topic.feeds) >= 12
    assert {f.language for f in topic.feeds} >= {"en", "uk", "ru", "de", "fr", "pl"}
    assert topic.analyst == "viktor-petersen"

"""Ingestion against a real local HTTP server: conditional GET, redirects, failures, encodings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import FeedServer, Reply, make_topic, news_items, rss
from sqlalchemy import Engine, select

from newsroom.config import Settings
from newsroom.ingest.run import ingest_topics
from newsroom.models import FeedStatus
from newsroom.store.feeds import list_feeds
from newsroom.store.schema import items


def stored_items(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(items).order_by(items.c.id))]


def ingest(engine: Engine, settings: Settings, *urls: str, force: bool = True, **kw: object):
    return ingest_topics(engine, settings, [make_topic(list(urls))], force=force, **kw)


def serve_feed(server: FeedServer, path: str, body: bytes, **headers: str) -> str:
    server.routes[path] = Reply(
        body=body, headers={"Content-Type": "application/rss+xml", **headers}
    )
    return server.url(path)


def test_new_items_are_stored(feed_server, engine, settings):
    url = serve_feed(feed_server, "/feed.xml", rss(news_items(3)))

    report = ingest(engine, settings, url)

    assert report.new == 3
    rows = stored_items(engine)
    assert [r["title"] for r in rows] == [f"Ukraine news item {n}" for n in range(3)]
    assert rows[0]["url"] == "https://example.org/item/0"
    assert rows[0]["language"] == "en"
    assert rows[0]["published_at"].tzinfo is not None


def test_second_ingest_sends_etag_and_stores_nothing(feed_server, engine, settings):
    body = rss(news_items(3))

    def conditional(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(
            body=body,
            headers={
                "Content-Type": "application/rss+xml",
                "ETag": '"v1"',
                "Last-Modified": "Mon, 23 Nov 2026 08:00:00 GMT",
            },
        )

    feed_server.routes["/feed.xml"] = conditional
    url = feed_server.url("/feed.xml")
    ingest(engine, settings, url)

    second = ingest(engine, settings, url)

    sent = feed_server.requests_to("/feed.xml")[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 23 Nov 2026 08:00:00 GMT"
    assert second.outcomes[0].status == FeedStatus.NOT_MODIFIED
    assert second.new == 0
    assert len(stored_items(engine)) == 3


def test_updated_entry_is_detected_and_stored_once(feed_server, engine, settings):
    entries = news_items(2)
    url = serve_feed(feed_server, "/feed.xml", rss(entries))
    ingest(engine, settings, url)
    entries[1]["description"] = "Officials corrected the figures: 12 people were evacuated."
    serve_feed(feed_server, "/feed.xml", rss(entries))

    report = ingest(engine, settings, url)

    assert (report.new, report.updated) == (0, 1)
    rows = stored_items(engine)
    assert len(rows) == 2
    assert rows[1]["summary"] == "Officials corrected the figures: 12 people were evacuated."
    assert rows[1]["updated_at"] is not None


def test_permanent_redirect_updates_the_stored_url(feed_server, engine, settings):
    new_url = serve_feed(feed_server, "/new.xml", rss(news_items(1)))
    feed_server.routes["/old.xml"] = Reply(301, headers={"Location": new_url})

    report = ingest(engine, settings, feed_server.url("/old.xml"))

    assert report.new == 1
    (feed,) = list_feeds(engine)
    assert feed.url == new_url
    assert feed.source_url == feed_server.url("/old.xml")


def test_temporary_redirect_keeps_the_stored_url(feed_server, engine, settings):
    target = serve_feed(feed_server, "/today.xml", rss(news_items(1)))
    feed_server.routes["/feed.xml"] = Reply(302, headers={"Location": target})

    ingest(engine, settings, feed_server.url("/feed.xml"))

    assert list_feeds(engine)[0].url == feed_server.url("/feed.xml")


def test_gone_feed_is_disabled(feed_server, engine, settings):
    feed_server.routes["/gone.xml"] = Reply(410)

    report = ingest(engine, settings, feed_server.url("/gone.xml"))

    assert report.outcomes[0].status == FeedStatus.DISABLED
    (feed,) = list_feeds(engine)
    assert feed.disabled and "410" in (feed.disabled_reason or "")


def test_server_error_is_recorded_with_backoff_and_other_feeds_go_on(feed_server, engine, settings):
    feed_server.routes["/broken.xml"] = Reply(500, b"oops")
    good = serve_feed(feed_server, "/good.xml", rss(news_items(2)))
    before = datetime.now(UTC)

    report = ingest(engine, settings, feed_server.url("/broken.xml"), good)

    assert report.new == 2
    broken = next(f for f in list_feeds(engine) if f.url.endswith("/broken.xml"))
    assert broken.error_count == 1
    assert broken.last_error == "HTTP 500 Internal Server Error"
    assert broken.next_check_at >= before + timedelta(minutes=settings.fetch_interval_minutes)

    ingest(engine, settings, feed_server.url("/broken.xml"), good)
    broken = next(f for f in list_feeds(engine) if f.url.endswith("/broken.xml"))
    assert broken.error_count == 2
    # Exponential: the second failure waits twice the interval.
    assert broken.next_check_at >= datetime.now(UTC) + timedelta(
        minutes=2 * settings.fetch_interval_minutes - 1
    )


def test_retry_after_on_429_sets_the_next_check(feed_server, engine, settings):
    feed_server.routes["/busy.xml"] = Reply(429, headers={"Retry-After": "7200"})

    ingest(engine, settings, feed_server.url("/busy.xml"))

    (feed,) = list_feeds(engine)
    assert feed.last_error == "HTTP 429 Too Many Requests"
    assert feed.next_check_at >= datetime.now(UTC) + timedelta(seconds=7100)


def test_rss_ttl_and_cache_control_delay_the_next_check(feed_server, engine, settings):
    ttl_url = serve_feed(feed_server, "/ttl.xml", rss(news_items(1), ttl=120))
    cached_url = serve_feed(
        feed_server,
        "/cached.xml",
        rss(news_items(1, prefix="c")),
        **{"Cache-Control": "public, max-age=10800"},
    )

    ingest(engine, settings, ttl_url, cached_url)

    now = datetime.now(UTC)
    by_url = {f.url: f for f in list_feeds(engine)}
    assert by_url[ttl_url].next_check_at >= now + timedelta(minutes=119)
    assert by_url[cached_url].next_check_at >= now + timedelta(minutes=179)


def test_timeout_is_recorded(feed_server, engine, settings):
    feed_server.routes["/slow.xml"] = Reply(body=rss(news_items(1)), delay=2.5)
    fast = settings.model_copy(update={"fetch_timeout": 0.5})

    report = ingest(engine, fast, feed_server.url("/slow.xml"))

    assert report.outcomes[0].status == FeedStatus.FAILED
    assert "timed out" in list_feeds(engine)[0].last_error


def test_slow_drip_body_is_cut_by_the_total_timeout(feed_server, engine, settings):
    feed_server.routes["/drip.xml"] = Reply(body=rss(news_items(3)), drip=0.01)
    fast = settings.model_copy(update={"fetch_timeout": 0.5})

    report = ingest(engine, fast, feed_server.url("/drip.xml"))

    assert report.outcomes[0].status == FeedStatus.FAILED
    assert "timed out" in (report.outcomes[0].error or "")


def test_oversized_body_is_refused(feed_server, engine, settings):
    huge = rss(news_items(1)) + b"<!--" + b"x" * (2 * 1024 * 1024) + b"-->"
    feed_server.routes["/huge.xml"] = Reply(body=huge)
    # The same body without a Content-Length: the cap must hold while streaming too.
    feed_server.routes["/chunked.xml"] = Reply(
        body=huge, headers={"Content-Length": str(len(huge))}, drip=0
    )

    report = ingest(engine, settings, feed_server.url("/huge.xml"))

    assert report.outcomes[0].status == FeedStatus.FAILED
    assert "cap" in (report.outcomes[0].error or "")
    assert stored_items(engine) == []


def test_redirect_loop_is_recorded(feed_server, engine, settings):
    feed_server.routes["/a.xml"] = Reply(302, headers={"Location": feed_server.url("/b.xml")})
    feed_server.routes["/b.xml"] = Reply(302, headers={"Location": feed_server.url("/a.xml")})

    report = ingest(engine, settings, feed_server.url("/a.xml"))

    assert "redirects" in (report.outcomes[0].error or "")


def test_malformed_feed_keeps_what_parses_and_records_the_problem(feed_server, engine, settings):
    good = rss(news_items(2)).decode().replace("</channel></rss>", "")
    broken = (good + "<item><title>Cut & off <b>here</item>").encode()
    url = serve_feed(feed_server, "/broken.xml", broken)

    report = ingest(engine, settings, url)

    assert report.new >= 2
    (feed,) = list_feeds(engine)
    assert feed.error_count == 0
    assert "malformed feed" in (feed.parse_warning or "")


def test_html_page_instead_of_a_feed_is_a_failure(feed_server, engine, settings):
    feed_server.routes["/page"] = Reply(
        body=b"<html><body><h1>Welcome</h1><p>Not a feed</p></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )

    report = ingest(engine, settings, feed_server.url("/page"))

    assert report.outcomes[0].status == FeedStatus.FAILED
    assert "not a feed (served as text/html" in (list_feeds(engine)[0].last_error or "")


def test_feed_with_wrong_content_type_is_parsed_with_a_warning(feed_server, engine, settings):
    feed_server.routes["/plain"] = Reply(
        body=rss(news_items(2)), headers={"Content-Type": "text/plain"}
    )

    report = ingest(engine, settings, feed_server.url("/plain"))

    assert report.new == 2
    assert "served as text/plain" in (list_feeds(engine)[0].parse_warning or "")


def test_cp1251_feed_is_decoded(feed_server, engine, settings):
    entries = [
        {
            "title": "Киев: восстановлено электроснабжение",
            "guid": "ru-1",
            "description": "Энергетики восстановили подачу света в большинстве районов "
            "столицы Украины после ночной атаки.",
        }
    ]
    body = rss(entries, encoding="windows-1251", language="ru")
    assert "Киев".encode("cp1251") in body
    url = serve_feed(
        feed_server,
        "/ru.xml",
        body,
        **{"Content-Type": "application/rss+xml; charset=windows-1251"},
    )

    ingest(engine, settings, url)

    (row,) = stored_items(engine)
    assert row["title"] == "Киев: восстановлено электроснабжение"
    assert row["language"] == "ru"


def test_xml_declaration_encoding_is_used_when_http_names_none(feed_server, engine, settings):
    body = rss([{"title": "Удар по Києву", "guid": "uk-1"}], encoding="windows-1251")
    feed_server.routes["/uk.xml"] = Reply(body=body, headers={"Content-Type": "application/xml"})

    ingest(engine, settings, feed_server.url("/uk.xml"))

    assert stored_items(engine)[0]["title"] == "Удар по Києву"


def test_html_in_items_is_sanitized_to_text(feed_server, engine, settings):
    entries = [
        {
            "guid": "x",
            "title": "Kyiv <b>update</b>",
            "description": "<p>First <a href='https://example.org'>paragraph</a>.</p>"
            "<script>alert('xss')</script><img src=x onerror=alert(1)><p>Second.</p>",
        }
    ]
    url = serve_feed(feed_server, "/html.xml", rss(entries))

    ingest(engine, settings, url)

    (row,) = stored_items(engine)
    assert row["title"] == "Kyiv update"
    assert row["summary"] == "First paragraph.\nSecond."
    assert "alert" not in row["content"] and "<" not in row["content"]


def test_items_without_guid_are_keyed_by_link_then_title_and_date(feed_server, engine, settings):
    entries = [
        {"title": "By link", "link": "https://example.org/a"},
        {"title": "By title", "pubDate": "Mon, 23 Nov 2026 08:00:00 GMT"},
    ]
    url = serve_feed(feed_server, "/keys.xml", rss(entries))
    ingest(engine, settings, url)

    second = ingest(engine, settings, url)

    assert second.new == 0
    assert len(stored_items(engine)) == 2


def test_languages_are_detected_per_item(feed_server, engine, settings):
    entries = [
        {"guid": "de", "title": "Deutschland liefert weitere Flugabwehrsysteme an die Ukraine"},
        {"guid": "uk", "title": "Україна отримала нові системи протиповітряної оборони"},
    ]
    url = serve_feed(feed_server, "/mixed.xml", rss(entries, language="en"))

    ingest(engine, settings, url)

    assert [r["language"] for r in stored_items(engine)] == ["de", "uk"]


def test_feeds_not_yet_due_are_skipped(feed_server, engine, settings):
    url = serve_feed(feed_server, "/feed.xml", rss(news_items(1)))
    ingest(engine, settings, url, force=False)

    second = ingest(engine, settings, url, force=False)

    assert second.outcomes == []
    assert len(feed_server.requests_to("/feed.xml")) == 1


def test_feed_is_disabled_after_repeated_failures(feed_server, engine, settings):
    feed_server.routes["/down.xml"] = Reply(503)
    strict = settings.model_copy(update={"max_feed_failures": 3})

    for _ in range(3):
        report = ingest(engine, strict, feed_server.url("/down.xml"))

    assert report.outcomes[0].status == FeedStatus.DISABLED
    (feed,) = list_feeds(engine)
    assert feed.disabled and "3 failures in a row" in (feed.disabled_reason or "")
    assert ingest(engine, strict, feed_server.url("/down.xml")).outcomes == []


def test_private_addresses_are_refused_by_default(feed_server, engine, settings):
    url = serve_feed(feed_server, "/feed.xml", rss(news_items(1)))
    public_only = settings.model_copy(update={"allow_private_networks": False})

    report = ingest(engine, public_only, url)

    assert report.outcomes[0].status == FeedStatus.FAILED
    assert "NEWSROOM_ALLOW_PRIVATE_NETWORKS" in (report.outcomes[0].error or "")
    assert feed_server.requests == []


def test_redirect_to_a_private_address_is_refused(engine, settings):
    from newsroom.ingest.guard import is_public

    assert not is_public("127.0.0.1")
    assert not is_public("10.1.2.3")
    assert not is_public("192.168.0.10")
    assert not is_public("::1")
    assert not is_public("::ffff:127.0.0.1")
    assert not is_public("169.254.169.254")
    assert is_public("93.184.216.34")


def test_user_agent_and_accept_are_sent(feed_server, engine, settings):
    url = serve_feed(feed_server, "/feed.xml", rss(news_items(1)))

    ingest(engine, settings, url)

    headers = feed_server.requests_to("/feed.xml")[0].headers
    assert headers["user-agent"].startswith("newsroom/")
    assert "application/rss+xml" in headers["accept"]


def test_full_text_is_fetched_for_new_items_only(feed_server, engine, settings):
    article = (
        "<html><head><title>Story</title></head><body><nav>Home | World | Sport</nav>"
        "<article><h1>Grid repaired</h1>"
        + "".join(
            f"<p>Engineers in Kyiv restored power to district {n} after the overnight attack, "
            "the city administration said in a statement on Tuesday morning.</p>"
            for n in range(8)
        )
        + "</article><footer>Copyright</footer></body></html>"
    ).encode()
    feed_server.routes["/story.html"] = Reply(
        body=article, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    entries = [{"guid": "s", "title": "Grid repaired", "link": feed_server.url("/story.html")}]
    url = serve_feed(feed_server, "/feed.xml", rss(entries))

    first = ingest(engine, settings, url, full_text=True)
    ingest(engine, settings, url, full_text=True)

    assert first.full_text_fetched == 1
    assert len(feed_server.requests_to("/story.html")) == 1
    text = stored_items(engine)[0]["full_text"]
    assert "restored power to district 7" in text
    assert "Copyright" not in text

"""The web page in a real headless Chromium, against `newsroom serve` in a subprocess."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from newsroom.config import Settings
from newsroom.store.db import open_engine
from newsroom.store.desk import list_drafts
from newsroom.store.schema import feeds

from .helpers import PASSWORD, Server, artifact, plant

CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium as CI runs it: no sandbox (root in a container), no GPU, no network
# chatter of its own (the machine reaches nothing but package registries).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Each tries to leave a mark if it ever runs; `alert` would also open a dialog.
PAYLOAD = (
    '<script>window.__pwned = "script"; alert(1)</script>'
    "<img src=x onerror=\"window.__pwned = 'onerror'; alert(2)\">"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (.ci/install-browser.sh installs it)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose dialogs, console errors and script errors are recorded."""

    def __init__(self, browser: Any, base: str, *, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=base
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def log_in(self, name: str = "eve") -> None:
        self.page.goto("/")
        assert "/login" in self.page.url
        self.page.fill("#name", name)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("h1:text('Queue')")
        self.page.wait_for_load_state("load")  # keys.js is deferred: wait until it has run

    def pwned(self) -> Any:
        return self.page.evaluate("() => window.__pwned")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def server(home: Path) -> Iterator[Server]:
    running = Server(home)
    yield running
    running.stop()


def test_editor_requests_changes_sees_version_2_then_approves_and_sees_it_published(
    browser, server
):
    from playwright.sync_api import expect

    desk = Watched(browser, server.base)
    desk.log_in()
    expect(desk.page.locator(".draft-row")).to_have_count(10)
    desk.page.screenshot(path=artifact("queue.png"), full_page=True)

    desk.page.locator(".row-title", has_text="Bulk carrier").click()
    expect(desk.page.locator("#version")).to_have_text("Version 1")
    headline = desk.page.locator(".headline").inner_text()
    desk.page.screenshot(path=artifact("draft.png"), full_page=True)

    desk.page.fill("#changes-note", "Say where the ship was bound and what it carried.")
    desk.page.click("#changes-form button[type=submit]")
    expect(desk.page.locator(".notice.ok")).to_contain_text("Sent back to the analyst")
    # The revision runs after the answer; the page refreshes itself until it is back.
    expect(desk.page.locator("#version")).to_have_text("Version 2", timeout=30_000)
    expect(desk.page.locator("#history")).to_contain_text("Say where the ship was bound")
    desk.page.click("text=Diff")
    expect(desk.page.locator("h1")).to_have_text("What changed from version 1 to 2")
    assert desk.page.locator(".diff-added").count() > 0
    desk.page.screenshot(path=artifact("diff.png"), full_page=True)
    desk.page.go_back()

    desk.page.click("#approve-button")
    expect(desk.page.locator(".notice.ok")).to_have_text("Approved and published.")
    desk.page.click("nav.site-nav >> text=Published")
    desk.page.click(f".row-title >> text={headline[:30]}")
    expect(desk.page.locator(".headline")).to_have_text(headline)
    expect(desk.page.locator(".sources a").first).to_have_attribute("href", re.compile("^https://"))
    desk.page.screenshot(path=artifact("published.png"), full_page=True)

    assert desk.dialogs == [] and desk.errors == []
    desk.close()


def test_pages_fit_a_phone(browser, server):
    phone = Watched(browser, server.base, width=390, height=844)
    phone.log_in()
    phone.page.screenshot(path=artifact("queue-phone.png"), full_page=True)
    phone.page.locator(".row-title").first.click()
    phone.page.wait_for_selector("#approve-button")
    phone.page.screenshot(path=artifact("draft-phone.png"), full_page=False)

    overflow = phone.page.evaluate("() => document.documentElement.scrollWidth - innerWidth")

    assert overflow <= 0, "the draft page scrolls sideways on a phone"
    assert phone.dialogs == [] and phone.errors == []
    phone.close()


def test_keyboard_moves_through_the_queue_and_reaches_approve(browser, server):
    from playwright.sync_api import expect

    desk = Watched(browser, server.base)
    desk.log_in()
    desk.page.keyboard.press("j")
    desk.page.keyboard.press("j")
    desk.page.keyboard.press("k")
    expect(desk.page.locator(".draft-row.selected")).to_have_count(1)
    expect(desk.page.locator(".draft-row").nth(0)).to_have_class(re.compile("selected"))
    first = desk.page.locator(".draft-row").nth(0).locator(".row-title").inner_text()
    desk.page.keyboard.press("Enter")
    expect(desk.page.locator(".headline")).to_have_text(first)
    desk.page.wait_for_load_state("load")

    desk.page.keyboard.press("a")
    expect(desk.page.locator("#approve-button")).to_be_focused()
    desk.page.keyboard.press("j")
    expect(desk.page.locator(".headline")).not_to_have_text(first)  # on to the next draft
    assert desk.dialogs == [] and desk.errors == []
    desk.close()


def test_markup_planted_in_feed_and_model_text_never_runs(browser, home):
    store = open_engine(Settings(home=home))
    target = next(d for d in list_drafts(store) if "Bulk carrier" not in d.headline)
    plant(store, target.id, PAYLOAD)
    with store.begin() as connection:
        connection.execute(update(feeds).values(last_error=f"HTTP 500 {PAYLOAD}", error_count=1))
    store.dispose()
    server = Server(home)
    try:
        desk = Watched(browser, server.base)
        desk.log_in()
        for path in ["/", f"/drafts/{target.id}", f"/drafts/{target.id}/versions/1", "/feeds"]:
            desk.page.goto(path)
            desk.page.wait_for_load_state("load")
            assert desk.page.get_by_text("alert(1)</script>").count() > 0, path  # shown as text
            assert desk.pwned() is None, path
        # The demo corpus's own planted item: its words reach the page, its markup does not.
        desk.page.goto("/")
        desk.page.locator(".row-title", has_text="Bulk carrier").click()
        assert desk.page.get_by_text("Marisol Star").count() > 0
        assert desk.page.locator("article script, article img, article [onerror]").count() == 0
        assert desk.pwned() is None
        assert desk.dialogs == [], desk.dialogs
        assert desk.errors == [], desk.errors
        desk.close()
    finally:
        server.stop()

"""Shared by the browser tests: a real server on a free port, the console errors a page prints, signing
in through the login form, and screenshots under tests/artifacts/ for people to look at."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from werkzeug.serving import make_server

from tests.browser.support import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
EXPECTED_REFUSAL = "Failed to load resource: the server responded with a status of 4"


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve the Flask app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


class Console:
    """Errors the pages print (a Content-Security-Policy violation shows up here)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> Page:
        def record(message: ConsoleMessage) -> None:
            # 4xx answers (a refused form, the outsider's 404) are expected; anything else is not
            if message.type == "error" and not message.text.startswith(EXPECTED_REFUSAL):
                self.errors.append(message.text)
        page.on("console", record)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/inbox")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()


def signed_in_page(browser: Browser, base: str, username: str, console: Console, *,
                   viewport: tuple[int, int] = (1280, 900)) -> Page:
    """A new Vietnamese browser context's page, watched by `console`, signed in as `username`
    (close it with `page.context.close()`)."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN")
    page = console.watch(context.new_page())
    sign_in(page, base, username)
    return page

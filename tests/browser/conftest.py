"""Fixtures of the browser tests: Debian's chromium (one per test module) and a real server on the
product database with the real clock (a module needing another set-up defines its own `server`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.pages import serving
from webui import create_app

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: run `make install` (it installs Debian's chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(product) -> Iterator[str]:
    with serving(create_app({"DATABASE_URL": product.url, "CLOCK_MODE": "real"})) as base:
        yield base

"""Fixtures of the GUI tests: one headless Chromium, sites per plugin set, watched pages."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from gui_testkit import CHROMIUM, CHROMIUM_ARGS, THIRD_PARTY, make_site


# Module scope: one sync Playwright at a time per thread, so other test folders that
# start their own (after this module) are not refused.
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def third_party_site(tmp_path_factory):
    """Only the built-ins and the test module's executor (installed plugins off)."""
    return make_site(tmp_path_factory.mktemp("site-third-party"), autoload=False, extra=(THIRD_PARTY,))


@pytest.fixture(scope="session")
def bare_site(tmp_path_factory):
    """Only the built-ins: no executor plugin at all."""
    return make_site(tmp_path_factory.mktemp("site-bare"), autoload=False)


@pytest.fixture(scope="session")
def installed_site(tmp_path_factory):
    """Everything installed in this environment (local, Slurm, Share... where present)."""
    return make_site(tmp_path_factory.mktemp("site-installed"), autoload=True)


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def open_page(browser):
    """Opens a page and fails the test on console errors, page errors or non-local requests."""
    contexts = []
    trouble: list[str] = []

    def _open(url: str, color_scheme: str = "light", viewport=(1400, 1000)):
        context = browser.new_context(color_scheme=color_scheme,
                                      viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and trouble.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: trouble.append(f"page error: {e}"))
        page.on("request", lambda r: _local(r.url) or trouble.append(f"request outside 127.0.0.1: {r.url}"))
        page.on("requestfailed", lambda r: trouble.append(f"request failed: {r.url}"))
        page.goto(url)
        page.wait_for_function("() => window.OmniOptGui && OmniOptGui.app && OmniOptGui.app.state()")
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not trouble, "\n".join(trouble)

"""A real `streamlit run` server and Debian's Chromium, driven by Playwright.

Skipped with a reason when no Chromium is found, unless REQUIRE_BROWSER=1 (CI), which
turns the skip into a failure.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from deploy import launch

try:    # Playwright's retrying assertions wait 5 s by default: too short for a page drawn on a
        # loaded 2-core machine (a settings widget not yet on screen failed a CI-like run at 5 s).
        # Every expect() waits up to 30 s unless it says otherwise; none of them asserts a time.
    from playwright.sync_api import expect as _expect
    _expect.set_options(timeout=30_000)
except ImportError:     # the browser fixture says so and skips (or fails under REQUIRE_BROWSER)
    pass

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for path in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if path and os.path.exists(path):
            return path
    return None


def _skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def streamlit_server(log_dir: Path):
    """`streamlit run streamlit_app.py` on a free loopback port (deploy/launch.py); yields its URL."""
    server = launch.start(log=log_dir / "streamlit.log", extra_env={"MNIST_SOURCE": "sample"})
    try:
        try:
            server.wait_healthy(timeout=60)
        except launch.ServerFailed as failed:
            pytest.fail(f"streamlit did not start: {failed}")
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    if _chromium() is None:
        _skip_or_fail("no Chromium found (apt-get install chromium)")
    with streamlit_server(tmp_path_factory.mktemp("server")) as url:
        yield url


@contextlib.contextmanager
def chromium_browser():
    """Debian's Chromium through Playwright's sync API (the `browser` fixture, tests/conftest.py)."""
    path = _chromium()
    if path is None:
        _skip_or_fail("no Chromium found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()

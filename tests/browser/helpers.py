"""Helpers for driving the real app in Chromium.

Every check waits for what it checks: Streamlit reports "idle" (script not running) before
the browser has finished drawing what the run sent (Plotly charts and images draw later,
and on a busy machine text may land a moment after "idle"). So read the page with
Playwright's retrying assertions (`expect(locator).to_have_text(...)`, `to_be_visible()`,
`to_have_count(...)`) or wait for the specific element, never with a one-shot
`is_visible()`, `count()` or `inner_text()` straight after "idle".
"""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 60_000


def wait_idle(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished running the script and stays idle.

    A rerun starts a moment after a click or key press, so "idle" is only trusted once it
    has held for 0.6 s. Idle says nothing about what the browser has drawn yet: follow it
    with an expect(...) on the thing you check."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_timeout(600)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app_page(page, app_url: str, url_path: str = "", timeout_ms: int = 90_000) -> None:
    """Navigate to a page of the app and wait until its script is idle with no exception."""
    page.goto(f"{app_url}/{url_path}", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # Before the websocket connects the app also reads "notRunning": wait for the page's
    # title (every page has one) so we know the script has really run.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    assert_no_exception(page)


def assert_no_exception(page) -> None:
    """No traceback on the page (checked after idle: an exception is drawn with its run)."""
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise AssertionError("the page shows an exception:\n" + errors.first.inner_text()[:2000])


def expect_no_exception(page) -> None:
    """After the checks of a test have waited for the page's final state: no traceback."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def metric(page, label: str):
    """The value element of the first st.metric whose label contains `label`."""
    return (page.locator('[data-testid="stMetric"]').filter(has_text=label).first
            .locator('[data-testid="stMetricValue"]'))


def expect_metric(page, label: str, value: str | re.Pattern, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until the metric `label` shows exactly `value` (text or regex)."""
    expect(metric(page, label)).to_have_text(value, timeout=timeout_ms)


def metric_value(page, label: str, timeout_ms: int = TIMEOUT_MS) -> str:
    """The text of metric `label`, once it is on screen (for values not known in advance)."""
    value = metric(page, label)
    value.wait_for(state="visible", timeout=timeout_ms)
    return value.inner_text()


def wait_charts(page, count: int, timeout_ms: int = TIMEOUT_MS) -> None:
    """Plotly draws after the script is idle: wait until `count` charts are drawn."""
    page.locator(".js-plotly-plot").nth(count - 1).wait_for(state="visible", timeout=timeout_ms)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under tests/browser/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

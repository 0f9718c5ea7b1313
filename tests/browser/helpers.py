"""Helpers for driving the real app in Chromium."""
from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script and stays idle.

    A rerun starts a moment after a click or key press, so "idle" is only trusted once it
    has held for 0.6 s. For a result you know, prefer expect(locator).to_contain_text(...),
    which retries until it holds."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_timeout(600)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def settle(page, timeout_ms: int = 60_000) -> None:
    """After a click or key press: give Streamlit time to start the rerun, then wait for idle.
    Prefer waiting for the expected text (locator.wait_for) when you know it."""
    page.wait_for_timeout(600)
    wait_idle(page, timeout_ms)


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
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise AssertionError("the page shows an exception:\n" + errors.first.inner_text()[:2000])


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under tests/browser/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

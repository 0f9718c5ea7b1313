"""Train the naive network in a real browser: Start, watch the run advance live
(run_every ticks), Pause, and check that nothing moves while paused.

Progress is read the way a student reads it: the status line under the progress bar
("batch 12 of 12,500 · ...")."""
import re
import time

from playwright.sync_api import expect

from tests.browser.helpers import (assert_no_exception, open_app_page, screenshot, wait_charts,
                                   wait_idle)

PROGRESS = '[data-testid="stProgress"]'
BATCH = re.compile(r"batch ([\d,]+) of ([\d,]+)")


def button(page, label: str):
    return page.locator('[data-testid="stButton"] button').filter(has_text=label).first


def batches_done(page) -> int:
    """The batch count in the status line (0 before the first batch)."""
    match = BATCH.search(page.locator(PROGRESS).first.inner_text())
    return int(match.group(1).replace(",", "")) if match else 0


def wait_batches_above(page, n: int, timeout_ms: int = 30_000) -> None:
    page.wait_for_function(
        """([sel, n]) => { const p = document.querySelector(sel);
             const m = p && p.innerText.match(/batch ([\\d,]+) of/);
             return m && parseInt(m[1].replace(/,/g, '')) > n; }""",
        arg=[PROGRESS, n], timeout=timeout_ms)


LOSS_LINE = """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => (g.querySelector('.gtitle') || {}).textContent?.includes('Loss'));
  const line = gd && gd.querySelector('.scatterlayer .trace .js-line');
  return line ? line.getAttribute('d') : ''; }"""


def test_start_watch_pause(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 4200})
    # A run long enough to watch and pause on any machine: 50 epochs of the eager engine at
    # batch 16 (12,500 batches, over half a minute here). The compiled engine at batch 128
    # finished 50 epochs in ~3.5 s on a quiet machine, before the test pressed Pause.
    open_app_page(page, app_url, "train_naive?naive_engine=eager&naive_batch=16")
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Settings").click()
    epochs = page.get_by_label("epochs")
    epochs.fill("50")
    epochs.press("Enter")
    expect(page.locator('[data-testid="stExpander"] summary').filter(has_text="Settings")
           ).to_contain_text("50 epochs")
    wait_idle(page)
    expect(page.locator(PROGRESS).first).to_contain_text("not started")
    wait_charts(page, 2)
    screenshot(page, "train_naive_idle")

    start = time.perf_counter()
    button(page, "Start").click()
    wait_batches_above(page, 0)
    first_batch_s = time.perf_counter() - start
    n1 = batches_done(page)
    line = page.evaluate(LOSS_LINE)
    wait_batches_above(page, n1)                 # the fragment ticks: more batches appear
    n2 = batches_done(page)
    page.wait_for_function(f"(before) => ({LOSS_LINE})() !== before", arg=line,
                           timeout=30_000)       # and the loss curve is redrawn with them
    assert_no_exception(page)
    print(f"first batch on screen {first_batch_s:.2f} s after Start; then {n1} -> {n2} batches")
    screenshot(page, "train_naive_running")

    button(page, "Pause").click()
    expect(page.locator(PROGRESS).first).to_contain_text("paused", timeout=10_000)
    wait_idle(page)
    p1 = batches_done(page)
    page.wait_for_timeout(2000)                  # a paused run must stay where it is
    assert batches_done(page) == p1, "nothing may run while paused"
    expect(button(page, "Resume")).to_contain_text("Resume")
    assert_no_exception(page)
    screenshot(page, "train_naive")

"""Train the naive network in a real browser: Start, watch the loss chart grow live
(run_every ticks), Pause, and check that nothing moves while paused."""
import time

from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle

LOSS_POINTS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.layout && g.layout.title && String(g.layout.title.text).includes('Loss'));
  if (!gd) return -1;
  const t = gd.data.find(d => d.name === 'per batch');
  if (!t) return 0;
  const y = t.y && (t.y._inputArray || t.y);   // plotly.js keeps NumPy arrays as {bdata, _inputArray}
  return y ? y.length : 0;
}"""


def loss_points(page) -> int:
    return page.evaluate(LOSS_POINTS)


def button(page, label: str):
    return page.locator('[data-testid="stButton"] button').filter(has_text=label).first


def status_text(page) -> str:
    return page.locator('[data-testid="stProgress"]').first.inner_text()


def test_start_watch_pause(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 4200})
    open_app_page(page, app_url, "train_naive")
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Settings").click()
    epochs = page.get_by_label("epochs")
    epochs.fill("50")                            # long enough to watch and pause
    epochs.press("Enter")
    wait_idle(page)
    assert loss_points(page) == 0
    screenshot(page, "train_naive_idle")

    start = time.perf_counter()
    button(page, "Start").click()
    page.wait_for_function("() => (" + LOSS_POINTS + ")() > 0", timeout=30_000)
    first_point_s = time.perf_counter() - start
    n1 = loss_points(page)
    page.wait_for_timeout(2500)
    n2 = loss_points(page)
    assert_no_exception(page)
    assert n2 > n1, "the loss chart should gain points while running (run_every ticks)"
    print(f"first loss point {first_point_s:.2f} s after Start; {n1} -> {n2} points in 2.5 s")
    screenshot(page, "train_naive_running")

    button(page, "Pause").click()
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stProgress\"]')]"
                           ".some(p => p.innerText.includes('paused'))", timeout=10_000)
    wait_idle(page)
    p1 = loss_points(page)
    page.wait_for_timeout(2000)
    assert loss_points(page) == p1, "nothing may run while paused"
    assert "Resume" in button(page, "Resume").inner_text()
    assert_no_exception(page)
    screenshot(page, "train_naive")

"""Slicing & batches in a real browser: type indices, hit a bad one, move the batch sliders."""
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.helpers import (assert_no_exception, expect_metric, open_app_page, screenshot,
                                   wait_charts, wait_idle)

INPUT = 'input[aria-label="Your index (press Enter to apply)"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'


def type_index(page, text: str, shape: str | None = None) -> float:
    """Type an index and press Enter; wait until the page shows `shape` (or the script is
    idle again). Returns the seconds from Enter until the new shape was on screen."""
    box = page.locator(INPUT)
    box.fill(text)
    start = time.perf_counter()
    box.press("Enter")
    if shape is not None:
        expect_metric(page, "selection.shape", shape, timeout_ms=30_000)
    else:
        try:   # a fast rerun may be over before we look
            page.wait_for_selector(RUNNING, timeout=2_000)
        except PlaywrightTimeout:
            pass
    seconds = time.perf_counter() - start
    wait_idle(page)
    return seconds


CHARTS = 3                      # the page draws three Plotly charts


def test_slicing_page_draws_the_selection(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3800})   # the whole page in one shot
    open_app_page(page, app_url, "slicing")
    expect_metric(page, "selection.shape", "(90, 28, 28)")
    wait_charts(page, CHARTS)
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS)
    page.locator('[data-testid="stImage"] img').nth(8 + 12 - 1).wait_for()
    screenshot(page, "slicing")

    seconds = [type_index(page, text, shape) for text, shape in
               (("train_images[10:100, 0:28:2, 0:28]", "(90, 14, 28)"),
                ("train_images[:, 14:, 14:]", "(4000, 14, 14)"),
                ("train_images[::2, 7:-7]", "(2000, 14, 28)"),
                ("train_images[:, 7:-7, 7:-7]", "(4000, 14, 14)"))]
    assert_no_exception(page)
    expect_metric(page, "selection.shape", "(4000, 14, 14)")
    wait_charts(page, CHARTS)
    print("browser: Enter -> new shape on screen: "
          + ", ".join(f"{s * 1000:.0f} ms" for s in seconds))
    screenshot(page, "slicing_crop")

    type_index(page, "train_images[::-500, ::2, ::-1]", "(8, 14, 28)")
    wait_charts(page, CHARTS)
    screenshot(page, "slicing_steps")


def test_bad_index_shows_an_error_not_a_traceback(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3800})
    open_app_page(page, app_url, "slicing")
    type_index(page, "__import__('os').system('id')")
    error = page.locator('[data-testid="stAlertContentError"]').first
    expect(error).to_contain_text("function calls are not allowed", timeout=30_000)
    assert_no_exception(page)
    wait_charts(page, CHARTS)
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS)   # the rest still drawn
    screenshot(page, "slicing_error")


def test_example_button_and_batch_slider(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3800})
    open_app_page(page, app_url, "slicing")
    page.get_by_role("button", name="train_images[:, 14:, 14:]").click()
    expect_metric(page, "selection.shape", "(4000, 14, 14)")
    wait_idle(page)
    slider = page.get_by_role("slider").nth(1)                # n: starts at the notebook's 3
    expect(page.locator('[data-testid="stSliderThumbValue"]').nth(1)).to_have_text("3")
    wait_charts(page, CHARTS)
    expect(page.locator(".js-plotly-plot").nth(2)).to_contain_text("batch n=3")
    slider.focus()
    for step in range(4, 6):
        slider.press("ArrowRight")
        expect(page.locator('[data-testid="stSliderThumbValue"]').nth(1)).to_have_text(str(step))
        wait_idle(page)
    assert_no_exception(page)
    expect(page.locator('[data-testid="stSliderThumbValue"]').nth(0)).to_have_text("128")
    wait_charts(page, CHARTS)
    expect(page.locator(".js-plotly-plot").nth(2)).to_contain_text("batch n=5")
    expect_metric(page, "batch.shape", "(128, 28, 28)")
    screenshot(page, "slicing_batches")

"""Element-wise ops in a real browser: the pictures, then a small race with its progress bar."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import (assert_no_exception, expect_metric, metric_value,
                                   open_app_page, screenshot, wait_charts, wait_idle)


def test_elementwise_page_and_race(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3600})
    open_app_page(page, app_url, "elementwise")
    wait_charts(page, 2)
    expect_metric(page, "Result shape", "(2, 3)")              # the notebook's naive_add example
    expect(page.get_by_text("A slip worth seeing")).to_have_count(1)
    page.locator(".js-plotly-plot").first.locator(".hm, .heatmaplayer").first.wait_for(
        state="attached")
    screenshot(page, "elementwise")

    # the book's race: (20, 100), 1,000 repetitions, a second or so on this machine
    page.get_by_role("button", name="🏁 Run the race").click()
    expect_metric(page, "speed-up", re.compile(r"^[\d,]+×$"), timeout_ms=90_000)
    wait_idle(page)
    assert_no_exception(page)
    speedup = metric_value(page, "speed-up")
    assert int(speedup[:-1].replace(",", "")) > 1
    expect(page.get_by_text("Same answer on both sides")).to_have_count(1)
    print(f"browser race (20, 100) x 1,000: naive {metric_value(page, 'naive loops')}, "
          f"NumPy {metric_value(page, 'NumPy')}, speed-up {speedup}")
    screenshot(page, "elementwise_race")

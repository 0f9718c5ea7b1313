"""Element-wise ops in a real browser: the pictures, then a small race with its progress bar."""
from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_timeout(400)
    wait_idle(page)


def test_elementwise_page_and_race(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 3600})
    open_app_page(page, app_url, "elementwise")
    page.locator(".js-plotly-plot").nth(1).wait_for(state="visible")
    assert metric_value(page, "Result shape") == "(4, 6)"
    assert page.locator(".js-plotly-plot").first.locator(".hm, .heatmaplayer").count() >= 1
    screenshot(page, "elementwise")

    # the book's race: (20, 100), 1,000 repetitions, a second or so on this machine
    page.get_by_role("button", name="🏁 Run the race").click()
    page.locator('[data-testid="stMetric"]').filter(has_text="speed-up").wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    speedup = metric_value(page, "speed-up")
    assert speedup.endswith("×") and int(speedup[:-1].replace(",", "")) > 1
    assert page.get_by_text("Same answer on both sides").count() == 1
    print(f"browser race (20, 100) x 1,000: naive {metric_value(page, 'naive loops')}, "
          f"NumPy {metric_value(page, 'NumPy')}, speed-up {speedup}")
    screenshot(page, "elementwise_race")

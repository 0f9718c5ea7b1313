"""Gradient tape in a real browser: the book's example says 2; picking x² moves the tangent."""
from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_gradient_tape_page(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_app_page(page, app_url, "gradient_tape")
    assert metric_value(page, "grad_of_y_wrt_x") == "2"
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    screenshot(page, "gradient_tape")

    page.get_by_text("y = x²").click()
    wait_idle(page)
    assert_no_exception(page)
    assert metric_value(page, "tape.gradient(y, x)") == "2"        # 2·x at x = 1
    screenshot(page, "gradient_tape_square")

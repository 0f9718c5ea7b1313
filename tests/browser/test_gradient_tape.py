"""Gradient tape in a real browser: the book's example says 2; picking x² moves the tangent."""
from tests.browser.helpers import (assert_no_exception, expect_metric, open_app_page, screenshot,
                                   wait_charts, wait_idle)


def test_gradient_tape_page(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_app_page(page, app_url, "gradient_tape")
    expect_metric(page, "grad_of_y_wrt_x", "2")
    page.get_by_text("tape.watch(x)").first.wait_for(state="visible")   # the notebook's cell
    wait_charts(page, 1)
    screenshot(page, "gradient_tape")

    page.get_by_text("y = x²").click()
    expect_metric(page, "dy/dx = 2·x", "2")                # only drawn for y = x²
    expect_metric(page, "tape.gradient(y, x)", "2")        # 2·x at x = 1
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "gradient_tape_square")

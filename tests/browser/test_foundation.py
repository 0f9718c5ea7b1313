"""Home and Rank & shape in a real browser: render, no exception, a screenshot each."""
from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle


def test_home_renders_mnist(page, app_url):
    open_app_page(page, app_url, "")
    assert page.get_by_text("train_images.shape").first.is_visible()
    assert page.locator('[data-testid="stImage"] img').count() >= 24
    assert page.locator(".js-plotly-plot").count() >= 2
    screenshot(page, "home")


def test_rank_shape_renders_and_builds(page, app_url):
    open_app_page(page, app_url, "rank_shape")
    assert page.locator(".js-plotly-plot").count() >= 3
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")                 # rank 3 -> 4: a row of cubes
    page.get_by_text("(2, 3, 4, 3)").first.wait_for(state="visible")
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "rank_shape")


def test_sidebar_names_the_dataset(page, app_url):
    open_app_page(page, app_url, "")
    assert page.get_by_text("Offline MNIST sample").first.is_visible()

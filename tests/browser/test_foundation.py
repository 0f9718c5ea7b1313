"""Home and Rank & shape in a real browser: render, no exception, a screenshot each."""
from playwright.sync_api import expect

from lib.core.data import load_mnist
from tests.browser.helpers import (assert_no_exception, expect_metric, open_app_page, screenshot,
                                   wait_idle)


def test_home_shows_mnist_as_a_tensor(page, app_url):
    """Home reads the sample as the book reads MNIST: its shapes and dtype, and the first 24
    digits with their labels (the sample: 4,000 training and 1,000 test digits)."""
    labels = load_mnist().train_labels
    open_app_page(page, app_url, "")
    expect_metric(page, "train_images.shape", "(4000, 28, 28)")
    expect_metric(page, "train_labels.shape", "(4000,)")
    expect_metric(page, "test_images.shape", "(1000, 28, 28)")
    expect_metric(page, "dtype", "uint8")
    page.locator('[data-testid="stImage"] img').nth(23).wait_for()   # the 24 first digits
    expect(page.get_by_text(f"[23] label {labels[23]}", exact=True)).to_be_visible()
    page.locator(".js-plotly-plot").nth(1).wait_for()   # label counts and the big digit
    screenshot(page, "home")


def test_rank_shape_renders_and_builds(page, app_url):
    open_app_page(page, app_url, "rank_shape")
    page.locator(".js-plotly-plot").nth(2).wait_for(state="attached")   # Plotly's bundle loads after idle
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")                 # rank 3 -> 4: a row of cubes
    page.get_by_text("(2, 3, 4, 3)").first.wait_for(state="visible")
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "rank_shape")


def test_sidebar_names_the_dataset(page, app_url):
    open_app_page(page, app_url, "")
    expect(page.get_by_text("Offline MNIST sample").first).to_be_visible()


def test_direct_link_on_a_fresh_server_goes_through_the_router(browser, tmp_path):
    """A bookmark like /slicing must get the sectioned navigation and the dataset sidebar,
    not Streamlit's automatic list of files in pages/."""
    from tests.browser.conftest import streamlit_server

    with streamlit_server(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        page = context.new_page()
        open_app_page(page, url, "rank_shape")
        nav = page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("Under the hood").wait_for()
        expect(nav).not_to_contain_text("rank shape")
        expect(page.get_by_text("Offline MNIST sample").first).to_be_visible()
        expect(page.get_by_role("heading", name="Rank & shape").first).to_be_visible()
        context.close()

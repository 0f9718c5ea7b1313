"""Home in Chromium: the book's matplotlib digit beside the interactive Plotly one, its code
shown whole, and the list of pages with every blurb whole."""
from playwright.sync_api import expect

from tests.browser.helpers import SCREENSHOTS, expect_no_exception, open_app_page, screenshot

BOOK_DIGIT = ".st-key-home_book_digit img"
PLOTLY_DIGIT = ".st-key-home_digit_fig .js-plotly-plot"

# Code blocks on the first screen whose text is wider than their box (cut at the edge).
CUT_CODE = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCode"] pre')]
    .filter(e => e.getBoundingClientRect().top < innerHeight)
    .filter(e => e.scrollWidth > e.clientWidth + 1 ||
                 [...e.querySelectorAll('code')].some(c => c.scrollWidth > c.clientWidth + 1))
    .map(e => e.textContent.slice(0, 60))"""

# Text Streamlit shortens with an ellipsis ("loops vs Num…") because it does not fit.
ELLIPSIS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.slice(0, 60))"""


def wait_until_empty(page, script: str, what: str) -> None:
    """Wait until the page's `script` finds nothing; fail with what it found last."""
    try:
        page.wait_for_function(f"() => ({script})().length === 0", timeout=20_000)
    except Exception:
        raise AssertionError(f"{what}: {page.evaluate(script)}") from None


def expect_book_digit_beside_the_grid(page) -> None:
    """The matplotlib PNG is loaded and sits beside the Plotly digit (same band of the page,
    to its left), with the book's code under it."""
    image = page.locator(BOOK_DIGIT)
    expect(image).to_be_visible()
    page.wait_for_function(f"() => document.querySelector('{BOOK_DIGIT}').naturalWidth > 0")
    grid = page.locator(PLOTLY_DIGIT)
    expect(grid).to_be_visible()
    img, plot = image.bounding_box(), grid.bounding_box()
    assert img["x"] + img["width"] <= plot["x"] + 1, (img, plot)
    assert img["y"] < plot["y"] + plot["height"] and plot["y"] < img["y"] + img["height"], (img, plot)
    code = page.locator('[data-testid="stCode"]').filter(has_text="plt.imshow(digit, cmap=plt.cm.binary)")
    expect(code).to_have_count(1)
    expect(code).to_contain_text("digit = train_images[4]")


def test_the_books_digit_is_drawn_by_the_code_beside_it(page, app_url):
    open_app_page(page, app_url, "")
    expect_book_digit_beside_the_grid(page)
    wait_until_empty(page, CUT_CODE, "code cut at the panel's edge")
    expect(page.get_by_text("interactive Plotly heatmap")).to_be_visible()
    expect_no_exception(page)
    screenshot(page, "home_1400")


def test_where_to_next_shows_every_blurb_whole(page, app_url):
    open_app_page(page, app_url, "")
    expect(page.get_by_text("loops vs NumPy")).to_be_visible()           # a blurb, whole
    expect(page.get_by_text("the book's hand-built network, live")).to_be_visible()
    wait_until_empty(page, ELLIPSIS, "text cut with an ellipsis")


def test_projector_shows_both_digits_and_whole_code(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_app_page(page, app_url, "?projector=true")
        expect_book_digit_beside_the_grid(page)
        wait_until_empty(page, CUT_CODE, "code cut at the panel's edge")
        expect_no_exception(page)
        (SCREENSHOTS / "projector").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "projector" / "home_book_digit.png"))
    finally:
        context.close()

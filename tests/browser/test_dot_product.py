"""The Dot product page in Chromium: it renders, and the matmul animation plays."""
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, open_app_page, screenshot


def test_dot_product_renders_and_matmul_plays(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 6000})   # the whole page in one picture
    open_app_page(page, app_url, "dot_product")
    page.locator(".js-plotly-plot").nth(5).wait_for(state="attached")   # Plotly loads after idle
    anim = page.locator(".st-key-dot_matmul_anim .js-plotly-plot")
    anim.scroll_into_view_if_needed()
    title = anim.locator(".gtitle")
    expect(title).to_contain_text("starts empty")
    before = title.text_content()
    anim.locator(".updatemenu-button").first.click()          # ▶ Play
    page.wait_for_function(
        """(before) => {
            const t = document.querySelector('.st-key-dot_matmul_anim .gtitle');
            return t && t.textContent !== before && t.textContent.includes('C[');
        }""", arg=before, timeout=20_000)
    assert_no_exception(page)
    screenshot(page, "dot_product")

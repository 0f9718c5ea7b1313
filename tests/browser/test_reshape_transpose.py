"""The Reshape & transpose page in Chromium: it renders, the flow animation plays."""
from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle


def test_reshape_transpose_renders_and_flows(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 4200})   # the whole page in one picture
    open_app_page(page, app_url, "reshape_transpose")
    page.locator(".js-plotly-plot").nth(4).wait_for(state="attached")   # Plotly loads after idle
    flow = page.locator(".st-key-reshape_flow .js-plotly-plot")
    element_1 = flow.locator(".scatterlayer .trace").nth(1).locator(".point").nth(1)
    before = element_1.get_attribute("transform")
    flow.locator(".updatemenu-button").first.click()          # ▶ Play
    element_1.evaluate("""(el, before) => new Promise((resolve, reject) => {   // element 1 moves
        const t0 = Date.now();
        const poll = () => el.getAttribute('transform') !== before ? resolve(true)
            : Date.now() - t0 > 20000 ? reject(new Error('element 1 never moved')) : setTimeout(poll, 50);
        poll(); })""", before)
    page.get_by_role("button", name="does not fit").click()   # an impossible reshape, explained
    page.get_by_text("reshape never adds or drops elements").first.wait_for(state="visible")
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_role("button", name="book: (3, 2) → (6, 1)").click()
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "reshape_transpose")

"""Broadcasting in a real browser: Play runs the animation; a clash is shown, not raised."""
from tests.browser.helpers import assert_no_exception, open_app_page, screenshot, wait_idle

ACTIVE_STEP = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')]
      .find(p => p._fullLayout && p._fullLayout.sliders && p._fullLayout.sliders.length);
  const caption = [...plot.querySelectorAll('.textpoint text')]
      .map(t => t.textContent).find(t => t.startsWith('Step '));
  const label = [...plot.querySelectorAll('text')]
      .map(t => t.textContent).find(t => t.startsWith('Step: '));
  return {active: plot._fullLayout.sliders[0].active, label: label, caption: caption};
}"""


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def open_broadcasting(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 4200})
    open_app_page(page, app_url, "broadcasting")
    page.locator(".js-plotly-plot").first.wait_for(state="visible")


def test_play_moves_the_animation(page, app_url):
    open_broadcasting(page, app_url)
    assert metric_value(page, "x + y.shape") == "(32, 10)"
    before = page.evaluate(ACTIVE_STEP)
    assert before["active"] == 0 and before["label"] == "Step: align"
    screenshot(page, "broadcasting")

    page.locator(".updatemenu-button").filter(has_text="Play").first.click()
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.js-plotly-plot')]"
        ".find(p => p._fullLayout && p._fullLayout.sliders && p._fullLayout.sliders.length);"
        " return p._fullLayout.sliders[0].active >= 3; }", timeout=20_000)
    after = page.evaluate(ACTIVE_STEP)
    assert after["active"] == 3 and after["label"] == "Step: result"
    assert after["caption"] != before["caption"] and "the shapes match" in after["caption"]
    assert_no_exception(page)
    screenshot(page, "broadcasting_played")


def test_rank_4_maximum_and_a_clash(page, app_url):
    open_broadcasting(page, app_url)
    page.get_by_label("Start from an example").click()
    page.get_by_role("option", name="Book: np.maximum on (64, 3, 32, 10) and (32, 10)").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    assert metric_value(page, "np.maximum(x, y).shape") == "(64, 3, 32, 10)"
    page.evaluate("""() => { const p = document.querySelector('.js-plotly-plot');
        Plotly.animate(p, ['5'], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                  transition: {duration: 0}}); }""")
    page.wait_for_timeout(600)
    screenshot(page, "broadcasting_rank4")

    page.get_by_label("Start from an example").click()
    page.get_by_role("option", name="Incompatible: (32, 10) + (32,)").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stAlert"]').filter(has_text="axis -1: 10 vs 32").count() >= 1
    page.evaluate("""() => { const p = document.querySelector('.js-plotly-plot');
        Plotly.animate(p, ['2'], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                  transition: {duration: 0}}); }""")
    page.wait_for_timeout(600)
    screenshot(page, "broadcasting_clash")

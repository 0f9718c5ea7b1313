"""Broadcasting in a real browser: Play runs the animation; a clash is shown, not raised.

The animation is read the way a student reads it: the slider's "Step: ..." label and the
caption written on the figure (no plotly.js internals)."""
from playwright.sync_api import expect

from tests.browser.helpers import (assert_no_exception, expect_metric, open_app_page, screenshot,
                                   wait_charts, wait_idle)

SLIDER_LABEL = ".js-plotly-plot text.slider-label"   # the slider's "Step: ..." value
CAPTION = """() => [...document.querySelector('.js-plotly-plot').querySelectorAll('.textpoint text')]
                  .map(t => t.textContent).find(t => t.startsWith('Step ')) || ''"""


def open_broadcasting(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 4200})
    open_app_page(page, app_url, "broadcasting")
    wait_charts(page, 1)


def show_frame(page, name: str) -> None:
    """Jump the animation to frame `name` (as dragging the slider there would)."""
    page.evaluate("""(name) => { const p = document.querySelector('.js-plotly-plot');
        Plotly.animate(p, [name], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                   transition: {duration: 0}}); }""", name)


def test_play_moves_the_animation(page, app_url):
    open_broadcasting(page, app_url)
    expect_metric(page, "x + y.shape", "(32, 10)")
    label = page.locator(SLIDER_LABEL).first
    expect(label).to_have_text("Step: align")
    before = page.evaluate(CAPTION)
    screenshot(page, "broadcasting")

    page.locator(".updatemenu-button").filter(has_text="Play").first.click()
    expect(label).to_have_text("Step: result", timeout=20_000)
    page.wait_for_function(f"() => ({CAPTION})().includes('the shapes match')", timeout=20_000)
    assert page.evaluate(CAPTION) != before
    assert_no_exception(page)
    screenshot(page, "broadcasting_played")


def test_rank_4_maximum_and_a_clash(page, app_url):
    open_broadcasting(page, app_url)
    page.get_by_label("Start from an example").click()
    page.get_by_role("option", name="Book: np.maximum on (64, 3, 32, 10) and (32, 10)").click()
    expect_metric(page, "np.maximum(x, y).shape", "(64, 3, 32, 10)")
    wait_idle(page)
    wait_charts(page, 1)
    show_frame(page, "5")
    expect(page.locator(SLIDER_LABEL).first).not_to_have_text("Step: align")
    screenshot(page, "broadcasting_rank4")

    page.get_by_label("Start from an example").click()
    page.get_by_role("option", name="Incompatible: (32, 10) + (32,)").click()
    clash = page.locator('[data-testid="stAlert"]').filter(has_text="axis -1: 10 vs 32").first
    expect(clash).to_be_visible()
    wait_idle(page)
    assert_no_exception(page)
    wait_charts(page, 1)
    show_frame(page, "2")
    screenshot(page, "broadcasting_clash")


def type_shape(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


FIGURE_TEXT = """() => [...document.querySelector('.js-plotly-plot').querySelectorAll('text')]
                     .map(t => t.textContent).join(' | ')"""


def test_a_typo_keeps_and_names_the_pair_on_screen(page, app_url):
    """Issue 18 #6: after a typo the note named "(2,3) and 32,10", a pair NumPy refuses and
    not the one the student last saw broadcast. The note names the pair drawn, as the badges
    and the figure write it."""
    open_broadcasting(page, app_url)
    type_shape(page, "x.shape", "2,3")
    type_shape(page, "y.shape", "3")
    expect_metric(page, "x + y.shape", "(2, 3)")           # a good pair, drawn
    page.wait_for_function(f"() => ({FIGURE_TEXT})().includes('(2, 3)')", timeout=20_000)
    type_shape(page, "x.shape", "(2,4)")
    expect_metric(page, "x + y.shape", "✗ error")         # NumPy refuses it: drawn as a clash
    type_shape(page, "y.shape", "abc")                      # a typo

    note = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="still show")
    expect(note).to_have_text("The pictures below still show the last shapes that broadcast: "
                              "x.shape (2, 3) and y.shape (3,).")
    expect_metric(page, "x.shape", "(2, 3)")
    expect_metric(page, "y.shape", "(3,)")
    expect_metric(page, "x + y.shape", "(2, 3)")
    page.wait_for_function(f"""() => {{ const t = ({FIGURE_TEXT})();
        return t.includes('(2, 3)') && t.includes('(3,)') && !t.includes('(2, 4)'); }}""",
                           timeout=20_000)
    assert_no_exception(page)
    screenshot(page, "broadcasting_typo")

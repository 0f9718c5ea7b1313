"""Rank & shape in Chromium: the builder's 3-D drawing names every axis, and every name is
drawn whole inside the figure ('axis 0: 2 dept…' was cut at its right edge), in both modes."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import SCREENSHOTS, expect_no_exception, open_app_page

FIGURE = ".st-key-builder_picture .js-plotly-plot"

# Each axis label's box against the figure's box: how far inside each edge (px).
INSIDE = """(sel) => { const plot = document.querySelector(sel).getBoundingClientRect();
  return [...document.querySelectorAll(sel + ' g.annotation-scene')].map(a => {
    const r = a.getBoundingClientRect();
    return {text: a.textContent, left: r.left - plot.left, right: plot.right - r.right,
            top: r.top - plot.top, bottom: plot.bottom - r.bottom}; }); }"""

CASES = {  # url, viewport, the labels the figure must show
    "rank3": ("rank_shape", (1400, 2400), ["axis 0: 2 depth", "axis 1: 3 rows", "axis 2: 4 columns"]),
    "rank3_projector": ("rank_shape?projector=true", (1280, 720),
                        ["axis 0: 2 depth", "axis 1: 3 rows", "axis 2: 4 columns"]),
    "rank5": ("rank_shape?builder_rank=5", (1400, 2400),
              ["axis 0: 2 rows of cubes", "axis 1: 3 cubes", "axis 2: 4 depth", "axis 3: 3 rows",
               "axis 4: 2 columns"]),
    "rank5_projector": ("rank_shape?builder_rank=5&projector=true", (1280, 720),
                        ["axis 0: 2 rows of cubes", "axis 1: 3 cubes", "axis 2: 4 depth",
                         "axis 3: 3 rows", "axis 4: 2 columns"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_axis_label_is_inside_the_figure(browser, app_url, case):
    url, (width, height), texts = CASES[case]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_app_page(page, app_url, url)
        labels = page.locator(f"{FIGURE} g.annotation-scene")
        expect(labels).to_have_count(len(texts))
        for text in texts:
            expect(labels.filter(has_text=text)).to_have_count(1)
        try:                                # Plotly places them once the scene is drawn
            page.wait_for_function(f"(sel) => ({INSIDE})(sel).every(b => "
                                   "Math.min(b.left, b.right, b.top, b.bottom) >= 0)",
                                   arg=FIGURE, timeout=20_000)
        except Exception:
            cut = [b for b in page.evaluate(INSIDE, FIGURE)
                   if min(b["left"], b["right"], b["top"], b["bottom"]) < 0]
            raise AssertionError(f"axis labels cut at the figure's edge: {cut}") from None
        expect_no_exception(page)
        folder = SCREENSHOTS / "projector" if "projector" in case else SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        page.locator(FIGURE).screenshot(path=str(folder / f"rank_shape_cube_{case}.png"))
        if case in ("rank3", "rank3_projector"):
            page.screenshot(path=str(folder / f"rank_shape_{width}.png"), full_page=True)
    finally:
        context.close()

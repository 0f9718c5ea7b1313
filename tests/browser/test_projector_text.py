"""Projector mode makes the figures' own text 1.4x too: cell numbers, annotations, captions
("drawn as ..."), bar labels, legends, titles and ticks drawn inside Plotly's SVG, not only
the page's HTML text.

Each page with a figure is opened twice from the same teacher's link (tests/browser/
test_links.py VIEWS) in a fresh browser 1280 px wide, once as it is and once with
?projector=true. In every chart drawn in both, every kind of text (annotation, heatmap cell
number, text drawn by a trace, a size set inline with <span style='font-size:..'>, title,
tick, ...) must be at least 1.35x larger on the projector: its largest size and its
smallest both. (Before lib/ui/widgets.py plotly() scaled the figures' fonts, Streamlit's
own chart theme grew only the ticks, axis titles and legends that a figure left unsized;
the broadcasting grid's numbers and its "drawn as" captions, the slicing page's batch
labels and every annotation stayed their normal size.)"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.site.chapter import PAGES
from lib.site.chapter import link
from tests.browser.helpers import expect_no_exception, open_app_page
from tests.browser.test_links import VIEWS

WIDTH = 1280
NO_FIGURE = {"shape_drill", "for_teachers", "class_room"}   # pages drawn without a chart
FIGURE_PAGES = [p.url_path for p in PAGES if p.url_path not in NO_FIGURE]
MIN_RATIO = 1.35

# Every chart on the page has drawn its SVG with some text in it.
DRAWN = """() => {
  // the run is over first: its figures are sent after the rest of the page (figures_last),
  // so before that only some of the page's charts may be there
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  // a chart whose JavaScript is still loading is a grey skeleton, not yet a chart: on a busy
  // machine the live panel's two charts were still skeletons when the others were drawn
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')];
  return charts.length > 0 &&
         charts.every(c => c.querySelector('.js-plotly-plot svg.main-svg text'));
}"""

# {chart key: {kind of text: [font sizes in px]}}, read from the browser's computed styles.
FONT_SIZES = """() => {
  const kind = (el) => {
    const t = el.closest('text'), cls = t.getAttribute('class') || '';
    const inline = el.tagName.toLowerCase() === 'tspan' ? ' (inline size)' : '';
    let k = 'other';
    if (t.closest('.annotation')) k = 'annotation';
    else if (t.closest('.heatmap-label')) k = 'heatmap cell number';
    else if (t.closest('.textpoint')) k = 'text drawn by a trace';
    else if (cls.includes('bartext')) k = 'bar label';
    else if (t.closest('.legend')) k = 'legend';
    else if (cls.includes('gtitle')) k = 'figure title';
    else if (/^[xy]\\d*title$/.test(cls)) k = 'axis title';
    else if (t.closest('.xtick, .ytick, .x2tick, .y2tick') || /tick/.test(t.parentNode.getAttribute('class') || '')) k = 'tick label';
    else if (t.closest('.slider-container')) k = 'slider';
    else if (t.closest('.updatemenu-container')) k = 'play buttons';
    return k + inline;
  };
  const out = {};
  for (const chart of document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')) {
    const keyed = chart.closest('[class*="st-key-"]');
    const m = keyed && keyed.className.match(/st-key-(\\S+)/);
    if (!m) continue;
    const sizes = out[m[1]] = out[m[1]] || {};
    const els = chart.querySelectorAll('svg text, svg text tspan[style*="font-size"]');
    for (const el of els) {
      if (!el.textContent.trim()) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (!size) continue;
      (sizes[kind(el)] = sizes[kind(el)] || []).push(size);
    }
  }
  return out;
}"""


def font_sizes(browser, app_url, url_path: str, projector: bool) -> dict:
    values, _ = VIEWS[url_path]
    context = browser.new_context(viewport={"width": WIDTH, "height": 2400})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app_page(page, app_url, link(url_path, projector=projector, **values))
        if projector:            # the mode is on: the page's own text is 1.4x
            page.wait_for_function(
                "() => getComputedStyle(document.documentElement).fontSize === '22.4px'")
        page.wait_for_function(DRAWN)
        expect_no_exception(page)
        return page.evaluate(FONT_SIZES)
    finally:
        context.close()


def test_every_page_is_covered():
    assert set(FIGURE_PAGES) | NO_FIGURE == {p.url_path for p in PAGES}


@pytest.mark.parametrize("url_path", FIGURE_PAGES)
def test_figure_text_grows_with_projector_mode(browser, app_url, url_path):
    normal = font_sizes(browser, app_url, url_path, projector=False)
    big = font_sizes(browser, app_url, url_path, projector=True)
    compared, small = [], []
    for chart in sorted(set(normal) & set(big)):
        for kind in sorted(set(normal[chart]) & set(big[chart])):
            a, b = normal[chart][kind], big[chart][kind]
            for which, x, y in (("largest", max(a), max(b)), ("smallest", min(a), min(b))):
                compared.append((chart, kind))
                if y < MIN_RATIO * x - 0.05:
                    small.append(f"{chart} · {kind} ({which}): {x:g} px -> {y:g} px "
                                 f"({y / x:.2f}x)")
    assert compared, f"no chart drawn in both modes on {url_path}: {normal} / {big}"
    # the page's figures show numbers or words of their own, not only axes
    kinds = {kind.split(" (")[0] for _, kind in compared}
    assert kinds & {"annotation", "heatmap cell number", "text drawn by a trace", "bar label",
                    "figure title", "legend"}, kinds
    assert not small, ("figure text that does not grow with projector mode:\n  "
                       + "\n  ".join(small))

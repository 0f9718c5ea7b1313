"""Nothing covers a page's key figure on a projector: at 1280x720 with ?projector=true, no
toast and no other overlay (an element positioned fixed or absolute, other than Streamlit's
header) lies over the page's first figure, its first metric or its main figure and controls
(tests/browser/test_projector.py MAIN).

The server here is started the way a teacher's offline laptop starts it: MNIST_SOURCE=auto
and an empty Keras cache, so the download fails and the app falls back to the sample with a
note ("Full MNIST could not be downloaded ..."). That note was a toast in projector mode, at
the top right, over the slicing page's `selection.shape`, the training page's Stop and
Reset and every page's "About this page"; it now lives in the sidebar.

Toasts come and go (a few seconds), so a script installed before the page loads records
every toast's box while the page is open; the other overlays are read once the page's
figures are drawn."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from deploy import launch
from lib.site.chapter import PAGES
from lib.site.chapter import link
from tests.browser.conftest import _chromium, _skip_or_fail
from tests.browser.helpers import SCREENSHOTS, expect_no_exception, open_app_page
from tests.browser.test_projector import MAIN, SCREEN

NOTE = "Full MNIST could not be downloaded"

# Every 50 ms, the box of every toast on screen (they slide in and fade out).
RECORD_TOASTS = """
window.tensorLabToasts = [];
setInterval(() => {
  for (const t of document.querySelectorAll('[data-testid="stToast"]')) {
    const r = t.getBoundingClientRect();
    if (r.width && r.height) window.tensorLabToasts.push(
      {what: 'toast: ' + t.textContent.trim().slice(0, 80),
       left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  }
}, 50);
"""

# Elements positioned fixed or absolute that are visible on the first screen: overlays.
# Not counted: Streamlit's header (its toolbar sits in the free strip above the title), the
# folded sidebar, what lies inside a chart (Plotly's own layers) and anything inside or
# around one of the targets (a widget's own parts).
OVERLAYS = """(targets) => {
  const inside = (el, sel) => !!el.closest(sel);
  const all = (sel) => { try { return [...document.querySelectorAll(sel)]; } catch (e) { return []; } };
  const boxes = targets.flatMap(all);           // (Playwright's text= selectors are skipped)
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const pos = getComputedStyle(el).position;
    if (pos !== 'fixed' && pos !== 'absolute') continue;
    if (inside(el, '[data-testid="stHeader"], [data-testid="stSidebar"], .js-plotly-plot')) continue;
    if (boxes.some(b => b.contains(el) || el.contains(b))) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.bottom <= 0 || r.top >= innerHeight) continue;
    found.push({what: `${el.tagName.toLowerCase()}[data-testid=${el.dataset.testid || ''}]` +
                      ` .${String(el.className).slice(0, 60)}: ` + el.textContent.trim().slice(0, 60),
                left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  }
  return found.concat(window.tensorLabToasts || []);
}"""

# What must stay uncovered: the first chart, the first metric, the page's main figure and
# its controls (first element of each selector), and every button and metric of the first
# screen (the training page's Stop and Reset).
FIRST = ['[data-testid="stMain"] [data-testid="stPlotlyChart"]',
         '[data-testid="stMain"] [data-testid="stMetric"]']
EVERY = ['[data-testid="stMain"] [data-testid="stButton"]',
         '[data-testid="stMain"] [data-testid="stMetric"]']


@pytest.fixture(scope="module")
def offline_url(tmp_path_factory):
    """A server with no MNIST in its Keras cache and no way to download it: the sample,
    with the note saying why."""
    if _chromium() is None:
        _skip_or_fail("no Chromium found (apt-get install chromium)")
    keras_home = tmp_path_factory.mktemp("empty_keras_home")
    log = tmp_path_factory.mktemp("offline_server") / "streamlit.log"
    try:
        with launch.serving(timeout=90, log=log, extra_env={
                "MNIST_SOURCE": "auto", "KERAS_HOME": str(keras_home)}) as server:
            yield server.url
    except launch.ServerFailed as failed:
        pytest.fail(f"streamlit did not start: {failed}")


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and \
        a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1


@pytest.mark.parametrize("url_path", [p.url_path for p in PAGES])
def test_nothing_covers_the_key_figure_on_a_projector(browser, offline_url, url_path):
    context = browser.new_context(viewport=SCREEN)
    context.add_init_script(RECORD_TOASTS)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app_page(page, offline_url, link(url_path, projector=True))
        targets = [*FIRST, *MAIN[url_path]]
        for selector in MAIN[url_path]:                  # the page's main figure is drawn
            expect(page.locator(selector).first).to_be_visible()
        # the offline note is still said, in the sidebar (if this machine is online, Keras
        # downloaded MNIST and there is nothing to test)
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text("MNIST").first).to_be_attached()
        if sidebar.get_by_text("Full MNIST loaded").count():
            pytest.skip("this machine is online: the server downloaded MNIST, no note to place")
        page.wait_for_timeout(1000)                      # a toast slides in after the run
        boxes = {sel: page.locator(sel).first.bounding_box() for sel in targets
                 if page.locator(sel).count()}
        for sel in EVERY:
            for k, element in enumerate(page.locator(sel).all()):
                boxes[f"{sel} #{k + 1} ({element.inner_text()[:30]!r})"] = element.bounding_box()
        covering = [f"{o['what']!r} covers {sel} "
                    f"(x {o['left']:.0f}..{o['right']:.0f}, y {o['top']:.0f}..{o['bottom']:.0f})"
                    for o in page.evaluate(OVERLAYS, targets + EVERY)
                    for sel, box in boxes.items() if box and overlaps(
                        o, {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"],
                            "bottom": box["y"] + box["height"]})]
        (SCREENSHOTS / "projector_offline").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "projector_offline" / f"{url_path}.png"))
        assert not covering, "\n".join(dict.fromkeys(covering))
        expect(sidebar.get_by_text(NOTE).first).to_be_attached()    # said where it covers nothing
        expect_no_exception(page)
    finally:
        context.close()


def test_without_projector_mode_the_note_is_said_once_in_the_page(browser, offline_url):
    """Not on a projector: the note is a warning in the page's flow, once per session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_app_page(page, offline_url, "slicing")
        main = page.locator('[data-testid="stMain"]')
        expect(main.locator('[data-testid="stAlert"]').filter(has_text=NOTE)).to_have_count(1)
        expect(page.locator('[data-testid="stToast"]')).to_have_count(0)
        page.get_by_role("link", name="Element-wise ops").first.click()
        expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text("Element-wise ops")
        expect(main.locator('[data-testid="stAlert"]').filter(has_text=NOTE)).to_have_count(0)
        expect_no_exception(page)
    finally:
        context.close()

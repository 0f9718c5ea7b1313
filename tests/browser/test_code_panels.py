"""Code panels are never cut at their edge (issue 18 #8: `tape.gradient…` was cut on the
Gradient tape page, and in projector mode the cut line is the one the class reads).

Every page, in both modes (a laptop at 1400x900; a projector at 1280x720 with
?projector=true): each code block on the first screen wraps or fits, i.e. its <pre> and
<code> are no wider inside than the box that shows them (scrollWidth <= clientWidth + 1).
"""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

from lib.site.chapter import PAGES
from tests.browser.helpers import open_app_page, screenshot

MODES = {"normal": ({"width": 1400, "height": 900}, ""),
         "projector": ({"width": 1280, "height": 720}, "?projector=true")}

# Each code block that shows on the first screen and is wider inside than its box.
CUT_BLOCKS = """() => [...document.querySelectorAll('[data-testid="stCode"]')].flatMap(block => {
    const box = block.getBoundingClientRect();
    if (box.width === 0 || box.bottom <= 0 || box.top >= window.innerHeight) return [];
    return [...block.querySelectorAll('pre, code')]
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => `${el.tagName} ${el.scrollWidth} > ${el.clientWidth} px: `
                   + block.innerText.split('\\n').sort((a, b) => b.length - a.length)[0]);
})"""
# Code panels are drawn by a chunk the browser loads lazily: until it has run, a grey
# skeleton stands where each block will be, so count only once none is left.
SKELETON = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]'
FIRST_SCREEN_CODE = """() => [...document.querySelectorAll('[data-testid="stCode"]')].filter(block => {
    const box = block.getBoundingClientRect();
    return box.width > 0 && box.bottom > 0 && box.top < window.innerHeight; }).length"""


@pytest.mark.parametrize("mode", MODES)
def test_first_screen_code_panels_are_not_cut(browser, app_url, mode):
    viewport, query = MODES[mode]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(60_000)
    cut, checked = {}, 0
    try:
        for chapter_page in PAGES:
            path = "" if chapter_page is PAGES[0] else chapter_page.url_path
            open_app_page(page, app_url, path + query)
            expect(page.locator(SKELETON)).to_have_count(0, timeout=60_000)
            checked += page.evaluate(FIRST_SCREEN_CODE)
            try:       # the blocks are drawn with the run; give the browser time to lay out
                page.wait_for_function(f"() => ({CUT_BLOCKS})().length === 0", timeout=5_000)
            except PlaywrightTimeout:
                cut[chapter_page.url_path] = page.evaluate(CUT_BLOCKS)
            if chapter_page.url_path in ("gradient_tape", "elementwise"):
                screenshot(page, f"code_panels_{chapter_page.url_path}_{mode}")
    finally:
        context.close()
    assert checked >= 5, f"only {checked} code blocks on the first screens: is the test looking?"
    assert not cut, "code cut at the panel's edge:\n" + "\n".join(
        f"{name}: {line}" for name, lines in cut.items() for line in lines)

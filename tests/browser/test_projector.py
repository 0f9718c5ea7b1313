"""Projector mode at 1280x720: every page opened from a teacher's link (non-default
settings, tests/browser/test_links.py VIEWS, plus ?projector=true) in a fresh browser shows
that view (expect_view), its title and main figure are on the screen without scrolling,
text is 1.4x, the sidebar is folded; the mode survives the lesson's "next" link.
Screenshots of what the room sees land in tests/browser/screenshots/projector/<page>.png
(git-ignored): look at them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.site.chapter import PAGES
from lib.site.lesson import PLAN
from lib.site.chapter import link
from tests.browser.helpers import SCREENSHOTS, expect_no_exception, open_app_page
from tests.browser.test_links import VIEWS, expect_view

SCREEN = {"width": 1280, "height": 720}
HEADER = '[data-testid="stHeader"]'
TITLE = '[data-testid="stMain"] h1'
SIDEBAR = '[data-testid="stSidebar"]'

# Each page's main figure (what must be fully on screen), by the keyed element(s) that
# draw it; "drawn" is what appears once it is really on the page.
MAIN = {
    "home": [".st-key-home_digit_fig .js-plotly-plot"],
    "first_network": [".st-key-qs_start", ".st-key-qs_loss_chart .js-plotly-plot"],
    "rank_shape": [".st-key-builder_picture .js-plotly-plot"],
    "slicing": [".st-key-slicing_expr", ".st-key-slicing_digit .js-plotly-plot"],
    "elementwise": [".st-key-ew_relu_grid .js-plotly-plot", ".st-key-ew_add_grid .js-plotly-plot"],
    "broadcasting": [".st-key-bc_x", ".st-key-bc_animation .js-plotly-plot"],
    "dot_product": [".st-key-dot_rule_a", ".st-key-dot_rule_fig .js-plotly-plot"],
    "reshape_transpose": [".st-key-reshape_b", ".st-key-reshape_flow .js-plotly-plot"],
    "gradient_tape": [".st-key-tape_x", ".st-key-tape_tangent .js-plotly-plot"],
    "train_naive": [".st-key-naive_start", ".st-key-naive_loss_chart .js-plotly-plot"],
    "shape_drill": ['[data-testid="stCode"]', ".st-key-drill_answer", ".st-key-drill_check"],
    "for_teachers": ['[data-testid="stLinkButton"]', "text=0–4 min · The data is a tensor",
                     '[data-testid="stCode"]'],          # the first step, its link and button
    "class_room": [".st-key-class_start"],               # before a class: its start button
}


def test_every_page_is_covered():
    assert set(MAIN) == set(VIEWS) == {p.url_path for p in PAGES}


def open_projected(browser, app_url, url_path: str, **values):
    """A fresh browser at 1280x720 on the page's link in projector mode."""
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.set_default_timeout(60_000)
    open_app_page(page, app_url, link(url_path, projector=True, **values))
    expect(page.get_by_text("Page not found")).to_have_count(0)
    return context, page


def expect_projector_mode(page) -> None:
    """Text at 1.4x (Streamlit sizes text in rem) and the sidebar folded away."""
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '22.4px'")
    expect(page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "true")


def on_screen(page, selector: str, below: float = 0) -> dict:
    """The element's box, once drawn; it must lie within the first 720 px, below `below`."""
    element = page.locator(selector).first
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None, selector
    assert box["y"] >= below - 1 and box["y"] + box["height"] <= SCREEN["height"] + 1, (
        f"{selector} spans y {box['y']:.0f}..{box['y'] + box['height']:.0f}")
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"] + 1, selector
    return box


@pytest.mark.parametrize("url_path", sorted(MAIN))
def test_a_teachers_link_shows_its_view_and_the_main_figure_fits_a_projector(
        browser, app_url, url_path):
    values, _ = VIEWS[url_path]
    context, page = open_projected(browser, app_url, url_path, **values)
    try:
        expect_view(page, url_path)
        expect_projector_mode(page)
        header = page.locator(HEADER).first.bounding_box()
        title = on_screen(page, TITLE, below=header["y"] + header["height"] if header else 0)
        for selector in MAIN[url_path]:
            on_screen(page, selector, below=title["y"] + title["height"])
        # every shape or number in large type on the first screen is shown whole, not cut
        cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
            .filter(e => e.getBoundingClientRect().bottom <= innerHeight)
            .filter(e => e.scrollWidth > e.clientWidth + 1 || e.firstElementChild &&
                         e.firstElementChild.scrollWidth > e.firstElementChild.clientWidth + 1)
            .map(e => e.textContent)""")
        assert not cut, f"cut off on a projector: {cut}"
        expect_no_exception(page)
        (SCREENSHOTS / "projector").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "projector" / f"{url_path}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("number", range(len(PLAN)))
def test_each_step_of_the_teachers_plan_opens_its_view_on_a_projector(browser, app_url, number):
    """The For teachers page's links, as a teacher clicks them before class: a fresh browser
    at 1280x720 in projector mode shows the step's page with its main figure whole under the
    title. Screenshots: tests/browser/screenshots/teacher_plan/<n>_<page>.png (look at them:
    is this the view the step describes, readable from the back?)."""
    step = PLAN[number]
    context, page = open_projected(browser, app_url, step.page, **step.view)
    try:
        expect_projector_mode(page)
        header = page.locator(HEADER).first.bounding_box()
        title = on_screen(page, TITLE, below=header["y"] + header["height"] if header else 0)
        for selector in MAIN[step.page]:
            on_screen(page, selector, below=title["y"] + title["height"])
        expect_no_exception(page)
    finally:                                          # the picture, also of a failure
        (SCREENSHOTS / "teacher_plan").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "teacher_plan" / f"{number + 1}_{step.page}.png"))
        context.close()


def test_projector_mode_follows_the_lesson_to_the_next_page(browser, app_url):
    context, page = open_projected(browser, app_url, "broadcasting")
    try:
        expect_projector_mode(page)
        page.get_by_role("link", name=re.compile("Dot product →")).click()
        expect(page).to_have_url(re.compile(r"/dot_product\?(.*&)?projector=true"))
        expect(page.locator(TITLE).first).to_have_text(re.compile("Dot product"))
        expect_projector_mode(page)
        # The click came from the bottom of a long page: the router's script (lib/ui/nav.py
        # start_at_the_top) ran once and the new page starts at its top.
        page.wait_for_function("() => window.tensorLabToTop >= 1")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop === 0")
        on_screen(page, ".st-key-dot_rule_fig .js-plotly-plot")
        expect_no_exception(page)
    finally:
        context.close()


# The figure's texts and the slider's labels, each with its box on the screen.
FIGURE_TEXTS = """(root) => [...root.querySelectorAll('.textpoint text, text.slider-label')]
    .map(t => { const b = t.getBoundingClientRect();
                return {text: t.textContent, slider: t.classList.contains('slider-label'),
                        x0: b.left, x1: b.right, y0: b.top, y1: b.bottom}; })
    .filter(b => b.x1 > b.x0)"""


def overlap(a: dict, b: dict, slack: float = 1) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
            and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > slack)


def test_the_broadcasting_figure_keeps_its_text_apart_on_a_projector(browser, app_url):
    """The book's np.maximum example at 1.4x text: the figure makes room for its larger text.
    No label (the "max" operator, the shape table's rows, the caption, the shape labels) runs
    into another text or into a cell's number, and every slider label is drawn whole inside
    the figure (the last one read "resul", cut at the right edge)."""
    values, _ = VIEWS["broadcasting"]
    assert values["op"] == "maximum"              # an operator written as a word
    context, page = open_projected(browser, app_url, "broadcasting", **values)
    try:
        expect_projector_mode(page)
        figure = page.locator(".st-key-bc_animation .js-plotly-plot").first
        expect(figure.locator("text.slider-label")).to_have_count(7)   # 6 steps, "Step: ..."
        expect(figure.locator(".textpoint text").filter(has_text="max")).to_have_count(1)
        box = figure.bounding_box()
        texts = figure.evaluate(FIGURE_TEXTS)
        labels = [t for t in texts if not t["slider"]]
        digits = {t["text"] for t in labels if re.fullmatch(r"\d", t["text"])}
        assert digits, "no cell numbers drawn"
        collisions = [(a["text"], b["text"]) for i, a in enumerate(labels)
                      for b in labels[i + 1:]
                      if not (re.fullmatch(r"\d", a["text"]) and re.fullmatch(r"\d", b["text"]))
                      and overlap(a, b)]
        assert not collisions, f"texts drawn over each other: {collisions}"
        outside = [t["text"] for t in texts if t["slider"] and (
            t["x0"] < box["x"] - 1 or t["x1"] > box["x"] + box["width"] + 1)]
        assert not outside, f"slider labels cut at the figure's edge: {outside}"
        expect_no_exception(page)
    finally:
        (SCREENSHOTS / "projector").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "projector" / "broadcasting_book_example.png"))
        context.close()

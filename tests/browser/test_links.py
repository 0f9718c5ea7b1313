"""Every view is a link: for every page, a link with non-default settings (built with
lib.site.chapter.link) opened in a fresh browser shows those settings in its widgets and the shape
or number that follows from them; a link with hostile values shows the defaults, a 🔗 note
for each refused value, and no exception.

Widgets are found by their key (Streamlit gives each keyed widget the class st-key-<key>)
and read with Playwright's retrying assertions."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.core.data import load_mnist
from lib.figures.broadcast import broadcast_animation
from lib.site.lesson import PLAN
from lib.quiz import make_question
from lib.train.config import PRESETS
from lib.site.chapter import BY_PAGE, page_path
from lib.site.settings import query_string
from tests.browser.helpers import expect_metric, expect_no_exception, open_app_page

LABELS = load_mnist().train_labels                     # the bundled sample, as the server has it
CODE = '[data-testid="stCode"]'


def widget(page, key: str):
    return page.locator(f".st-key-{key}").first


def number_pattern(value) -> re.Pattern:
    """2 -> 2, 2.0, 2.00; 0.5 -> 0.5, 0.50."""
    text = f"{value:g}"
    decimals = "0*" if "." in text else r"(\.0*)?"
    return re.compile(f"^{re.escape(text)}{decimals}$")


def expect_setting(page, setting, value) -> None:
    """The widget of `setting` shows `value` (waits for it)."""
    box, kind = widget(page, setting.key), setting.widget
    if kind == "text":
        expect(box.locator("input")).to_have_value(value)
    elif kind == "number":
        expect(box.locator("input")).to_have_value(number_pattern(value))
    elif kind == "slider":
        expect(box.locator('input[type="range"]')).to_have_attribute(
            "aria-valuetext", number_pattern(value))
    elif kind == "select_slider":
        expect(box.locator('input[type="range"]')).to_have_attribute(
            "aria-valuetext", setting.label_of(value))
    elif kind == "selectbox":
        expect(box.locator("input")).to_have_value(setting.label_of(value))
    elif kind == "radio":
        expect(box.locator('[data-testid="stRadioOption"][data-selected="true"]')).to_have_text(
            setting.label_of(value))
    elif kind == "multiselect":
        expect(box.locator('[aria-label="Selected values"] [data-tag]')).to_have_text(
            [(setting.format or str)(v) for v in value])
    else:                                                                  # toggle
        (expect(box.locator("input")).to_be_checked() if value
         else expect(box.locator("input")).not_to_be_checked())


def expect_exact_metric(page, label: str, value: str) -> None:
    """The st.metric whose label is exactly `label` shows `value`."""
    name = page.locator('[data-testid="stMetricLabel"]').filter(
        has_text=re.compile(rf"^{re.escape(label)}$"))
    metric = page.locator('[data-testid="stMetric"]').filter(has=name).first
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(value)


def expect_code(page, text: str) -> None:
    expect(page.locator(CODE).filter(has_text=text).first).to_be_attached()


def expect_text(page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_attached()


def open_fresh(browser, app_url, url: str, height: int = 3000):
    """A new browser context (no cookies, no session) opened on `url`."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    open_app_page(page, app_url, url)
    expect(page.get_by_text("Page not found")).to_have_count(0)      # the link's page exists
    return context, page


# ------------------------------------------------------------------ links to a view

def check_home(page):
    expect_metric(page, "train_images[7].shape", "(28, 28)")
    expect_exact_metric(page, "label", str(LABELS[7]))


def check_first_network(page):
    expect_code(page, "epochs=3, batch_size=64)")
    expect_metric(page, "before: train_images[i]", "(28, 28)")


def check_rank_shape(page):
    expect_metric(page, "Resulting shape", "(2, 3, 4, 5)")
    expect_code(page, 'x = x.astype("float32")')


def check_slicing(page):
    expect_metric(page, "selection.shape", f"({len(LABELS)}, 14, 14)")
    expect_metric(page, "batch.shape", "(100, 28, 28)")
    expect_code(page, "n = 5  ->  train_images[500:600]")


def check_elementwise(page):
    expect_metric(page, "Result shape", "(3, 5)")
    expect_code(page, "x = rng.random((10, 50))")


def check_broadcasting(page):
    expect_metric(page, "np.maximum(x, y).shape", "(64, 3, 32, 10)")
    label = broadcast_animation((64, 3, 32, 10), (32, 10), op="maximum").layout.sliders[0] \
        .steps[3].label
    expect(page.locator(".js-plotly-plot text.slider-label").first).to_have_text(f"Step: {label}")


def check_dot_product(page):
    expect_metric(page, "np.dot(x, y).shape", "(32, 64)")
    expect_text(page, "needs 24 multiply-adds and gives")
    expect_text(page, "(8, 3, 5)")                             # (8, 3, 2) @ (8, 2, 5)


def check_reshape_transpose(page):
    expect_metric(page, "x.reshape((4, -1)).shape", "(4, 6)")
    expect_metric(page, "result shape", "(10, 300, 50, 20)")
    expect_text(page, "flat[9, 140:168]")


def check_gradient_tape(page):
    expect_metric(page, "tape.gradient(y, x)", "6", timeout_ms=90_000)   # TF's first import


def check_train_naive(page):
    expect(page.locator('[data-testid="stExpander"] summary').filter(
        has_text="⚙️ Settings").first).to_contain_text(
        "learning_rate 0.1 · batch_size 128 · 3 epochs")
    expect_text(page, "Digit #6 is a")


def check_shape_drill(page):
    question = make_question("dot", "harder", 12345)
    expect_text(page, "Dot product · harder · question 12345")
    expect_code(page, question.code.splitlines()[-1])


def check_for_teachers(page):
    expect_code(page, PLAN[2].link(False))
    expect(page.locator(CODE).filter(has_text="projector=true")).to_have_count(0)


def check_class_room(page):
    expect(widget(page, "class_start")).to_be_visible()         # a fresh session: not teaching


VIEWS = {
    "home": ({"digit": 7, "values": False}, check_home),
    "first_network": ({"digit": 5, "epochs": 3, "batch_size": 64, "seed": 7},
                      check_first_network),
    "rank_shape": ({"rank": 4, "axis_3": 5, "dtype": "float32"}, check_rank_shape),
    "slicing": ({"index": "train_images[:, 7:-7, 7:-7]", "batch_size": 100, "n": 5,
                 "question": 42}, check_slicing),
    "elementwise": ({"values": "random", "rows": 3, "cols": 5, "seed": 7, "race_rows": 10,
                     "race_cols": 50, "race_repeats": 200}, check_elementwise),
    "broadcasting": ({"preset": "Book: np.maximum on (64, 3, 32, 10) and (32, 10)",
                      "x": "(64, 3, 32, 10)", "y": "(32, 10)", "op": "maximum", "step": 3,
                      "question": 7}, check_broadcasting),
    "dot_product": ({"x": "(32, 10)", "y": "(10, 64)", "n": 3, "k": 4, "m": 2, "by_cell": True,
                     "a": "(8, 3, 2)", "b": "(8, 2, 5)", "question": 9}, check_dot_product),
    "reshape_transpose": ({"x": "(2, 3, 4)", "new": "(4, -1)", "digit": 9, "row": 5, "rows": 2,
                           "cols": 5, "axes": "(1, 0, 2, 3)", "question": 3},
                          check_reshape_transpose),
    "gradient_tape": ({"function": "square", "x": 3.0}, check_gradient_tape),
    "train_naive": ({"preset": "faster: lr 0.1", **PRESETS["faster: lr 0.1"], "epochs": 3,
                     "pick": 5}, check_train_naive),
    "shape_drill": ({"kinds": ("dot",), "level": "harder", "question": 12345}, check_shape_drill),
    "for_teachers": ({"projector_links": False}, check_for_teachers),
    "class_room": ({"kind": "dot", "level": "harder", "question": 42}, check_class_room),
}


def test_every_page_is_covered():
    assert set(VIEWS) == set(BY_PAGE) == set(HOSTILE)


def expect_view(page, url_path: str) -> None:
    """The page shows VIEWS[url_path]: its widgets hold the link's values, and the shape or
    number that follows from them is on the page. (tests/browser/test_projector.py opens
    each of these links, in projector mode, in a fresh browser, and calls this.)"""
    values, check = VIEWS[url_path]
    settings = BY_PAGE[url_path]
    for name, value in values.items():
        expect_setting(page, settings[name], value)
    check(page)


# ------------------------------------------------------------------ hostile links

HUGE = "9" * 10_000                                  # far past every setting's bound
MILLION_AXES = "(1,)*1000000"                        # a million axes, if anything evaluated it
CALL = "__import__('os')"

HOSTILE = {                                          # query parameters, as a link carries them
    "home": {"home_digit": "99999999", "home_values": CALL},
    "first_network": {"qs_digit": "-5", "qs_epochs": "1e309", "qs_batch": CALL, "qs_seed": HUGE},
    "rank_shape": {"builder_rank": "9", "builder_axis_0": "1e309", "builder_dtype": CALL},
    "slicing": {"slicing_expr": "train_images[" + HUGE + "]", "slicing_batch_size": "0",
                "slicing_n": "-1", "slicing_quiz_seed": HUGE},
    "elementwise": {"ew_values": CALL, "race_rows": "-3", "race_repeats": "9" * 50},
    "broadcasting": {"bc_x": MILLION_AXES, "bc_y": "(" + "1, " * 9 + ")", "bc_op": CALL,
                     "bc_step": "1e309", "quiz_seed": "-1"},
    "dot_product": {"dot_rule_a": CALL, "dot_rule_b": HUGE, "dot_n": "6", "dot_by_cell": "maybe",
                    "dot_nd_a": MILLION_AXES},
    "reshape_transpose": {"reshape_a": CALL, "reshape_b": "(-1, -1)", "reshape_digit": "99999",
                          "transpose_nd_axes": HUGE},
    "gradient_tape": {"tape_fn": CALL, "tape_x": "1e309"},
    "train_naive": {"naive_lr": "1e999", "naive_batch": "0", "naive_epochs": "-1",
                    "naive_engine": CALL, "naive_pick": "99"},
    "shape_drill": {"drill_kinds": CALL, "drill_level": HUGE, "drill_seed": "-3"},
    "for_teachers": {"teach_projector": "maybe"},
    "class_room": {"class_kind": CALL, "class_level": HUGE, "class_seed": "-3"},
}
DEFAULT_SHOWN = {                                    # what the page shows with its defaults
    "home": lambda page: expect_metric(page, "train_images[4].shape", "(28, 28)"),
    "slicing": lambda page: expect_metric(page, "selection.shape", "(90, 28, 28)"),
    "broadcasting": lambda page: expect_metric(page, "x + y.shape", "(32, 10)"),
    "dot_product": lambda page: expect_metric(page, "np.dot(x, y).shape", "()"),
    "reshape_transpose": lambda page: expect_metric(page, "x.reshape((6, 1)).shape", "(6, 1)"),
}


@pytest.mark.parametrize("url_path", sorted(HOSTILE))
def test_a_hostile_link_shows_the_defaults_and_says_so(browser, app_url, url_path):
    settings = {s.key: s for s in BY_PAGE[url_path]}
    url = f"{page_path(url_path)}?{query_string(HOSTILE[url_path])}"
    context, page = open_fresh(browser, app_url, url)
    try:
        for key in HOSTILE[url_path]:
            setting = settings[key]
            default = setting.default_for()
            expect_setting(page, setting, default)
            note = page.get_by_text(f"🔗 The link's {setting.label} was not used")
            expect(note.first).to_be_attached()
        if url_path in DEFAULT_SHOWN:
            DEFAULT_SHOWN[url_path](page)
        expect_no_exception(page)
    finally:
        context.close()

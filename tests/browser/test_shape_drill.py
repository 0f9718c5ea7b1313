"""Shape drill in a real browser: one answer right, one wrong; the verdicts, the score and
the step-by-step explanation appear.

The page shows each question's number; the test asks lib.quiz for that question (the same
function the page uses) to know the right answer."""
import re

from playwright.sync_api import expect

from lib.quiz import KINDS, drill_question
from lib.rules.shapes import format_shape
from tests.browser.helpers import (assert_no_exception, expect_metric, open_app_page, screenshot,
                                   wait_idle)

ANSWER = "Your answer: the shape, or error"
NUMBER = re.compile(r"· basic · question (\d+)")


def question_caption(page):
    return page.locator('[data-testid="stCaptionContainer"]').filter(has_text=NUMBER).first


def shown_question(page, not_seed: int | None = None):
    """The question on screen (once its number is there, and differs from `not_seed`)."""
    caption = question_caption(page)
    expect(caption).to_have_text(NUMBER)
    if not_seed is not None:
        expect(caption).not_to_have_text(re.compile(rf"question {not_seed}$"))
    seed = int(NUMBER.search(caption.inner_text()).group(1))
    question = drill_question(KINDS, "basic", seed)
    code = page.locator('[data-testid="stCode"]').filter(has_text=question.expression).first
    expect(code).to_contain_text(question.code.splitlines()[0])
    return question


def submit(page, text: str) -> None:
    box = page.get_by_label(ANSWER)
    box.fill(text)
    page.get_by_role("button", name=re.compile("Check")).click()


def test_one_right_one_wrong(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2000})
    open_app_page(page, app_url, "shape_drill")
    expect_metric(page, "Score", "0 / 0")

    question = shown_question(page)
    submit(page, question.answer_text)
    alerts = page.locator('[data-testid="stAlert"]')
    expect(alerts.filter(has_text="Right")).to_be_visible()
    expect_metric(page, "Score", "1 / 1")
    expect_metric(page, "Streak", "1")
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "shape_drill_right")

    page.get_by_role("button", name=re.compile("New question")).click()
    expect(alerts.filter(has_text="Right")).to_have_count(0)
    question = shown_question(page, not_seed=question.seed)
    expect(page.get_by_label(ANSWER)).to_have_value("")
    submit(page, "(7777, 3)")
    expect(alerts.filter(has_text="Not quite")).to_be_visible()
    expect(alerts.filter(has_text="7777")).to_be_visible()
    expect_metric(page, "Score", "1 / 2")
    expect_metric(page, "Streak", "0")
    why = page.locator('[data-testid="stExpander"]').filter(has_text="Why: step by step")
    expect(why).to_be_visible()
    steps = why.locator('[data-testid="stExpanderDetails"]')
    expect(steps).to_be_visible()                               # open after a miss
    expect(steps).to_contain_text(f"x has shape {format_shape(question.shapes[0])}")
    expect(steps).to_contain_text(question.answer_text if question.answer is not None else "error")
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "shape_drill_wrong")

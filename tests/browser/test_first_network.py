"""A first neural network in a real browser: train one epoch, predict, evaluate, draw."""
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.helpers import (assert_no_exception, metric_value, open_app_page, screenshot,
                                   wait_charts, wait_idle)


# The drawing canvas (streamlit-drawable-canvas, Fabric.js): strokes land on the upper canvas
# and are painted on the lower one. It gives no "ready" signal: a stroke made before its
# first load of the (empty) initial drawing has finished is wiped by that load, and never
# sent. So the test looks at the canvas itself: ink and no answer is a failure of the app;
# no ink means the stroke was wiped, and it draws again, as a student would.
INK = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] > 128) n++;
  return n; }"""


def draw_a_one_and_wait_for_the_answer(page) -> None:
    upper = page.locator("canvas.upper-canvas").filter(visible=True).last
    upper.wait_for(state="visible", timeout=30_000)
    ink = page.locator("canvas.dc-canvas.lower-canvas").last
    for attempt in range(3):
        box = upper.bounding_box()
        assert box["width"] >= 250 and box["height"] >= 250
        page.mouse.move(box["x"] + 140, box["y"] + 50)         # a "1": one vertical stroke
        page.mouse.down()
        for step in range(1, 19):
            page.mouse.move(box["x"] + 140, box["y"] + 50 + 10 * step)
        page.mouse.up()
        try:
            page.get_by_text("The network says").wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            pixels = ink.evaluate(INK)
            if pixels:
                screenshot(page, "first_network_draw_no_answer")
                raise AssertionError(f"the stroke is on the canvas ({pixels} pixels of ink) "
                                     "but the network's answer never appeared") from None
    raise AssertionError("three strokes in a row were wiped from the canvas")


def test_quick_start_trains_predicts_evaluates_and_the_canvas_loads(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 7000})
    open_app_page(page, app_url, "first_network")
    expect(page.get_by_text("401,920").first).to_be_visible()
    expect(page.get_by_text("5,130").first).to_be_visible()

    epochs = page.locator('input[aria-label="epochs"]')
    epochs.fill("2")
    epochs.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="▶️ Start").click()
    # the Keras-like log reaches the last batch of epoch 2, then evaluate's result appears
    page.get_by_text("Epoch 2/2").first.wait_for(timeout=120_000)
    page.locator('[data-testid="stMetric"]').filter(has_text="test_acc").first.wait_for(
        timeout=120_000)
    wait_idle(page)
    assert_no_exception(page)
    log = page.locator('[data-testid="stCode"]').filter(has_text="Epoch 1/2").first
    expect(log).to_contain_text("32/32")
    expect(log).to_contain_text("accuracy:")
    value = float(metric_value(page, "test_acc"))
    assert value > 0.85                                # two epochs of Adam on 4,000 digits
    expect(page.get_by_text("predictions[0].argmax()").first).to_be_visible()
    wait_charts(page, 5)                                # look inside is closed: not drawn
    screenshot(page, "first_network")

    page.locator('[data-testid="stExpander"] summary').filter(has_text="Open the network").click()
    page.get_by_role("tab", name="🔬 Hidden units").wait_for()
    page.get_by_role("tab", name="🧮 Confusion matrix").click()
    expect(page.get_by_text("read as").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "first_network_confusion")

    page.get_by_role("tab", name="✏️ Draw a digit").click()
    wait_idle(page)
    draw_a_one_and_wait_for_the_answer(page)
    wait_idle(page)
    assert_no_exception(page)
    screenshot(page, "first_network_draw")

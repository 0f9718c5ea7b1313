"""A page's first view in a fresh tab: its controls are drawn without waiting for Plotly.

On a fresh tab Streamlit's browser side loads the JavaScript of each kind of element when the
first one arrives. Plotly's is 4.7 MB; evaluating it and drawing the figures holds the
browser's only thread for 1-10 s, and controls waiting behind it stayed grey skeletons after
the script was done. Two things guard against that, and both tests wait for what they check:

- the order of what the server sends: a page's Plotly figures come after every widget of
  the page's run (lib/ui/widgets.py: figures_last), read from the websocket's own messages
  (this matters when the server is slow: the controls are drawn before a figure arrives);
- with the Plotly chunk held back by the test (never answered until the end), the script
  finishes and every control, code panel and text is drawn: no skeleton is left outside a
  figure's place. A control that needed Plotly (or sat behind it) would stay grey.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import IDLE, expect_no_exception

PAGES = ["", "rank_shape", "reshape_transpose", "train_naive"]   # Home and the pages fixed
# Pages whose figures are all the page's own: the training pages' live panel is a fragment,
# which draws its charts at once, in its place (only a full run of a page sends them last).
ORDERED_PAGES = ["", "rank_shape", "reshape_transpose"]
WIDGETS = {"slider", "number_input", "selectbox", "checkbox", "radio", "text_input",
           "button", "multiselect", "button_group", "text_area", "date_input", "toggle"}
PLOTLY_CHUNK = "**/static/js/PlotlyChart*.js"
# Streamlit's placeholders while an element's chunk is not loaded or not yet drawn
SKELETON = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]'
CONTROL_SKELETONS = f"""() => [...document.querySelectorAll('{SKELETON}')]
    .filter(s => !s.closest('.stPrintGraphic')).length"""


def _elements_in_order(frames: list[bytes]) -> list[str]:
    """The kind of each new element the server sent, in the order it sent them."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds = []
    for frame in frames:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(frame)
        except Exception:        # not a ForwardMsg (nothing else is sent on this socket)
            continue
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            kinds.append(msg.delta.new_element.WhichOneof("type"))
    return kinds


@pytest.mark.parametrize("url_path", ORDERED_PAGES)
def test_figures_are_sent_after_every_widget_of_the_page(browser, app_url, url_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(90_000)
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: frames.append(f) if isinstance(f, bytes) else None))
    try:
        page.goto(f"{app_url}/{url_path}", wait_until="commit")
        page.wait_for_selector('[data-testid="stMain"] h1')
        page.wait_for_selector(IDLE)       # the run's last message: every delta has arrived
        kinds = _elements_in_order(frames)
        assert "plotly_chart" in kinds, kinds
        first_figure = kinds.index("plotly_chart")
        late = [k for k in kinds[first_figure:] if k in WIDGETS]
        assert not late, (f"widgets sent after the first figure: {late}; "
                          f"the run sent {kinds}")
        expect_no_exception(page)
    finally:
        context.close()


@pytest.mark.parametrize("url_path", PAGES)
def test_controls_are_drawn_while_plotly_has_not_arrived(browser, app_url, url_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    held = []
    context.route(PLOTLY_CHUNK, lambda route: held.append(route))   # unanswered while it looks
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(f"{app_url}/{url_path}", wait_until="commit")
        page.wait_for_selector('[data-testid="stMain"] h1')
        page.wait_for_selector(IDLE)
        page.wait_for_function(f"() => ({CONTROL_SKELETONS})() === 0", timeout=90_000)
        assert held, "the page asked for no Plotly chunk: nothing was held back"
        expect(page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]')).to_have_count(0)
        controls = page.locator('[data-testid="stMain"] [data-testid="stSlider"], '
                                '[data-testid="stMain"] [data-testid="stNumberInput"], '
                                '[data-testid="stMain"] [data-testid="stTextInput"]')
        expect(controls.first).to_be_attached()          # drawn, not a placeholder
        expect_no_exception(page)
    finally:
        for route in held:
            route.abort()
        context.close()

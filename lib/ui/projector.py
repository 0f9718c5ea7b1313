"""Projector mode: larger text, code and numbers for the back row, sidebar folded away.

A toggle in the sidebar, bound to the URL as ?projector=true (also accepted: 1, on, yes),
so a teacher's link opens every page in projector mode and the setting follows the class
from page to page. The styles only touch Streamlit's public test ids and plain HTML tags.
"""
from __future__ import annotations

import streamlit as st

from lib.site.settings import PROJECTOR
from lib.ui.bound import setting_widget
from lib.ui.mode import TEXT_SCALE, height, requested, text_scale  # noqa: F401 (ui's names)

# Body text 1.4x, code and metric values larger still, less empty space above the title, and
# the page as wide as the screen.
STYLE = """
<style>
html { font-size: $ROOT_PERCENT%; }
header[data-testid="stHeader"] { height: 2.4rem !important; min-height: 0; background: transparent; }
[data-testid="stMainBlockContainer"] { padding: 2.6rem 1.6rem 2rem 2.6rem; max-width: 100%; }
[data-testid="stMain"] h1 { font-size: 2.1rem; padding-top: 0; padding-bottom: 0.25rem; }
[data-testid="stMain"] h2 { font-size: 1.6rem; }
[data-testid="stMain"] h3 { font-size: 1.3rem; }
[data-testid="stCode"] code, [data-testid="stCode"] pre { font-size: 1.05rem; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>
""".replace("$ROOT_PERCENT", f"{TEXT_SCALE * 100:g}")


def top_slot():
    """A place right under the page's title. In projector mode the page draws its main
    figure there (`with main_place(slot):`), whatever comes first in the page otherwise."""
    return st.container()


def main_place(slot, heading: str = "", text: str = "", small: bool = False):
    """Where the page's main section goes: `slot` in projector mode, here otherwise. The
    section's heading and its short instruction are drawn here only: on a projector the
    page's title says enough, and the room goes to the figure."""
    if requested():
        return slot
    place = st.container()
    if heading:
        (place.subheader if small else place.header)(heading)
    if text:
        place.markdown(text)
    return place


def projector_controls() -> bool:
    """In the router: the toggle in the sidebar, and the styles when it is on."""
    on = bool(setting_widget(PROJECTOR, st.sidebar))
    if on:
        st.html(STYLE)
    return on

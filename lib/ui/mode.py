"""Is projector mode on? The one question every part of lib/ui asks about it (page furniture,
figures, navigation, the projector's own controls), answered here so none of them needs the
others: the toggle's state, or before it exists the link's value, read by the setting's own
rules (lib/site/settings.py PROJECTOR). Imports only lib.site."""
from __future__ import annotations

import streamlit as st

from lib.site.settings import PROJECTOR

# Text in projector mode, page and figures alike: 1.4x. The page's text grows with the root
# font size (Streamlit sizes text in rem); the figures' with text_scale() (lib/ui/widgets.py
# plotly() draws every figure with lib.figures.common.scaled_fonts).
TEXT_SCALE = 1.4


def requested() -> bool:
    """Is projector mode on? The toggle's state, or before it exists the link's value (read
    with the setting's own checks; anything unreadable means off)."""
    state = st.session_state
    if PROJECTOR.key in state:
        return bool(state[PROJECTOR.key])
    try:
        return bool(PROJECTOR.from_url(st.query_params.get(PROJECTOR.key, "false")))
    except ValueError:
        return False


def text_scale() -> float:
    """How much larger the figures' text is drawn: TEXT_SCALE in projector mode, else 1."""
    return TEXT_SCALE if requested() else 1.0


def height(normal: int | None, projector: int) -> int | None:
    """A figure's height: `projector` in projector mode (chosen so the page's main figure
    fits a 1280x720 screen under the title), `normal` otherwise."""
    return projector if requested() else normal

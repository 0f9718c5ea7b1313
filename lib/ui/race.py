"""The race of naive loops against NumPy (lib/rules/race.py) as the operation pages run it: a
button that races under a progress bar and keeps the result across reruns, and the
scoreboard that shows it. Used by the Element-wise ops and Dot product pages."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.figures.elementwise import race_bars
from lib.rules.race import RaceResult, race
from lib.ui.widgets import plotly


def race_button(label: str, key: str, naive_fn: Callable[..., Any],
                numpy_fn: Callable[..., Any], make_args: Callable[[], tuple], repeats: int, *,
                state_key: str, context: tuple = (), start_text: str = "racing…",
                primary: bool = False) -> tuple | None:
    """A button that races `naive_fn` against `numpy_fn`, `repeats` times each, on
    `make_args()` (built only on a click), under a progress bar that goes once the race is
    over, and keeps `(*context, result)` in st.session_state[state_key]. Returns what is
    kept there: the last race's, also on later reruns, or None before the first race."""
    if st.button(label, key=key, type="primary" if primary else "secondary"):
        bar = st.progress(0.0, text=start_text)
        result = race(naive_fn, numpy_fn, make_args(), int(repeats),
                      progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))
        bar.empty()
        st.session_state[state_key] = (*context, result)
    return st.session_state.get(state_key)


def race_scoreboard(result: RaceResult, metrics: list[tuple], key: str) -> None:
    """A race's numbers side by side, each (label, value) or (label, value, help), then
    its two bars (naive loops, NumPy)."""
    for column, (label, value, *more) in zip(st.columns(len(metrics)), metrics):
        column.metric(label, value, help=more[0] if more else None)
    plotly(race_bars(result), key=key)

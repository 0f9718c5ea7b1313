"""lib/ui/race.py under AppTest: the race button runs lib.rules.race.race only on a click, keeps
its result across reruns, and the scoreboard shows it."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from lib.rules.race import RaceResult


def race_script():
    import numpy as np
    import streamlit as st

    from lib.ui.race import race_button, race_scoreboard

    built = st.session_state.setdefault("built", [])

    def make_args():
        built.append(1)
        return (np.arange(6.0),)

    raced = race_button("🏁 Race", "race_btn", lambda x: x * 2, lambda x: x + x, make_args, 3,
                        state_key="kept", context=("ctx", 7), start_text="go",
                        primary=st.session_state.get("primary", False))
    st.session_state["returned"] = raced
    if raced is not None:
        race_scoreboard(raced[-1], [("first", "1 s"), ("second", "2 s", "its help")],
                        key="race_bars_test")


def open_script(**state) -> AppTest:
    at = AppTest.from_function(race_script)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_nothing_races_and_nothing_shows_before_a_click():
    at = open_script()
    assert at.session_state["returned"] is None and "kept" not in at.session_state
    assert at.session_state["built"] == []                  # the inputs are built on a click
    assert not at.metric and not at.get("plotly_chart")
    assert at.button(key="race_btn").label == "🏁 Race"


def test_a_click_races_keeps_the_result_and_shows_the_scoreboard():
    at = open_script()
    at.button(key="race_btn").click().run()
    assert not at.exception, at.exception
    *context, result = at.session_state["kept"]
    assert context == ["ctx", 7] and isinstance(result, RaceResult)
    assert result.repeats == 3 and result.results_equal          # x * 2 == x + x
    assert at.session_state["returned"] == at.session_state["kept"]
    assert at.session_state["built"] == [1]
    assert [(m.label, m.value, m.help) for m in at.metric] == [
        ("first", "1 s", ""), ("second", "2 s", "its help")]
    assert [c.weight for c in at.columns] == [0.5, 0.5]
    (chart,) = at.get("plotly_chart")
    bars = json.loads(chart.proto.spec)["data"][0]
    assert bars["type"] == "bar" and list(bars["y"]) == ["naive loops", "NumPy"]
    assert not at.get("progress")                                # the bar is gone once done
    at.run()                                                     # a later rerun, no click
    assert at.session_state["kept"][-1] == result
    assert at.session_state["built"] == [1]                       # not raced again
    assert len(at.metric) == 2


def test_the_button_can_be_the_pages_primary_one():
    assert open_script().button(key="race_btn").proto.type == "secondary"
    assert open_script(primary=True).button(key="race_btn").proto.type == "primary"

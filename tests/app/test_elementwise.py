"""AppTest: Element-wise ops."""
import numpy as np

from tests.app.helpers import open_app, plotly_specs


def elementwise_page():
    at = open_app("pages/elementwise.py")
    assert not at.exception
    return at


def test_page_shows_loops_numpy_and_pictures():
    at = elementwise_page()
    codes = [c.value for c in at.code]
    assert any("def naive_relu(x)" in c for c in codes)
    assert any("def naive_add(x, y)" in c for c in codes)
    assert any("np.maximum(x, 0.)" in c for c in codes)
    assert [m.value for m in at.metric if m.label == "Result shape"] == ["(4, 6)"]
    relu = plotly_specs(at)[0]          # x -> naive_relu(x): no negative value is left
    after = np.array(relu["data"][1]["z"], dtype=float)
    assert after.min() >= 0 and np.array(relu["data"][0]["z"]).min() < 0


def test_controls_change_the_shape():
    at = elementwise_page()
    at.slider(key="ew_rows").set_value(2).run()
    at.slider(key="ew_cols").set_value(3).run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Result shape"] == ["(2, 3)"]


def test_tiny_race_runs_and_agrees():
    at = elementwise_page()
    at.number_input(key="race_rows").set_value(2)
    at.number_input(key="race_cols").set_value(3)
    at.number_input(key="race_repeats").set_value(5)
    at.button(key="race_run").click().run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["naive loops"].endswith(" s") and labels["speed-up"].endswith("×")
    assert any("Same answer on both sides" in s.value for s in at.success)
    assert not at.error


def test_race_too_big_is_capped_with_a_warning():
    at = elementwise_page()
    at.number_input(key="race_rows").set_value(1000)
    at.number_input(key="race_cols").set_value(1000)
    at.number_input(key="race_repeats").set_value(100_000).run()
    assert not at.exception
    assert any("capped" in w.value for w in at.warning)
    assert any("range(6)" in c.value for c in at.code)     # 6,000,000 steps / 1,000,000 elements

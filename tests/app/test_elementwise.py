"""AppTest: Element-wise ops."""
import numpy as np

from tests.app.helpers import open_app, plotly_specs


def elementwise_page():
    at = open_app("pages/elementwise.py")
    assert not at.exception
    return at


def test_page_shows_loops_numpy_and_the_notebooks_examples():
    at = elementwise_page()
    codes = [c.value for c in at.code]
    assert any("def naive_relu(x)" in c for c in codes)
    assert any("def naive_add(x, y)" in c for c in codes)
    assert any("np.maximum(x, 0.)" in c for c in codes)
    assert [m.value for m in at.metric if m.label == "Result shape"] == ["(2, 3)"]
    relu = plotly_specs(at)[0]          # the notebook's relu matrix -> naive_relu(x)
    assert relu["data"][0]["z"] == [[1, 2, -3], [2, -1, 3], [0, -32, -1]]
    assert relu["data"][1]["z"] == [[1, 2, 0], [2, 0, 3], [0, 0, 0]]
    add = plotly_specs(at)[1]
    assert add["data"][2]["z"] == [[11, 22, 33], [44, 55, 66]]


def test_the_relu_slip_shows_the_unchanged_input_and_the_fix():
    at = elementwise_page()
    codes = [c.value for c in at.code]
    slip = next(c for c in codes if "naive_relu(array)\nprint(array)" in c)
    assert "# [[  1   2  -3]" in slip and "#  [  0 -32  -1]]" in slip
    fix = next(c for c in codes if c.startswith("print(naive_relu(array))"))
    assert "# [[1 2 0]" in fix
    assert any("A slip worth seeing" in m.value for m in at.markdown)


def test_random_values_follow_the_controls():
    at = elementwise_page()
    at.radio(key="ew_values").set_value("random").run()
    assert [m.value for m in at.metric if m.label == "Result shape"] == ["(4, 6)"]
    relu = plotly_specs(at)[0]
    after = np.array(relu["data"][1]["z"], dtype=float)
    assert after.min() >= 0 and np.array(relu["data"][0]["z"]).min() < 0
    assert not any("A slip worth seeing" in m.value for m in at.markdown)
    at.slider(key="ew_rows").set_value(2).run()
    at.slider(key="ew_cols").set_value(3).run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Result shape"] == ["(2, 3)"]


def test_the_race_code_shows_what_runs():
    at = elementwise_page()
    race = next(c.value for c in at.code if "t0 = time.time()" in c.value)
    assert "rng.random((20, 100))" in race and "range(1000)" in race
    assert "uniform" not in race


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
    assert any("range(2)" in c.value for c in at.code)     # 2,000,000 steps / 1,000,000 elements

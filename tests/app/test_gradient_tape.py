"""The Gradient tape page under AppTest."""
from __future__ import annotations

import pytest

from tests.app.helpers import open_page, plotly_specs


@pytest.fixture(scope="module")
def at():
    return open_page("pages/gradient_tape.py", timeout=120)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_the_books_example_shows_2(at):
    assert metric(at, "grad_of_y_wrt_x") == "2"
    assert any("y = 2 * x + 3" in c.value and "tape.watch(x)" in c.value for c in at.code)
    assert any("returns `None`" in c.value for c in at.caption)


@pytest.mark.parametrize("key, x, expected", [("square", 1.5, "3"), ("relu", -2.0, "0"),
                                              ("relu", 2.0, "1"), ("sigmoid", 0.0, "0.25")])
def test_each_function_shows_the_tape_and_the_hand_derivative_agreeing(at, key, x, expected):
    at.radio(key="tape_fn").set_value(key).run()
    at.slider(key="tape_x").set_value(x).run()
    assert not at.exception
    assert metric(at, "tape.gradient(y, x)") == expected
    hand = next(m for m in at.metric if m.label.startswith("dy/dx"))
    assert hand.value == expected
    tangent = next(s for s in plotly_specs(at) if len(s["data"]) == 3)
    assert f"slope {expected}" in tangent["data"][1]["name"]


def test_linear_with_edited_coefficients(at):
    at.radio(key="tape_fn").set_value("linear").run()
    at.number_input(key="tape_a").set_value(-3.5).run()
    at.slider(key="tape_x").set_value(4.0).run()
    assert metric(at, "tape.gradient(y, x)") == "-3.5"
    assert any("y = -3.5 * x + 3" in c.value for c in at.code)


def test_tensor_gradients_have_their_variables_shapes(at):
    assert metric(at, "W.shape") == metric(at, "gradient of W") == "(2, 2)"
    assert metric(at, "b.shape") == metric(at, "gradient of b") == "(2,)"


def test_the_tangent_figure_names_the_line_the_code_beside_it_differentiates():
    """The code panel says `y = 2 * x + 3`; the figure's title said `y = a·x + b`."""
    from tests.app.helpers import open_page, plotly_specs

    at = open_page("pages/gradient_tape.py")
    assert any("    y = 2 * x + 3" in c.value for c in at.code)
    title = plotly_specs(at)[0]["layout"]["title"]["text"]
    assert title.startswith("y = 2·x + 3 and its tangent at x = ")

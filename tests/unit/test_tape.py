"""The Gradient tape helpers: the tape's gradient equals the hand-derived one."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.rules import tape


def test_the_books_example_gives_2_from_a_watched_constant():
    import inspect
    assert tape.book_example() == 2.0
    code = inspect.getsource(tape.book_example)
    assert "x = tf.zeros(shape=())" in code and "tape.watch(x)" in code
    assert "tf.Variable" not in code


def test_without_watch_the_tape_has_no_gradient():
    assert tape.unwatched_example() is None


def test_the_tensor_example_is_seeded_without_the_process_wide_seed():
    import inspect
    a, b = tape.tensor_example(3), tape.tensor_example(3)
    np.testing.assert_array_equal(a["W"], b["W"])
    np.testing.assert_array_equal(a["x"], b["x"])
    assert not np.array_equal(a["W"], tape.tensor_example(4)["W"])
    assert "set_seed" not in inspect.getsource(tape)


def test_tensor_example_gradients_have_the_variables_shapes():
    out = tape.tensor_example()
    assert out["grad_W"].shape == out["W"].shape == (2, 2)
    assert out["grad_b"].shape == out["b"].shape == (2,)
    # d(sum of x @ W + b) / dW[i, j] = sum over rows of x[:, i]; d / db = number of rows
    np.testing.assert_allclose(out["grad_W"], np.repeat(out["x"].sum(axis=0)[:, None], 2, axis=1),
                               rtol=1e-6)
    np.testing.assert_allclose(out["grad_b"], [2.0, 2.0])


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(sorted(tape.FUNCTIONS)),
       x=st.floats(-20, 20, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
       a=st.floats(-50, 50, allow_nan=False), b=st.floats(-50, 50, allow_nan=False))
def test_tape_matches_the_derivative_by_hand(key, x, a, b):
    y, grad = tape.tape_gradient(key, x, a, b)
    expected = tape.analytic_gradient(key, x, a, b)
    assert grad == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert y == pytest.approx(float(tape.FUNCTIONS[key].numpy(np.float64(x), a, b)),
                              rel=1e-5, abs=1e-4)


def test_relu_at_its_corner_uses_0():
    assert tape.tape_gradient("relu", 0.0) == (0.0, 0.0)


@pytest.mark.parametrize("bad", [dict(x_value=math.nan), dict(x_value=1e9), dict(a=math.inf),
                                 dict(b=-1e6)])
def test_unreasonable_inputs_are_refused(bad):
    args = dict(x_value=1.0, a=2.0, b=3.0) | bad
    with pytest.raises(ValueError):
        tape.tape_gradient("linear", **args)


def test_unknown_function_is_refused():
    with pytest.raises(ValueError):
        tape.tape_gradient("cube", 1.0)


def test_curve_contains_the_point_and_the_snippet_names_the_book_variables():
    xs, ys = tape.curve("square", 10.0)
    assert xs.min() < 10.0 < xs.max() and ys.shape == xs.shape
    code = tape.snippet("linear", 0.0, 2.0, 3.0)
    assert "y = 2 * x + 3" in code and "tape.gradient(y, x)" in code
    compile(code, "<snippet>", "exec")          # valid Python (only compiled, never run)


def test_importing_the_helpers_does_not_import_tensorflow():
    code = "import sys; import lib.rules.tape, lib.figures.training; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

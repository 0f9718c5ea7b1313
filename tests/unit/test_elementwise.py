"""The book's naive loops give exactly NumPy's answers, and never touch their inputs."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from lib.rules.elementwise import (BOOK_RACE_REPEATS, BOOK_RACE_SHAPE, MAX_RACE_ELEMENT_STEPS,
                             max_repeats, naive_add, naive_add_relu, numpy_add_relu, race_inputs, small_integer_matrix,
                             naive_relu)
from lib.rules.elementwise import broadcast_view_strides, memory_report
from lib.rules.race import race
from lib.rules.shapes import ShapeError, broadcast_steps
from tests.unit.strategies import compatible_pair

small_shapes = st.one_of(st.tuples(st.integers(0, 7)), st.tuples(st.integers(0, 7), st.integers(0, 7)))
floats = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(small_shapes.flatmap(lambda s: arrays(np.float64, s, elements=floats)))
def test_naive_relu_matches_numpy(x):
    before = x.copy()
    out = naive_relu(x)
    np.testing.assert_array_equal(out, np.maximum(x, 0.))
    np.testing.assert_array_equal(x, before)            # the input is untouched


@settings(max_examples=200, deadline=None)
@given(small_shapes.flatmap(lambda s: st.tuples(arrays(np.float64, s, elements=floats),
                                                arrays(np.float64, s, elements=floats))))
def test_naive_add_matches_numpy(pair):
    x, y = pair
    before = x.copy()
    np.testing.assert_array_equal(naive_add(x, y), x + y)
    np.testing.assert_array_equal(x, before)


def test_book_race_pair_agrees():
    x, y = race_inputs(BOOK_RACE_SHAPE, seed=0)
    np.testing.assert_array_equal(naive_add_relu(x, y), numpy_add_relu(x, y))


def test_tiny_race_reports_equal_results():
    x, y = race_inputs((3, 4), seed=0)
    seen = []
    result = race(naive_add_relu, numpy_add_relu, (x, y), repeats=5,
                  progress=lambda f, label: seen.append(f))
    assert result.results_equal and result.repeats == 5
    assert seen and 0 < seen[-1] <= 1


@pytest.mark.parametrize("bad", [np.zeros(()), np.zeros((2, 2, 2))])
def test_rank_outside_1_2_refused(bad):
    with pytest.raises(ValueError, match="rank"):
        naive_relu(bad)


def test_unequal_shapes_refused():
    with pytest.raises(ValueError, match="equal shapes"):
        naive_add(np.zeros((2, 3)), np.zeros((3,)))


@settings(max_examples=200, deadline=None)
@given(st.tuples(st.integers(0, 3000), st.integers(0, 3000)))
def test_the_race_budget_caps_element_steps(shape):
    """The page's race runs max_repeats(shape) times: never past the cap (a race that big
    makes the student wait), always at least once, and as many times as fit."""
    repeats = max_repeats(shape)
    steps = shape[0] * shape[1]
    assert repeats >= 1
    assert repeats * steps <= MAX_RACE_ELEMENT_STEPS or repeats == 1
    assert (repeats + 1) * max(steps, 1) > MAX_RACE_ELEMENT_STEPS


def test_small_integer_matrix_is_reproducible():
    a = small_integer_matrix(3, 4, seed=7)
    assert a.shape == (3, 4) and np.array_equal(a, small_integer_matrix(3, 4, seed=7))
    assert a.min() >= -5 and a.max() <= 5 and np.all(a == np.round(a))




# ---------------------------------------------------------------- broadcasting by hand

@settings(max_examples=200, deadline=None)
@given(compatible_pair())
def test_view_strides_and_memory_match_numpy(pair):
    a, b = pair
    target = np.broadcast_shapes(a, b)
    y = np.zeros(b)
    if 0 not in b and 0 not in target:               # NumPy gives empty arrays arbitrary strides
        ours = broadcast_view_strides(b, target)
        theirs = np.broadcast_to(y, target).strides
        moving = [i for i, t in enumerate(target) if t > 1]   # a size-1 axis's stride is never used
        assert [ours[i] for i in moving] == [theirs[i] for i in moving]
    rows = memory_report(a, b)
    assert rows[1]["own bytes"] == y.nbytes
    assert rows[1]["tiled copy bytes"] == np.zeros(target).nbytes
    assert rows[1]["broadcast view extra bytes"] == 0


def test_memory_report_needs_no_allocation():
    rows = memory_report((10**6, 10**5), (10**5,))
    assert rows[1]["tiled copy bytes"] == 8 * 10**11
    assert rows[1]["view strides"] == (0, 8)


@settings(max_examples=100, deadline=None)
@given(compatible_pair())
def test_apply_steps_matches_broadcasting(pair):
    from lib.rules.elementwise import apply_steps
    a, b = pair
    x = np.arange(int(np.prod(a)), dtype=float).reshape(a)
    y = -np.arange(int(np.prod(b)), dtype=float).reshape(b)
    big_x, big_y = apply_steps(x, y, broadcast_steps(a, b))
    np.testing.assert_array_equal(big_x + big_y, x + y)


def test_apply_steps_refuses_a_conflict():
    from lib.rules.elementwise import apply_steps
    with pytest.raises(ShapeError):
        apply_steps(np.zeros((3, 5)), np.zeros((4, 5)), broadcast_steps((3, 5), (4, 5)))


def test_broadcast_view_code_names_the_zero_strides():
    from lib.rules.elementwise import broadcast_view_code
    code = broadcast_view_code((32, 10), (10,))
    assert "np.broadcast_to(y, (32, 10))" in code and "(0, 8)" in code and "x_view" not in code
    assert "x_view.strides  # (8, 0)" in broadcast_view_code((3, 1), (1, 4))


# ---------------------------------------------------------------- the notebook's examples

def test_the_notebooks_relu_and_add_examples_against_numpy():
    from lib.rules.elementwise import BOOK_ADD_INPUTS, BOOK_RELU_INPUT, relu_slip
    assert BOOK_RELU_INPUT == [[1, 2, -3], [2, -1, 3], [0, -32, -1]]
    assert BOOK_ADD_INPUTS == ([[1, 2, 3], [4, 5, 6]], [[10, 20, 30], [40, 50, 60]])
    slip, fix = relu_slip()
    array = np.array(BOOK_RELU_INPUT)
    np.testing.assert_array_equal(slip.value, array)                 # printing `array`: unchanged
    assert slip.printed == str(array) and "-32" in slip.printed
    np.testing.assert_array_equal(fix.value, np.maximum(array, 0))
    assert fix.printed == str(np.maximum(array, 0)) == "[[1 2 0]\n [2 0 3]\n [0 0 0]]"
    np.testing.assert_array_equal(naive_add(*(np.array(v) for v in BOOK_ADD_INPUTS)),
                                  np.array([[11, 22, 33], [44, 55, 66]]))


def test_the_slip_cells_print_what_the_page_says(capsys):
    """Run the shown lines themselves (our own text, with naive_relu/naive_add in scope)."""
    from lib.rules.elementwise import relu_slip
    for cell in relu_slip():
        namespace = {"np": np, "naive_relu": naive_relu, "naive_add": naive_add}
        if cell.code.startswith("print(naive_relu"):
            namespace["array"] = np.array([[1, 2, -3], [2, -1, 3], [0, -32, -1]])
        exec(cell.code, namespace)
        assert capsys.readouterr().out.strip() == cell.printed


def test_the_race_code_makes_the_race_inputs():
    from lib.rules.elementwise import race_code
    code = race_code(BOOK_RACE_SHAPE, BOOK_RACE_REPEATS)
    setup = code.split("t0 = time.time()")[0]
    namespace = {"np": np}
    exec(setup, namespace)
    x, y = race_inputs(BOOK_RACE_SHAPE)
    np.testing.assert_array_equal(namespace["x"], x)
    np.testing.assert_array_equal(namespace["y"], y)
    assert 0 <= x.min() and x.max() < 1
    assert f"range({BOOK_RACE_REPEATS})" in code


def test_the_books_race_is_the_biggest_race_the_page_runs_whole():
    """The book's race, (20, 100) 1,000 times, runs whole, and one column more is cut short:
    the cap is the book's race exactly (how long it takes is bench/race_elementwise.py's
    naive_s, ~2.3 s at the slowest 2-core speed measured)."""
    assert max_repeats(BOOK_RACE_SHAPE) == BOOK_RACE_REPEATS
    assert max_repeats((BOOK_RACE_SHAPE[0], BOOK_RACE_SHAPE[1] + 1)) < BOOK_RACE_REPEATS

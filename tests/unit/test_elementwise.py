"""The book's naive loops give exactly NumPy's answers, and never touch their inputs."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from lib.elementwise import (BOOK_RACE_REPEATS, BOOK_RACE_SHAPE, MAX_RACE_ELEMENT_STEPS,
                             human_bytes, max_repeats, naive_add, naive_add_matrix_and_vector,
                             naive_add_relu, numpy_add_relu, race_inputs, small_integer_matrix,
                             naive_relu)
from lib.race import race

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


def test_matrix_and_vector_is_broadcasting():
    x = small_integer_matrix(4, 3, seed=1)
    y = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(naive_add_matrix_and_vector(x, y), x + y)


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


def test_race_budget():
    assert max_repeats(BOOK_RACE_SHAPE) >= BOOK_RACE_REPEATS       # the book's setting fits
    assert max_repeats((1000, 1000)) * 10**6 <= MAX_RACE_ELEMENT_STEPS
    assert max_repeats((0, 5)) >= 1


def test_small_integer_matrix_is_reproducible():
    a = small_integer_matrix(3, 4, seed=7)
    assert a.shape == (3, 4) and np.array_equal(a, small_integer_matrix(3, 4, seed=7))
    assert a.min() >= -5 and a.max() <= 5 and np.all(a == np.round(a))


def test_human_bytes():
    assert human_bytes(512) == "512 bytes"
    assert human_bytes(1536) == "1.5 KB"
    assert human_bytes(8 * 64 * 3 * 32 * 10) == "480.0 KB"

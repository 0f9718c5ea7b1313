"""The book's naive dot loops equal np.dot; the matmul step data adds up to A @ B."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.products import (matmul_steps, naive_matrix_dot, naive_matrix_vector_dot,
                          naive_vector_dot, random_matrix, result_from_steps)
from lib.shapes import ShapeError

SETTINGS = settings(max_examples=100, deadline=None)
dims = st.integers(1, 5)


@SETTINGS
@given(dims, dims, dims, st.integers(0, 2**32 - 1))
def test_naive_dots_equal_numpy(n, k, m, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, k)), rng.normal(size=(k, m))
    v = rng.normal(size=k)
    assert np.isclose(naive_vector_dot(x[0], v), np.dot(x[0], v))
    assert np.allclose(naive_matrix_vector_dot(x, v), np.dot(x, v))
    assert np.allclose(naive_matrix_dot(x, y), np.dot(x, y))


@SETTINGS
@given(dims, dims, dims, st.integers(0, 10_000))
def test_steps_add_up_to_matmul(n, k, m, seed):
    a, b = random_matrix((n, k), seed), random_matrix((k, m), seed + 1)
    steps = matmul_steps(a, b)
    assert len(steps) == n * k * m
    assert np.allclose(result_from_steps(steps, n, m), a @ b)
    for s in steps:                                  # each step uses row i of A, column j of B
        assert s.a == a[s.i, s.t] and s.b == b[s.t, s.j] and s.product == s.a * s.b


def test_steps_order_and_running_sum():
    a = np.array([[1., 2.], [3., 4.]])
    b = np.array([[5., 6.], [7., 8.]])
    steps = matmul_steps(a, b)
    assert [(s.i, s.j, s.t) for s in steps[:3]] == [(0, 0, 0), (0, 0, 1), (0, 1, 0)]
    assert [s.running_sum for s in steps[:2]] == [5.0, 19.0]          # 1*5, then + 2*7
    assert steps[1].cell_done and not steps[0].cell_done


@pytest.mark.parametrize("fn, x, y", [
    (naive_vector_dot, np.ones(3), np.ones(4)),
    (naive_vector_dot, np.ones((2, 3)), np.ones(3)),
    (naive_matrix_vector_dot, np.ones((2, 3)), np.ones(4)),
    (naive_matrix_dot, np.ones((2, 3)), np.ones((4, 2))),
    (matmul_steps, np.ones((2, 3)), np.ones((4, 2))),
])
def test_mismatches_raise_shape_error(fn, x, y):
    with pytest.raises(ShapeError):
        fn(x, y)

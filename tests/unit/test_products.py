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


# ------------------------------------------------------------ which axes are paired

from lib.products import paired_axes                                    # noqa: E402
from lib.shapes import dot_shape, matmul_shape, tensordot_shape         # noqa: E402

small_shapes = st.lists(st.integers(1, 3), min_size=0, max_size=4).map(tuple)
RULES = {"dot": dot_shape, "matmul": matmul_shape, "tensordot": tensordot_shape}


@SETTINGS
@given(st.sampled_from(sorted(RULES)), small_shapes, small_shapes)
def test_pairing_agrees_with_the_shape_rule(op, a, b):
    """The picture's green/red pairs say 'works' exactly when the rule gives a shape, and
    the result boxes it draws have the sizes of that shape."""
    try:
        pairing = paired_axes(op, a, b)
    except ShapeError:                       # an operand with no axis to pair: the rule refuses too
        with pytest.raises(ShapeError):
            RULES[op](a, b)
        return
    try:
        shape = RULES[op](a, b)
    except ShapeError:
        assert not pairing.ok
        return
    assert pairing.ok
    sizes = []
    for origin in pairing.result:
        if origin[0] == "a":
            sizes.append(a[origin[1]])
        elif origin[0] == "b":
            sizes.append(b[origin[1]])
        else:                                # a batch axis: the larger of the two (one may be 1)
            sizes.append(max(a[origin[1]] if origin[1] is not None else 1,
                             b[origin[2]] if origin[2] is not None else 1))
    assert tuple(sizes) == shape

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


# ------------------------------------------------------------------------- figures

import plotly.graph_objects as go                                       # noqa: E402

from lib.figures_dot import matmul_animation, shape_rule_figure         # noqa: E402
from lib.figures_reshape import (axis_permutation_figure, digit_rows_figure,  # noqa: E402
                                 digit_strip_figure, element_layout, flow_animation,
                                 transpose_slots)


def validated(fig) -> dict:
    """The builders skip plotly's validation for speed; check here that it would pass."""
    return go.Figure(fig.to_dict()).to_dict()


def test_matmul_animation_is_valid_and_ends_with_a_at_b():
    a, b = random_matrix((3, 4), 7), random_matrix((4, 2), 8)
    for by_cell in (False, True):
        spec = validated(matmul_animation(a, b, by_cell=by_cell))
        frames = spec["frames"]
        assert len(frames) == (3 * 2 if by_cell else 3 * 4 * 2) + 2
        assert np.array_equal(np.array(frames[-1]["data"][3]["text"], dtype=float), a @ b)
        assert all(f["layout"]["title"]["text"] for f in frames)


def test_shape_figures_are_valid():
    for op, a, b in [("dot", (10,), (10,)), ("dot", (), (3, 4)), ("tensordot", (4, 3, 2), (2, 4, 5)),
                     ("matmul", (7, 1, 3, 2), (5, 2, 6)), ("matmul", (4, 3, 2), (2, 4, 5))]:
        pairing = paired_axes(op, a, b)
        result = RULES[op](a, b) if pairing.ok else None
        validated(shape_rule_figure(a, b, pairing, result))
    validated(axis_permutation_figure((300, 10, 50, 20), (3, 2, 1, 0)))
    validated(axis_permutation_figure((), ()))
    digit = np.arange(784, dtype=np.uint8).reshape(28, 28)
    validated(digit_rows_figure(digit, 0))
    validated(digit_strip_figure(digit, 27))


@pytest.mark.parametrize("src, dst", [((3, 2), (6, 1)), ((2, 3, 4), (4, 6)), ((24,), (2, 3, 4)),
                                      ((), (1, 1)), ((2, 2, 3, 5), (60,))])
def test_flow_ends_in_row_major_slots(src, dst):
    spec = validated(flow_animation(src, dst))
    end = spec["frames"][-1]["data"][0]
    dst_xy, _, _ = element_layout(dst)
    moved = np.c_[end["x"], end["y"]] - dst_xy        # the same offset for every element
    assert np.allclose(moved, moved[0])


def test_element_layout_is_row_major():
    xy, width, height = element_layout((2, 3))
    assert xy.tolist() == [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1]]
    assert (width, height) == (2, 1)


def test_transpose_slots():
    x = np.arange(6).reshape(2, 3)
    slots = transpose_slots((2, 3))
    landed = np.empty(6, dtype=int)
    landed[slots] = x.reshape(-1)                    # element k sits at slot slots[k] of x.T
    assert landed.tolist() == x.T.reshape(-1).tolist()

"""The product, reshape and transpose rules in lib/rules/shapes.py agree with NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.rules.shapes import (MAX_FIT_SEARCH, ShapeError, dot_shape, matmul_shape, parse_axes,
                        reshape_shape, shapes_that_fit, tensordot_axes, tensordot_shape,
                        transpose_order, transpose_shape)

SETTINGS = settings(max_examples=200, deadline=None)

sizes = st.integers(0, 3)
shapes = st.lists(sizes, min_size=0, max_size=4).map(tuple)


@st.composite
def aligned_pair(draw, rule):
    """Two shapes whose inner sizes match half of the time (random shapes rarely do)."""
    a, b = draw(shapes), draw(shapes)
    if draw(st.booleans()) and a and b:
        if rule == "dot":
            ib = 0 if len(b) == 1 else len(b) - 2
            b = b[:ib] + (a[-1],) + b[ib + 1:]
        elif rule == "matmul":
            ib = 0 if len(b) == 1 else len(b) - 2
            b = b[:ib] + (a[-1],) + b[ib + 1:]
            if len(a) > 2 and len(b) > 2 and draw(st.booleans()):
                # batch axes of b: a suffix of a's, some sizes replaced by 1 (broadcast)
                keep = draw(st.integers(0, len(a) - 2))
                batch = tuple(1 if draw(st.booleans()) else d for d in a[len(a) - 2 - keep:-2])
                b = batch + b[-2:]
        elif rule == "tensordot":
            b = (a[-1],) + b[1:]
    return a, b


def numpy_shape(fn):
    """NumPy's answer: the result shape, or None when it raises."""
    try:
        return np.shape(fn())
    except (ValueError, IndexError, TypeError):
        return None


def ours(fn):
    try:
        return fn()
    except ShapeError:
        return None


@SETTINGS
@given(aligned_pair("dot"))
def test_dot_shape_matches_numpy(pair):
    a, b = pair
    assert ours(lambda: dot_shape(a, b)) == numpy_shape(lambda: np.dot(np.ones(a), np.ones(b)))


@SETTINGS
@given(aligned_pair("matmul"))
def test_matmul_shape_matches_numpy(pair):
    a, b = pair
    assert ours(lambda: matmul_shape(a, b)) == numpy_shape(lambda: np.ones(a) @ np.ones(b))


@SETTINGS
@given(aligned_pair("tensordot"), st.integers(0, 3))
def test_tensordot_shape_matches_numpy(pair, axes):
    a, b = pair
    expected = numpy_shape(lambda: np.tensordot(np.ones(a), np.ones(b), axes=axes))
    assert ours(lambda: tensordot_shape(a, b, axes)) == expected


@SETTINGS
@given(st.lists(st.integers(0, 4), max_size=4).map(tuple),
       st.lists(st.integers(-1, 6), max_size=4).map(tuple))
def test_reshape_shape_matches_numpy(shape, new):
    expected = numpy_shape(lambda: np.ones(shape).reshape(new))
    assert ours(lambda: reshape_shape(shape, new)) == expected


@SETTINGS
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple), st.data())
def test_reshape_with_minus_one_from_a_valid_target(shape, data):
    """Build a target from a permutation of the factors, hide one as -1: always works."""
    new = list(data.draw(st.permutations(shape)))
    hidden = data.draw(st.integers(0, len(new) - 1))
    new[hidden] = -1
    assert reshape_shape(shape, tuple(new)) == np.ones(shape).reshape(new).shape


@SETTINGS
@given(st.lists(st.integers(1, 4), max_size=4).map(tuple),
       st.lists(st.integers(-5, 5), max_size=5).map(tuple) | st.none())
def test_transpose_shape_matches_numpy(shape, axes):
    expected = numpy_shape(lambda: np.transpose(np.ones(shape), axes))
    assert ours(lambda: transpose_shape(shape, axes)) == expected


@SETTINGS
@given(st.lists(st.integers(1, 4), max_size=4).map(tuple), st.data())
def test_transpose_any_permutation(shape, data):
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    assert transpose_shape(shape, axes) == np.transpose(np.ones(shape), axes).shape


@SETTINGS
@given(st.integers(0, 5000), st.integers(1, 10))
def test_shapes_that_fit_do_fit_and_are_the_most_square(size, limit):
    """Every shape offered holds exactly `size` elements (NumPy reshapes into it), and they
    are the `limit` most square 2-D ones, most square last."""
    fits = shapes_that_fit(size, limit)
    for shape in fits:
        assert np.arange(size).reshape(shape).shape == shape
    every = [(d, size // d) for d in range(1, size + 1) if size % d == 0 and d <= size // d]
    assert fits == every[-limit:]
    assert len(fits) == min(limit, len(every))


def test_shapes_that_fit_the_book_and_a_refused_reshape():
    assert shapes_that_fit(6) == [(1, 6), (2, 3)]
    assert shapes_that_fit(784) == [(1, 784), (2, 392), (4, 196), (7, 112), (8, 98),
                                    (14, 56), (16, 49), (28, 28)]
    assert shapes_that_fit(784, limit=2) == [(16, 49), (28, 28)]
    assert shapes_that_fit(7) == [(1, 7)]                   # a prime: one row
    assert shapes_that_fit(0) == []


def test_shapes_that_fit_do_not_search_huge_sizes():
    size = 60000 * 784
    assert size > MAX_FIT_SEARCH
    assert shapes_that_fit(size) == [(size,), (-1, size)]
    for shape in shapes_that_fit(size):                      # both valid reshape targets
        assert reshape_shape((60000, 784), shape)[-1] == size


@SETTINGS
@given(st.lists(st.integers(1, 4), max_size=4).map(tuple), st.data())
def test_transpose_order_is_what_numpy_does(shape, data):
    axes = data.draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    order = transpose_order(len(shape), axes)
    assert sorted(order) == list(range(len(shape)))
    x = np.arange(int(np.prod(shape))).reshape(shape)
    assert np.array_equal(np.transpose(x, axes), np.transpose(x, order))
    assert transpose_shape(shape, axes) == tuple(shape[a] for a in order)


def test_transpose_order_keeps_given_axes_as_typed():
    assert transpose_order(4) == (3, 2, 1, 0)
    assert transpose_order(4, [1, 0, -1, 2]) == (1, 0, -1, 2)    # negative axes stay as typed
    assert transpose_order(0) == ()


# ------------------------------------------------------------- the book's examples

def test_three_products_three_rules():
    a, b = (4, 3, 2), (2, 4, 5)
    assert tensordot_shape(a, b) == (4, 3, 4, 5)
    assert tensordot_axes(a, b) == ((2,), (0,))
    with pytest.raises(ShapeError, match=r"size 2\).*size 4\)"):
        dot_shape(a, b)
    with pytest.raises(ShapeError, match="matrix rule") as err:
        matmul_shape(a, b)
    assert "batch rule" in str(err.value)         # 4 vs 2 on the batch axis too
    assert dot_shape((4, 3, 2), (5, 2, 6)) == (4, 3, 5, 6)


def test_book_shapes():
    assert dot_shape((32, 10), (10, 64)) == (32, 64)
    assert matmul_shape((128, 784), (784, 512)) == (128, 512)
    assert reshape_shape((3, 2), (6, 1)) == (6, 1)
    assert reshape_shape((6, 1), (2, 3)) == (2, 3)
    assert reshape_shape((60000, 28, 28), (60000, 28 * 28)) == (60000, 784)
    assert reshape_shape((60000, 28, 28), (-1, 784)) == (60000, 784)
    assert transpose_shape((300, 10, 50, 20)) == (20, 50, 10, 300)


def test_messages_name_sizes_and_axes():
    with pytest.raises(ShapeError, match=r"axis 1, size 3.*axis 0, size 4"):
        dot_shape((2, 3), (4, 5))
    with pytest.raises(ShapeError, match="batch rule.*size 4.*size 2"):
        matmul_shape((4, 3, 2), (2, 2, 5))
    with pytest.raises(ShapeError, match="holds 6 elements.*holds 8"):
        reshape_shape((3, 2), (4, 2))
    with pytest.raises(ShapeError, match="6 / 4 is not a whole number"):
        reshape_shape((3, 2), (4, -1))
    with pytest.raises(ShapeError, match="listed twice"):
        transpose_shape((2, 3, 4), (0, 0, 1))
    with pytest.raises(ShapeError, match="scalar"):
        matmul_shape((), (3,))


@pytest.mark.parametrize("text, expected", [
    ("(3, 2, 1, 0)", (3, 2, 1, 0)), ("0, -1, 1", (0, -1, 1)), ("[1, 0]", (1, 0)),
    ("None", None), ("", None), ("2", (2,)),
])
def test_parse_axes(text, expected):
    assert parse_axes(text) == expected


@pytest.mark.parametrize("text", ["(1, 0", "__import__('os')", "1.5, 0", "(1, 'a')",
                                  "9" * 300, "1000", "(" + "0," * 20 + ")"])
def test_parse_axes_rejects(text):
    with pytest.raises(ValueError):
        parse_axes(text)

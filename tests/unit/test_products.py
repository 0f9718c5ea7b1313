"""The book's naive dot loops equal np.dot; the matmul step data adds up to A @ B."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.products import (matmul_steps, naive_matrix_dot, naive_matrix_vector_dot,
                          naive_vector_dot, random_matrix, result_from_steps)
from lib.shapes import ShapeError, format_shape

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


# ------------------------------------------------------ the dot sentence and NumPy's own words

from lib.products import (CLAIMED, dot_claim_code, dot_pairing_sentence,   # noqa: E402
                          numpy_says, order_note)

dot_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)


@SETTINGS
@given(dot_shapes, dot_shapes)
def test_the_dot_sentence_agrees_with_dot_shape_and_numpy(a, b):
    """For random shapes: the sentence names the pair NumPy uses (x's last axis with y's
    second-to-last, or y's only axis), and states the result shape exactly when NumPy gives
    one (and refusal exactly when NumPy refuses)."""
    sentence = dot_pairing_sentence(a, b)
    try:
        expected = np.dot(np.ones(a), np.ones(b)).shape
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ShapeError):
            dot_shape(a, b)
        assert "NumPy refuses: ValueError" in sentence
    else:
        assert dot_shape(a, b) == expected
        assert sentence.endswith(f"`{format_shape(expected)}`.")
        assert "refuses" not in sentence
    if not a or not b:
        assert "is a scalar" in sentence
        return
    ia, ib = len(a) - 1, (0 if len(b) == 1 else len(b) - 2)
    words_b = "the only axis of `y`" if len(b) == 1 else (
        f"the {'last' if ib == len(b) - 1 else 'second-to-last'} axis of `y` (axis {ib}")
    assert words_b in sentence
    words_a = "the only axis of `x`" if len(a) == 1 else f"the last axis of `x` (axis {ia},"
    assert words_a in sentence
    assert f"size {a[ia]}" in sentence and f"size {b[ib]}" in sentence
    if expected is not None:            # NumPy itself sums over exactly the pair the sentence names
        x, y = np.random.default_rng(0).random(a), np.random.default_rng(1).random(b)
        np.testing.assert_allclose(np.dot(x, y), np.tensordot(x, y, axes=([ia], [ib])))


def test_the_dot_sentence_on_the_pages_presets():
    assert "the second-to-last axis of `y` (axis 0, its rows, size 10)" in dot_pairing_sentence(
        (32, 10), (10, 64))
    three = dot_pairing_sentence((4, 3, 2), (5, 2, 6))
    assert "the second-to-last axis of `y` (axis 1, size 2)" in three
    assert three.endswith("shape `(4, 3, 5, 6)`.")
    assert "2 ≠ 4" in dot_pairing_sentence((4, 3, 2), (2, 4, 5))


@SETTINGS
@given(st.sampled_from(sorted(RULES)), small_shapes, small_shapes)
def test_numpy_says_what_our_rules_say(op, a, b):
    said = numpy_says(op, a, b)
    try:
        ours = RULES[op](a, b)
    except ShapeError:
        ours = None
    assert said is not None
    shape, error = said
    assert shape == ours
    assert (error == "") == (ours is not None)


def test_numpy_says_nothing_about_operands_too_big_to_build():
    assert numpy_says("dot", (10**4, 10**4), (10**4,)) is None


def test_the_claimed_shape_is_tensordots_and_numpy_refuses_dot_and_matmul():
    a, b, claimed = CLAIMED
    assert np.tensordot(np.ones(a), np.ones(b), axes=1).shape == claimed
    code = dot_claim_code()
    for product in (np.dot, np.matmul):
        with pytest.raises(ValueError) as error:
            product(np.zeros(a), np.zeros(b))
        said = " ".join(line[2:].strip() for line in code.splitlines() if line.startswith("#"))
        assert f"ValueError: {error.value}" in said          # NumPy's own words, verbatim
    assert code.endswith("np.tensordot(a, b, axes=1).shape\n# (4, 3, 4, 5)")


@pytest.mark.parametrize("a, b, words", [
    (np.eye(3), np.arange(9.).reshape(3, 3), "happen to be **equal**"),
    (np.array([[2.]]), np.array([[5.]]), "happen to be **equal**"),
    (np.arange(4.).reshape(2, 2), np.array([[0., 1.], [1., 0.]]), "different numbers"),
    (np.ones((2, 3)), np.ones((3, 2)), "even their shapes differ"),
    (np.ones((2, 3)), np.ones((3, 4)), "Only `A @ B` exists"),
])
def test_order_note_says_what_numpy_computes(a, b, words):
    note = order_note(a, b)
    assert words in note
    if "equal" in words:
        assert np.array_equal(a @ b, b @ a)
    elif "different numbers" in words:
        assert not np.array_equal(a @ b, b @ a)

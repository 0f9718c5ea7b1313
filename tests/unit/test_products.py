"""The book's naive dot loops equal np.dot; the matmul step data adds up to A @ B."""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.rules.products import (DENSE_LAYER_CODE, DOT_RULE_PRESETS, PRODUCT_PRESETS, check_product,
                          dot_code, dot_race_metrics, matmul_code, matmul_steps,
                          naive_matrix_dot, naive_matrix_vector_dot, naive_vector_dot,
                          random_matrix, typed_matrix)
from lib.rules.race import RaceResult
from lib.rules.shapes import ShapeError, format_shape, parse_shape

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
    c = np.full((n, m), np.nan)                      # each cell's last step holds its value
    for s in steps:
        if s.cell_done:
            c[s.i, s.j] = s.running_sum
    assert np.allclose(c, a @ b)
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

from lib.rules.shapes import paired_axes                                      # noqa: E402
from lib.rules.shapes import dot_shape, matmul_shape, tensordot_shape         # noqa: E402

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

from lib.rules.products import CLAIMED, dot_claim_code, numpy_says, order_note  # noqa: E402
from lib.rules.shapes import pairing_sentences                                # noqa: E402


def dot_pairing_sentence(a, b):
    """The Dot product page's paragraph: the one explanation's sentences, joined."""
    return " ".join(pairing_sentences("dot", a, b))

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


# ------------------------------------------------------ what the Dot product page shows

def numpy_product(op: str, a: tuple, b: tuple):
    """(shape, None) or (None, NumPy's message) for the product of zeros of these shapes."""
    x, y = np.zeros(a, dtype=np.float32), np.zeros(b, dtype=np.float32)
    product = {"dot": np.dot, "matmul": np.matmul,
               "tensordot": lambda p, q: np.tensordot(p, q, axes=1)}[op]
    try:
        return product(x, y).shape, None
    except (ValueError, IndexError) as error:
        return None, f"{type(error).__name__}: {error}"


@SETTINGS
@given(st.sampled_from(sorted(RULES)), small_shapes, small_shapes)
def test_check_product_gives_numpys_shape_or_numpys_words(op, a, b):
    check = check_product(op, a, b)
    shape, words = numpy_product(op, a, b)
    assert check.op == op and check.result == shape
    assert (check.error is None) == (shape is not None)
    assert check.numpy_words == words                       # None when NumPy gives a shape
    try:
        assert check.pairing == paired_axes(op, a, b)
    except ShapeError:                                      # no axis to pair: no figure
        assert check.pairing is None


def test_check_product_does_not_build_huge_operands():
    check = check_product("dot", (10**4, 10**4), (3,))
    assert check.result is None and "size 10000" in check.error
    assert check.numpy_words is None                        # not tried: too big to build


def test_the_presets_say_what_numpy_does():
    """'sizes disagree' is the only rule preset NumPy refuses; the N-D presets are the claim
    (tensordot only), a pair only np.dot takes, and a batch @ takes (np.dot too, its way)."""
    for label, texts in DOT_RULE_PRESETS.items():
        x, y = (parse_shape(t) for t in texts)
        assert (numpy_product("dot", x, y)[0] is None) == (label == "sizes disagree"), label
    works = {label: {op for op in RULES if numpy_product(op, *map(parse_shape, texts))[0]}
             for label, texts in PRODUCT_PRESETS.items()}
    assert list(works.values()) == [{"tensordot"}, {"dot"}, {"dot", "matmul"}]
    assert tuple(map(parse_shape, PRODUCT_PRESETS["(4, 3, 2) and (2, 4, 5)"])) == CLAIMED[:2]


@pytest.mark.parametrize("x, y", [((10,), (10,)), ((32, 10), (10, 64)), ((32, 10), (64, 10)),
                                  ((4, 3, 2), (5, 2, 6)), ((), (3,))])
def test_dot_code_runs_and_states_numpys_shape(x, y):
    shape, _ = numpy_product("dot", x, y)
    code = dot_code(x, y, shape)
    lines = code.splitlines()
    assert lines[:2] == [f"x = np.random.random({format_shape(x)})",
                         f"y = np.random.random({format_shape(y)})"]
    namespace = {"np": np}
    exec("\n".join(lines[:2]), namespace)          # our own generated code, not user input
    assert (namespace["x"].shape, namespace["y"].shape) == (x, y)
    said = lines[2].split("#")[1].strip()
    if shape is None:
        assert said == "ValueError"
        with pytest.raises(ValueError):
            np.dot(namespace["x"], namespace["y"])
    else:
        assert said == format_shape(np.dot(namespace["x"], namespace["y"]).shape)


@SETTINGS
@given(dims, dims, dims, st.integers(0, 100))
def test_matmul_code_rebuilds_a_and_b_and_states_c(n, k, m, seed):
    a, b = random_matrix((n, k), seed), random_matrix((k, m), seed + 1)
    code = matmul_code(a, b)
    namespace = {"np": np}
    exec(code, namespace)                          # our own generated code, not user input
    assert np.array_equal(namespace["A"], a) and np.array_equal(namespace["B"], b)
    assert np.array_equal(namespace["C"], a @ b)
    shapes = [line.split("#")[1] for line in code.splitlines() if "#" in line]
    assert format_shape(a.shape) in shapes[0] and format_shape(b.shape) in shapes[1]
    assert shapes[2].endswith(f"shape {format_shape((a @ b).shape)}")


def test_typed_matrix_treats_empty_cells_as_0_and_clips():
    typed = typed_matrix([[np.nan, 1.5, -500], [250, -99, "7"]])
    assert typed.dtype == float
    assert typed.tolist() == [[0.0, 1.5, -99.0], [99.0, -99.0, 7.0]]
    assert np.array_equal(typed_matrix(np.arange(6.).reshape(2, 3)), np.arange(6.).reshape(2, 3))
    assert typed_matrix([[1000.]], limit=5).tolist() == [[5.0]]


def test_dot_race_metrics_are_per_call_means():
    result = RaceResult(naive_seconds=0.5, numpy_seconds=0.002, repeats=4, results_equal=True)
    assert dot_race_metrics("matrix · matrix", 26, result) == [
        ("naive loops, one matrix · matrix", "125.00 ms", None),      # 0.5 s / 4 runs
        ("np.dot, one call", "0.500 ms", None),                        # 0.002 s / 4 runs
        ("NumPy is faster by", "250×", "size 26, mean of 4 runs; same result: True")]


def test_the_dense_layer_code_states_the_shapes_numpy_gives():
    """Run the code on an MNIST-shaped train_images: each line's comment is the shape of
    what that line assigns."""
    namespace = {"np": np, "train_images": np.zeros((1000, 28, 28), dtype=np.uint8)}
    for line in DENSE_LAYER_CODE.splitlines():
        statement, comment = line.split("#")
        exec(statement, namespace)                 # our own code text, not user input
        name = statement.split("=")[0].strip()
        claimed = re.match(r"\s*(\([0-9, ]*\))", comment).group(1)
        assert claimed == format_shape(namespace[name].shape), line
    assert namespace["output"].shape == (128, 512)


def test_the_page_the_quiz_and_the_lesson_explain_np_dot_in_the_same_words():
    """One explanation (lib.rules.shapes.pairing_sentences): the lesson's answer for the dot
    step is the page's paragraph for its shapes, and the quiz walks the same sentences."""
    from lib.quiz import dot_question
    from lib.site.lesson import PLAN

    step = next(s for s in PLAN if s.page == "dot_product")
    x, y = parse_shape(step.view["x"]), parse_shape(step.view["y"])
    words = pairing_sentences("dot", x, y)
    assert step.answer == " ".join(words)
    assert "(32, 64)" in step.answer and "size 10" in step.answer
    explanation = dot_question(x, y).explanation
    assert all(sentence in explanation for sentence in words)

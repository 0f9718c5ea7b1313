"""lib/quiz.py: questions NumPy answers, and answers marked fairly.

NumPy is the oracle: every question's code line is run on real (small, int8) arrays, and the
answer the quiz expects must be exactly NumPy's result shape, or None where NumPy raises."""
import ast
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.core import pyast
from lib.rules.indexing import describe_selection, parse_index
from lib.quiz import (BUDGET, KINDS, LEVELS, MAX_ANSWER_RANK, MAX_ANSWER_TEXT, MAX_QUESTION_RANK,
                      MAX_QUESTION_SIZE, MAX_SEED, ShapeQuestion, _make_question,
                      broadcast_question, dot_question, drill_question,
                      make_question, mark, new_seed, pick_kind, read_seed, reshape_question,
                      run_numpy, slicing_question, transpose_question)
from lib.rules.shapes import (ShapeError, broadcast_shape, dot_shape, format_shape, matmul_shape,
                        reshape_shape, tensordot_shape, transpose_shape)
from tests.unit.strategies import numpy_broadcast

SEEDS = range(1500)                   # per kind and level: 12,000 questions in all
HOSTILE = ["x" * 10_000, "(" * 5_000 + ")" * 5_000, "__import__('os')",
           "__import__('os').system('ls')", "[[[[[[32, 10]]]]]]", "((((((1))))))", "((1), (2))",
           "(1e9, 1e9)", "(3.5,)", "(" + "2, " * 50 + ")", "9" * 300, "(1, 2) or 1", "lambda: 0",
           "\x00", "(32, 10)\n" * 30, "{1, 2}", "()" * 50, "🙂", "(99999999999999999999,)"]


def test_marking_the_books_broadcast():
    q = broadcast_question((32, 10), (10,))
    assert q.answer == numpy_broadcast((32, 10), (10,)) == (32, 10)
    assert mark(q, "(32, 10)").correct
    assert mark(q, "32,10").correct
    assert mark(q, q.answer_text).correct
    assert not mark(q, "(10, 32)").correct
    assert not mark(q, "error").correct
    assert not mark(q, "").correct
    assert "could not read" in mark(q, "(3.5,)").message
    bad = broadcast_question((3, 5), (4, 5))
    assert bad.answer is None and numpy_broadcast((3, 5), (4, 5)) is None
    assert mark(bad, "Error").correct and mark(bad, bad.answer_text).correct
    assert not mark(bad, "(4, 5)").correct


# --------------------------------------------------------------------------- the oracle

_ALLOWED = (ast.Expression, ast.Name, ast.Load, ast.Attribute, ast.Call, ast.keyword,
            ast.Subscript, ast.Slice, ast.Constant, ast.Tuple, ast.List, ast.BinOp, ast.UnaryOp,
            ast.USub, ast.Add, ast.Sub, ast.Mult, ast.MatMult)


def numpy_says(question: ShapeQuestion):
    """(shape, '') or (None, exception name): NumPy running the very line the student reads.

    The line comes from lib.quiz, never from a user; it is still checked against a short
    whitelist of node kinds and run with no builtins, on int8 zeros of the given shapes."""
    tree = ast.parse(question.expression, mode="eval")
    for node in ast.walk(tree):
        assert isinstance(node, _ALLOWED), (question.expression, type(node).__name__)
        if isinstance(node, ast.Name):
            assert node.id in ("x", "y", "np"), question.expression
    arrays = {name: np.zeros(shape, dtype=np.int8) for name, shape in question.operands}
    try:
        out = eval(compile(tree, "<question>", "eval"), {"__builtins__": {}, "np": np}, arrays)
    except (ValueError, IndexError) as error:
        return None, type(error).__name__
    return tuple(np.shape(out)), ""


def rule_says(question: ShapeQuestion):
    """The shape the rule in lib.rules.shapes / lib.rules.indexing gives for the question's call."""
    what, a = question.call[0], question.shapes[0]
    b = question.shapes[1] if len(question.shapes) > 1 else None
    try:
        if what == "broadcast":
            return broadcast_shape(a, b)
        if what == "index":
            return describe_selection(a, question.call[1]).shape
        if what == "dot":
            return dot_shape(a, b)
        if what == "matmul":
            return matmul_shape(a, b)
        if what == "tensordot":
            return tensordot_shape(a, b, question.call[1])
        if what == "reshape":
            return reshape_shape(a, question.call[1])
        return transpose_shape(a, None if what == "T" else question.call[1])
    except ShapeError:
        return None


def spellings(shape) -> list[str]:
    """Ways a student may type a shape."""
    if not shape:
        return ["()", "[]", " ( ) "]
    inner = ", ".join(str(d) for d in shape)
    return [format_shape(shape), f"[{inner}]", inner, inner.replace(" ", ""), f" ( {inner} , ) "]


def wrong_answers(question: ShapeQuestion) -> list[str]:
    answer = question.answer
    if answer is None:
        return ["(1,)", "()", format_shape(question.shapes[0])]
    bumped = list(answer)
    if bumped:
        bumped[-1] += 1
    return ["error", format_shape(answer + (1,)), format_shape(tuple(bumped) or (1,)),
            format_shape(answer[:-1]) if answer else "(2,)"]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", KINDS)
def test_questions_agree_with_numpy_and_are_marked_fairly(kind, level):
    raised = 0
    for seed in SEEDS:
        q = make_question(kind, level, seed)
        context = f"{q.ident}: {q.code}"
        # NumPy is the judge: shape or the exception it raises, on the line the student reads
        answer, error = numpy_says(q)
        assert (q.answer, q.error) == (answer, error), context
        assert run_numpy(q.operands, q.call) [:2] == (answer, error), context
        assert rule_says(q) == answer, f"the rule disagrees with NumPy on {context}"
        if q.call[0] == "index":
            assert parse_index(q.expression) == q.call[1], context
        raised += answer is None
        # the same (kind, level, seed) draws the same question, cache or not
        assert _make_question.__wrapped__(kind, level, seed) == q, context
        # bounded: ranks, sizes, elements
        for shape in q.shapes:
            assert len(shape) <= MAX_QUESTION_RANK, context
            assert all(0 < d <= MAX_QUESTION_SIZE for d in shape), context
            assert int(np.prod(shape)) <= BUDGET, context
        top = max(len(shape) for shape in q.shapes)
        basic_top = 4 if kind == "broadcast" else 3
        assert (4 <= top <= 5) if level == "harder" else top <= basic_top, context
        # the explanation walks this question: non-empty, names its shapes and the outcome
        text = " ".join(q.explanation)
        assert len(q.explanation) >= 2, context
        for shape in q.shapes:
            assert format_shape(shape) in text, context
        assert (format_shape(answer) if answer is not None else error) in text, context
        # marking: the right answer in several spellings, never a wrong one
        refusals = ["error", "Error", "ValueError.", " error ", "it raises"]
        right = spellings(answer) if answer is not None else refusals
        for text in right:
            assert mark(q, text).correct, (context, text)
        for text in wrong_answers(q):
            verdict = mark(q, text)
            assert not verdict.correct and verdict.readable, (context, text)
            assert "Not quite" in verdict.message, (context, text)
        for shape, hint in q.mistakes:
            verdict = mark(q, "error" if shape is None else format_shape(shape))
            assert not verdict.correct and hint in verdict.message, (context, shape)
        if answer is None:
            assert q.reason and error in mark(q, "error").message, context
    assert 0.1 * len(SEEDS) <= raised <= 0.45 * len(SEEDS), f"{raised} of {len(SEEDS)} raise"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), level=st.sampled_from(LEVELS), seed=st.integers(0, MAX_SEED))
def test_any_seed_gives_a_question_numpy_agrees_with(kind, level, seed):
    q = make_question(kind, level, seed)
    assert (q.answer, q.error) == numpy_says(q)
    assert q.explanation and mark(q, q.answer_text).correct


def test_each_kind_shows_its_forms():
    """The generators cover the forms the issue lists."""
    seen = {kind: " ".join(make_question(kind, level, s).expression for level in LEVELS
                           for s in range(400)) for kind in KINDS}
    for form in ("x[", "...", "None", "::-", ":-"):
        assert form in seen["slicing"], form
    for form in ("x + y", "np.maximum(x, y)"):
        assert form in seen["broadcast"], form
    for form in ("np.dot(x, y)", "x @ y", "axes=1", "axes=2", "axes=(["):
        assert form in seen["dot"], form
    for form in ("x.reshape(", "-1", "x.T", "np.transpose(x, (", ", -"):
        assert form in seen["reshape"], form
    errors = {make_question("slicing", level, s).error for level in LEVELS for s in range(400)}
    assert "IndexError" in errors


# --------------------------------------------------------- the drill, as the page draws it

def numpy_runs_the_call(q):
    """What NumPy does with the question's operation on int8 zeros: (shape, '') or
    (None, the exception's name). Built from the question's call (numpy_says reads its
    code line instead), not from the lib."""
    x, y = (np.zeros(shape, dtype=np.int8) for _, shape in (q.operands + (("y", ()),))[:2])
    what = q.call[0]
    ops = {"broadcast": lambda: getattr(np, {"+": "add", "-": "subtract", "*": "multiply"}
                                        .get(q.call[1], q.call[1]))(x, y),
           "index": lambda: x[q.call[1]], "dot": lambda: np.dot(x, y), "matmul": lambda: x @ y,
           "tensordot": lambda: np.tensordot(x, y, axes=q.call[1]),
           "reshape": lambda: x.reshape(q.call[1]), "T": lambda: x.T,
           "transpose": lambda: np.transpose(x, q.call[1])}
    try:
        return tuple(np.shape(ops[what]())), ""
    except (ValueError, IndexError) as error:
        return None, type(error).__name__


@pytest.mark.parametrize("kind", KINDS)
def test_the_drill_generators_agree_with_numpy(kind):
    """Thousands of seeded questions per kind (other seeds than SEEDS), drawn the way the
    Shape drill page draws them: the answer it expects is exactly NumPy's, including which
    questions raise."""
    raised = 0
    for level in LEVELS:
        for seed in range(5_000, 7_000):
            q = drill_question([kind], level, seed)
            assert q.kind == kind and q.level == level and q.seed == seed
            shape, error = numpy_runs_the_call(q)
            assert (q.answer, q.error) == (shape, error), q.code
            raised += shape is None
    assert 400 <= raised <= 1_800                        # 10-45 % of 4,000


def test_the_mixed_drill_draws_every_kind():
    seen = {drill_question(KINDS, "basic", seed).kind for seed in range(40)}
    assert seen == set(KINDS)


# --------------------------------------------------------------------------- seeds

def test_seeds_and_drills():
    assert all(0 <= new_seed() <= MAX_SEED for _ in range(50))
    assert new_seed(avoid=5) != 5
    assert read_seed(7) == 7 and read_seed("  42 ") == 42 and read_seed(np.int64(3)) == 3
    for bad in (-1, MAX_SEED + 1, True, 1.5, "1e3", "12a", "9" * 40, None, [1], "__import__('os')"):
        assert read_seed(bad) is None, bad
    with pytest.raises(ValueError):
        make_question("slicing", "basic", -1)
    with pytest.raises(ValueError):
        make_question("nonsense", "basic", 1)
    with pytest.raises(ValueError):
        make_question("dot", "expert", 1)
    with pytest.raises(ValueError):
        drill_question([], "basic", 1)
    assert pick_kind(["reshape", "dot"], 0) == "dot"
    assert pick_kind(["reshape", "dot"], 1) == "reshape"
    assert {pick_kind(KINDS, s) for s in range(8)} == set(KINDS)
    assert drill_question(KINDS, "harder", 99) == make_question(pick_kind(KINDS, 99), "harder", 99)


# --------------------------------------------------------------------------- marking

def python_calls(fn, *args) -> int:
    """How many calls (Python functions, generator steps, builtins) fn(*args) makes: a
    measure of work that does not depend on how fast or busy the machine is."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn(*args)
    finally:
        sys.setprofile(previous)
    return count


# Marking reads an answer character by character (a generator step each) up to the cap, and
# parses at most MAX_ANSWER_RANK short sizes: ~330 calls for the longest answer it reads.
# How long that takes is bench/quiz_answer.py's figure.
MAX_MARKING_CALLS = 3 * MAX_ANSWER_TEXT


def test_hostile_answers_are_refused_with_a_message_and_bounded_work(monkeypatch):
    q = make_question("broadcast", "basic", 3)
    parsed = []
    parse = pyast.parse
    monkeypatch.setattr(pyast, "parse", lambda source, *args, **kwargs:
                        parsed.append(source) or parse(source, *args, **kwargs))
    for text in HOSTILE + ["1," * (MAX_ANSWER_TEXT // 2 - 1) + "1"]:
        parsed.clear()
        verdict = mark(q, text)
        assert not verdict.correct and not verdict.readable, text[:40]
        assert verdict.message and ("could not read" in verdict.message
                                    or "characters long" in verdict.message), text[:40]
        # Python's parser sees a few short sizes at most, never the answer as a whole
        assert len(parsed) <= MAX_ANSWER_RANK and sum(map(len, parsed)) <= MAX_ANSWER_TEXT, \
            text[:40]
        assert python_calls(mark, q, text) <= MAX_MARKING_CALLS, text[:40]
    # past the cap, a longer answer costs nothing more: nothing after the cap is read
    assert python_calls(mark, q, "x" * 10_000) == python_calls(mark, q, "x" * 10_000_000)
    assert python_calls(mark, q, "(" * 5_000) == python_calls(mark, q, "(" * 5_000_000)
    assert not mark(q, None).correct and not mark(q, 12).correct
    assert "characters long" in mark(q, "1" * (MAX_ANSWER_TEXT + 1)).message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_marked_without_an_exception(text):
    verdict = mark(make_question("dot", "harder", 11), text)
    assert isinstance(verdict.message, str) and verdict.message


def test_feedback_names_the_mistake():
    x4 = slicing_question((28, 28, 3), "4")
    assert x4.answer == (28, 3)
    message = mark(x4, "(1, 28, 3)").message
    assert "you kept axis 0" in message.lower() and "x[4]" in message and "drops" in message
    assert "integer" in mark(x4, "(28, 28, 3)").message

    book = slicing_question((100, 28, 28), "10:100, 7:-7, 7:-7")
    assert book.answer == (90, 14, 14)
    assert "before" in mark(book, "(90, 15, 14)").message
    assert "never raise" in mark(slicing_question((128,), "10:500"), "error").message
    assert "None" in mark(slicing_question((32, 10), ":, None"), "(32, 10)").message
    out = slicing_question((128, 28), "200")
    assert out.answer is None and out.error == "IndexError"
    assert mark(out, "error").correct and "IndexError" in mark(out, "(28,)").message

    assert "stretched" in mark(broadcast_question((32, 1), (1, 10)), "(32, 1)").message
    clash = broadcast_question((32, 10), (32,))
    assert clash.answer is None and "Axis -1" in mark(clash, "(32, 10)").message

    td = dot_question((3, 4), (4, 7, 4, 6), "tensordot")
    assert td.answer == (3, 7, 4, 6) and dot_shape((3, 4), (4, 7, 4, 6)) == (3, 4, 7, 6)
    assert "np.dot(x, y) gives" in mark(td, "(3, 4, 7, 6)").message
    assert "summed" in mark(dot_question((32, 10), (10, 5)), "(32, 10, 10, 5)").message
    assert "scalar" in mark(dot_question((), (3, 4), "matmul"), "(3, 4)").message

    flat = reshape_question((32, 28, 28), (32, -1))
    assert flat.answer == (32, 784)
    assert "elements" in mark(flat, "(32, 28)").message
    perm = transpose_question((2, 3, 4, 5), (0, -1, 1, 2))
    assert perm.answer == (2, 5, 3, 4)
    assert "the other way round" in mark(perm, "(2, 4, 5, 3)").message
    assert "x.T" in mark(perm, "(5, 4, 3, 2)").message


def test_one_explanation_per_kind_walks_the_question():
    x4 = " ".join(slicing_question((28, 28, 3), "4").explanation)
    assert "(28, 28, 3)" in x4 and "disappears" in x4 and "(28, 3)" in x4
    bc = " ".join(broadcast_question((32, 10), (10,)).explanation)
    assert "(10,) → (1, 10)" in bc and "repeated 32 times" in bc and "(32, 10)" in bc
    dot = " ".join(dot_question((32, 10), (10, 5)).explanation)
    assert "the last axis of `x` (axis 1, size 10)" in dot and "(32, 5)" in dot
    assert "the second-to-last axis of `y` (axis 0, its rows, size 10)" in dot
    td = " ".join(dot_question((2, 3, 4, 5), (4, 5, 6), "tensordot", 2).explanation)
    assert "last 2 axes of `x`" in td and "(2, 3, 6)" in td
    rs = " ".join(reshape_question((32, 28, 28), (32, -1)).explanation)
    assert "25,088" in rs and "784" in rs
    tr = " ".join(transpose_question((2, 3, 4, 5), (0, -1, 1, 2)).explanation)
    assert "-1 means axis 3" in tr and "(2, 5, 3, 4)" in tr


def test_builders_refuse_unbounded_input():
    for bad in ((1,) * 6, (129,), (-1, 2)):
        with pytest.raises(ValueError):
            broadcast_question(bad, (1,))
    with pytest.raises(ValueError):
        slicing_question((3, 4), "__import__('os')")
    with pytest.raises(ValueError):
        dot_question((3,), (3,), "einsum")


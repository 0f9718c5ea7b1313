"""Broadcasting rule and its step-by-step explanation, checked against NumPy itself."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.elementwise import broadcast_view_strides, memory_report
from lib.shapes import (ShapeError, aligned_shapes, broadcast_shape, broadcast_steps,
                        steps_code)

# Sizes 0-6 with many 1s, so that most pairs are compatible and the edge cases show up.
sizes = st.one_of(st.just(1), st.just(1), st.integers(0, 6))
shapes = st.lists(sizes, min_size=0, max_size=5).map(tuple)


def compatible_pair():
    """A shape and a second one derived from it: drop leading axes, set some axes to 1."""
    @st.composite
    def build(draw):
        a = draw(shapes)
        keep = draw(st.integers(0, len(a)))
        b = list(a[len(a) - keep:])
        for i in range(len(b)):
            if draw(st.booleans()):
                b[i] = 1
        if draw(st.booleans()):
            a, b = tuple(b), a
        return tuple(a), tuple(b)
    return build()


def numpy_broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.tuples(shapes, shapes), compatible_pair()))
def test_broadcast_shape_matches_numpy_or_both_refuse(pair):
    a, b = pair
    expected = numpy_broadcast(a, b)
    if expected is None:
        with pytest.raises(ShapeError) as info:
            broadcast_shape(a, b)
        assert "neither is 1" in str(info.value)
        axis = info.value.axis
        assert -max(len(a), len(b)) <= axis <= -1
        pa = (1,) * (max(len(a), len(b)) - len(a)) + a
        pb = (1,) * (max(len(a), len(b)) - len(b)) + b
        assert pa[axis] != pb[axis] and 1 not in (pa[axis], pb[axis])
        assert f"{pa[axis]} vs {pb[axis]}" in str(info.value)
    else:
        assert broadcast_shape(a, b) == expected


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.tuples(shapes, shapes), compatible_pair()))
def test_steps_end_in_numpy_result_or_conflict(pair):
    a, b = pair
    steps = broadcast_steps(a, b)
    expected = numpy_broadcast(a, b)
    assert steps[0].kind == "align"
    assert steps[0].before == (a, b)
    for earlier, later in zip(steps, steps[1:]):
        assert later.before == earlier.after          # the story has no gaps
    if expected is None:
        assert steps[-1].kind == "conflict"
        assert steps[-1].message
        assert steps[-1].axis == _refused_axis(a, b)
    else:
        assert steps[-1].kind == "result"
        assert steps[-1].result == expected
        assert steps[-1].after == (expected, expected)


def _refused_axis(a, b):
    with pytest.raises(ShapeError) as info:
        broadcast_shape(a, b)
    return info.value.axis


@settings(max_examples=200, deadline=None)
@given(compatible_pair(), st.sampled_from(["+", "*", "maximum"]))
def test_expand_dims_and_tile_code_gives_broadcast_values(pair, op):
    a, b = pair
    rng = np.random.default_rng(0)
    x = rng.integers(-9, 10, size=a).astype(float)
    y = rng.integers(-9, 10, size=b).astype(float)
    expected = {"+": np.add, "*": np.multiply, "maximum": np.maximum}[op](x, y)
    namespace = {"np": np, "x": x, "y": y}
    exec(steps_code(broadcast_steps(a, b, op=op)), namespace)   # our own generated code
    assert namespace["x"].shape == namespace["y"].shape == expected.shape
    np.testing.assert_array_equal(namespace["result"], expected)
    np.testing.assert_array_equal(x, namespace["np"].asarray(x))  # inputs rebound, not mutated


def test_book_examples():
    assert broadcast_shape((32, 10), (10,)) == (32, 10)
    assert broadcast_shape((64, 3, 32, 10), (32, 10)) == (64, 3, 32, 10)
    assert broadcast_shape((3, 1), (1, 4)) == (3, 4)
    kinds = [s.kind for s in broadcast_steps((32, 10), (10,))]
    assert kinds == ["align", "expand", "tile", "result"]
    assert "np.expand_dims(y, axis=0)" in steps_code(broadcast_steps((32, 10), (10,)))
    assert "np.tile(y, (32, 1))" in steps_code(broadcast_steps((32, 10), (10,)))
    assert "np.maximum(x, y)" in broadcast_steps((64, 3, 32, 10), (32, 10), op="maximum")[-1].code


def test_incompatible_message_is_plain():
    with pytest.raises(ShapeError, match=r"axis -2: 3 vs 4 — neither is 1"):
        broadcast_shape((3, 5), (4, 5))
    steps = broadcast_steps((32, 10), (32,))
    assert steps[-1].kind == "conflict" and steps[-1].axis == -1
    assert "10 vs 32" in steps[-1].message


def test_aligned_shapes_line_up_on_the_right():
    top, bottom = aligned_shapes((64, 3, 32, 10), (32, 10))
    assert top == "(64, 3, 32, 10)"
    assert bottom.index("32") == top.index("32")
    assert aligned_shapes((), (3,))[0].strip() == "()"


def test_unknown_operation_refused():
    with pytest.raises(ValueError):
        broadcast_steps((2,), (2,), op="eval")


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


# ------------------------------------------------------------------ the quiz

def test_quiz_questions_mix_compatible_and_refused():
    from lib.quiz import random_question
    rng = np.random.default_rng(0)
    questions = [random_question(rng) for _ in range(400)]
    refused = sum(q.answer is None for q in questions)
    assert 60 <= refused <= 200                      # about 30 % clash
    for q in questions:
        assert 1 <= max(len(q.a), len(q.b)) <= 4
        assert q.answer == numpy_broadcast(q.a, q.b)


def test_quiz_marking():
    from lib.quiz import Question, answer_text, check_answer
    q = Question((32, 10), (10,))
    assert check_answer(q, "(32, 10)").correct
    assert check_answer(q, "32,10").correct
    assert check_answer(q, answer_text(q)).correct
    assert not check_answer(q, "(10, 32)").correct
    assert not check_answer(q, "error").correct
    assert not check_answer(q, "").correct
    assert "could not read" in check_answer(q, "(3.5,)").message
    bad = Question((3, 5), (4, 5))
    assert check_answer(bad, "Error").correct and check_answer(bad, answer_text(bad)).correct
    assert not check_answer(bad, "(4, 5)").correct


# ------------------------------------------------------------------ figures and by-hand steps

@settings(max_examples=60, deadline=None)
@given(st.tuples(shapes, shapes))
def test_animation_has_one_frame_per_step(pair):
    from lib.figures_broadcast import broadcast_animation, stand_in_shapes
    a, b = pair
    small_a, small_b = stand_in_shapes(a, b)
    assert len(small_a) == len(a) and len(small_b) == len(b)
    assert (numpy_broadcast(a, b) is None) == (numpy_broadcast(small_a, small_b) is None)
    fig = broadcast_animation(a, b)
    steps = broadcast_steps(a, b)
    assert len(fig.frames) == len(steps)
    assert len(fig.layout.sliders[0].steps) == len(steps)
    assert all(len(frame.data) == 8 for frame in fig.frames)


def test_animation_of_big_shapes_draws_a_small_stand_in():
    from lib.figures_broadcast import broadcast_animation, stand_in_shapes
    assert stand_in_shapes((64, 3, 32, 10), (32, 10)) == ((3, 3, 4, 4), (4, 4))
    assert stand_in_shapes((32, 10), (64, 10)) == ((3, 4), (4, 4))   # a clash stays a clash
    small = stand_in_shapes((2, 1, 1), (1, 1, 3, 1, 1))                # slice cap 2: 2 vs 3
    assert numpy_broadcast(*small) is None and 1 not in (small[0][0], small[1][2])
    fig = broadcast_animation((10**5, 1, 10**3), (10**3, 1))
    texts = " ".join(str(t) for frame in fig.frames for t in frame.data[7].text)
    assert "(100000, 1000, 1000)" in texts and "drawn as" in texts


def test_conflict_frame_is_red_at_the_axis():
    from lib.figures_broadcast import COLORS, broadcast_animation
    fig = broadcast_animation((32, 10), (32,))
    last = fig.frames[-1]
    assert last.data[6].line.color == COLORS["conflict"]
    assert any("✗" in str(t) for t in last.data[7].text)


@settings(max_examples=100, deadline=None)
@given(compatible_pair())
def test_apply_steps_matches_broadcasting(pair):
    from lib.elementwise import apply_steps
    a, b = pair
    x = np.arange(int(np.prod(a)), dtype=float).reshape(a)
    y = -np.arange(int(np.prod(b)), dtype=float).reshape(b)
    big_x, big_y = apply_steps(x, y, broadcast_steps(a, b))
    np.testing.assert_array_equal(big_x + big_y, x + y)


def test_apply_steps_refuses_a_conflict():
    from lib.elementwise import apply_steps
    with pytest.raises(ShapeError):
        apply_steps(np.zeros((3, 5)), np.zeros((4, 5)), broadcast_steps((3, 5), (4, 5)))


def test_broadcast_view_code_names_the_zero_strides():
    from lib.elementwise import broadcast_view_code
    code = broadcast_view_code((32, 10), (10,))
    assert "np.broadcast_to(y, (32, 10))" in code and "(0, 8)" in code and "x_view" not in code
    assert "x_view.strides  # (8, 0)" in broadcast_view_code((3, 1), (1, 4))

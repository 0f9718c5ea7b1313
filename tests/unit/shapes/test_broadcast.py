"""The broadcasting rule and its step-by-step explanation (lib/rules/shapes.py), against NumPy."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.rules.shapes import (ShapeError, aligned_shapes, broadcast_shape, broadcast_steps,
                        steps_code)
from tests.unit.strategies import compatible_pair, numpy_broadcast, shapes


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


@settings(max_examples=300, deadline=None)
@given(shapes, shapes)
def test_steps_only_ever_repeat_a_size_1_axis_and_stop_at_the_first_clash_from_the_right(a, b):
    """Several clashing axes: the explanation walks from the right, repeats only axes of
    size 1 on the way, and stops at the first clash it meets (what NumPy's rule says)."""
    steps = broadcast_steps(a, b)
    rank = max(len(a), len(b))
    pa, pb = (1,) * (rank - len(a)) + a, (1,) * (rank - len(b)) + b
    clashes = [ax for ax in range(-1, -rank - 1, -1)
               if pa[ax] != pb[ax] and 1 not in (pa[ax], pb[ax])]
    for step in steps:
        if step.kind == "tile":
            assert step.before[step.operand][step.axis] == 1
            assert not clashes or step.axis > clashes[0]
    assert (steps[-1].kind == "conflict") == bool(clashes)
    if clashes:
        assert steps[-1].axis == clashes[0]

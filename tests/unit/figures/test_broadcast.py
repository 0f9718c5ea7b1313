"""The broadcasting animation (lib/figures/broadcast.py) and the one table of broadcast
operations, checked against NumPy: one frame per step for any shapes, never an exception."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.figures.broadcast import (BASE_FONT, COLORS, broadcast_animation, controls_px,
                                   stand_in_shapes)
from lib.rules.shapes import (BROADCAST_OPERATIONS, BROADCAST_OPS, broadcast_steps, expression_text,
                        pad_shape, parse_shape)
from tests.unit.strategies import clashing_pair, compatible_pair, numpy_broadcast, shapes

ops = st.sampled_from(sorted(BROADCAST_OPERATIONS))
any_pair = st.one_of(st.tuples(shapes, shapes), compatible_pair(), clashing_pair())


def trace(frame_or_fig, name: str):
    """A frame's (or the figure's) trace by name: 'values' is the one text trace."""
    return next(t for t in frame_or_fig.data if t.name == name)


def drawn_cells(frame, tensor: str) -> dict[tuple, float]:
    """{index: value} of one tensor's cells in a frame, read from their hover texts."""
    out = {}
    for hover in trace(frame, "values").hovertext:
        found = re.fullmatch(rf"{tensor}\[([\d, ]*)\] = (\S+)( \(a repeated copy\))?", hover)
        if found:
            index = tuple(int(i) for i in found[1].split(", ")) if found[1] else ()
            out[index] = float(found[2])
    return out


def caption(frame) -> str:
    return next(t for t in trace(frame, "values").text if t.startswith("<b>Step "))


# ------------------------------------------------------------------ frames and traces

@settings(max_examples=150, deadline=None)
@given(any_pair, ops)
def test_any_pair_draws_one_frame_per_step(pair, op):
    """Compatible or not, sizes 0 included: no exception, and frame k is step k."""
    a, b = pair
    fig = broadcast_animation(a, b, op=op)
    steps = broadcast_steps(a, b, op=op)
    assert len(fig.frames) == len(steps)
    assert len(fig.layout.sliders[0].steps) == len(steps)
    for k, frame in enumerate(fig.frames):
        assert frame.name == str(k)
        assert caption(frame).startswith(f"<b>Step {k + 1}/{len(steps)} ")


@settings(max_examples=60, deadline=None)
@given(any_pair)
def test_stand_in_keeps_the_story(pair):
    a, b = pair
    small_a, small_b = stand_in_shapes(a, b)
    assert len(small_a) == len(a) and len(small_b) == len(b)
    assert (numpy_broadcast(a, b) is None) == (numpy_broadcast(small_a, small_b) is None)
    assert [s.kind for s in broadcast_steps(small_a, small_b)] == \
        [s.kind for s in broadcast_steps(a, b)]


@settings(max_examples=40, deadline=None)
@given(any_pair)
def test_every_frame_replaces_every_trace(pair):
    """The trace count comes from the traces built: each frame carries all of them, in the
    figure's order, and says so in `traces` (no count written down twice)."""
    fig = broadcast_animation(*pair)
    names = [t.name for t in fig.data]
    assert len(set(names)) == len(names)
    for frame in fig.frames:
        assert [t.name for t in frame.data] == names
        assert list(frame.traces) == list(range(len(names)))


def test_slider_and_captions_of_the_book_example():
    fig = broadcast_animation((32, 10), (10,))
    assert [s.label for s in fig.layout.sliders[0].steps] == ["align", "new axis", "repeat -2",
                                                              "result"]
    assert fig.layout.sliders[0].currentvalue.prefix == "Step: "
    assert [caption(f) for f in fig.frames] == [
        "<b>Step 1/4 · line the shapes up on the right</b>",
        "<b>Step 2/4 · new size-1 axis in front of y</b>: (10,) → (1, 10)",
        "<b>Step 3/4 · repeat y along axis -2</b>: (1, 10) → (32, 10)",
        "<b>Step 4/4 · the shapes match</b>: element-wise result (32, 10)"]


# ------------------------------------------------------------------ the numbers drawn

@settings(max_examples=60, deadline=None)
@given(compatible_pair(), ops)
def test_result_cells_are_what_numpy_computes(pair, op):
    """The numbers in the last frame's result are NumPy's op on the drawn x and y; the pale
    cells are exactly the repeats broadcasting adds."""
    a, b = pair
    small = stand_in_shapes(a, b)
    fig = broadcast_animation(a, b, op=op)
    first, last = fig.frames[0], fig.frames[-1]
    x = np.zeros(small[0])
    y = np.zeros(small[1])
    for array, name in ((x, "x"), (y, "y")):
        cells = drawn_cells(first, name)
        assert len(cells) == array.size
        for index, value in cells.items():
            array[index] = value
    expected = BROADCAST_OPERATIONS[op].numpy_function(x, y)
    result = drawn_cells(last, "result")
    assert len(result) == expected.size
    for index, value in result.items():
        assert value == expected[index]
    copies = [h for h in trace(last, "values").hovertext if h.endswith("(a repeated copy)")]
    assert len(copies) == sum(expected.size - array.size for array in (x, y) if expected.size)


def test_animation_of_big_shapes_draws_a_small_stand_in():
    assert stand_in_shapes((64, 3, 32, 10), (32, 10)) == ((3, 3, 4, 4), (4, 4))
    assert stand_in_shapes((32, 10), (64, 10)) == ((3, 4), (4, 4))   # a clash stays a clash
    small = stand_in_shapes((2, 1, 1), (1, 1, 3, 1, 1))                # slice cap 2: 2 vs 3
    assert numpy_broadcast(*small) is None and 1 not in (small[0][0], small[1][2])
    fig = broadcast_animation((10**5, 1, 10**3), (10**3, 1))
    texts = " ".join(str(t) for frame in fig.frames for t in trace(frame, "values").text)
    assert "(100000, 1000, 1000)" in texts and "drawn as" in texts


def test_conflict_frame_is_red_at_the_axis():
    fig = broadcast_animation((32, 10), (32,))
    last = fig.frames[-1]
    assert trace(last, "axis").line.color == COLORS["conflict"]
    assert any("✗" in str(t) for t in trace(last, "values").text)


# ------------------------------------------------------------------ size-0 axes

def empty_outlines(frame) -> int:
    """How many dotted 'empty' outlines a frame draws (each ends with a None; none: [None])."""
    xs = list(trace(frame, "empty").x)
    return 0 if xs == [None] else xs.count(None)


def test_zero_size_axes_draw_an_empty_outline_not_an_exception():
    """Hypothesis found it: (2, 1, 2, 1) with (0, 1, 0, 1) raised ValueError from np.tile."""
    fig = broadcast_animation((2, 1, 2, 1), (0, 1, 0, 1))
    # compared from the right, axis -1 matches (1 and 1) and axis -2 clashes (2 vs 0)
    assert [s.label for s in fig.layout.sliders[0].steps] == ["align", "conflict"]
    for frame in fig.frames:
        assert drawn_cells(frame, "y") == {}                   # y holds no numbers...
        assert len(drawn_cells(frame, "x")) == 4
        assert empty_outlines(frame) == 1                      # ...so it is an outline
        assert "<i>empty</i>" in trace(frame, "values").text
    assert any("<b>y</b>  (0, 1, 0, 1)" in t for t in trace(fig.frames[0], "values").text)


def test_an_empty_result_is_drawn_empty():
    """(0, 5) + (5,) is legal and gives (0, 5): y is repeated 0 times, the result is empty."""
    fig = broadcast_animation((0, 5), (5,))
    assert caption(fig.frames[-1]).endswith("element-wise result (0, 5)")
    assert empty_outlines(fig.frames[0]) == 1                  # only x at first
    assert empty_outlines(fig.frames[-1]) == 3                 # x, y repeated 0 times, result
    assert not any(empty_outlines(f) for f in broadcast_animation((3, 1), (1, 4)).frames)


@pytest.mark.parametrize("x_text, y_text", [("(2, 1, 2, 1)", "(0, 1, 0, 1)"),
                                            ("(3, 1, 3)", "(4, 1, 5)"),     # two clashing axes
                                            ("(0, 3, 1, 4, 4)", "(1000, 6, 1, 10, 5)"),
                                            ("()", "(0,)"), ("(0, 0, 0, 0, 0)", "()")])
def test_typed_shapes_never_raise(x_text, y_text):
    a, b = parse_shape(x_text, max_rank=5), parse_shape(y_text, max_rank=5)
    fig = broadcast_animation(a, b)
    assert len(fig.frames) == len(broadcast_steps(a, b))


# ------------------------------------------------------------------ the table of operations

@pytest.mark.parametrize("symbol", sorted(BROADCAST_OPERATIONS))
def test_each_operation_computes_what_its_code_says(symbol):
    """NumPy running the code template gives what the table's NumPy function gives."""
    op = BROADCAST_OPERATIONS[symbol]
    assert op.symbol == symbol
    rng = np.random.default_rng(0)
    x, y = rng.integers(-5, 6, size=(3, 1, 4)).astype(float), rng.integers(-5, 6, size=(2, 4))
    code = expression_text(symbol, ("x", "y"))
    np.testing.assert_array_equal(eval(code, {"np": np, "x": x, "y": y}),
                                  op.numpy_function(x, y))
    assert BROADCAST_OPS[symbol] == op.code_template
    assert expression_text(symbol, ("a", "b")) == op.code_template.format(x="a", y="b")


def test_the_table_keeps_every_operation():
    assert set(BROADCAST_OPERATIONS) == {"+", "-", "*", "maximum", "minimum"}
    assert expression_text("+") == "x + y"
    assert expression_text("maximum") == "np.maximum(x, y)"
    signs = [op.sign for op in BROADCAST_OPERATIONS.values()]
    assert len(set(signs)) == len(signs)                      # each drawn differently


def test_pad_shape_is_how_the_figure_lines_shapes_up():
    assert pad_shape((32, 10), 4) == (1, 1, 32, 10)
    assert pad_shape((10,), 3, None) == (None, None, 10)
    assert math.prod(pad_shape((), 3)) == 1


def test_the_animation_can_open_at_any_step():
    """start_step: the figure shows that frame first and its slider stands there (a link
    with bc_step opens the animation at that step); out-of-range steps are clipped."""
    fig = broadcast_animation((64, 3, 32, 10), (32, 10), op="maximum", start_step=3)
    assert fig.layout.sliders[0].active == 3
    assert [t.to_plotly_json() for t in fig.data] == \
        [t.to_plotly_json() for t in fig.frames[3].data]
    fig = broadcast_animation((32, 10), (10,), start_step=99)
    assert fig.layout.sliders[0].active == len(fig.frames) - 1
    assert broadcast_animation((32, 10), (10,), start_step=-5).layout.sliders[0].active == 0
    assert broadcast_animation((32, 10), (10,)).layout.sliders[0].active == 0


@pytest.mark.parametrize("x, y", [((32, 10), (10,)), ((3, 1), (1, 4)), ((64, 3, 32, 10), (32, 10)),
                                  ((8, 1, 6, 1), (7, 1, 5)), ((32, 10), (32,))])
def test_a_bounded_height_is_kept_up_to_rank_4(x, y):
    """max_height (projector mode: the figure under the inputs on a 720 px screen) bounds the
    figure's height, controls included; the default leaves the laptop layout as it was."""
    for bound in (450, 600):
        assert broadcast_animation(x, y, max_height=bound).layout.height <= bound
    assert broadcast_animation(x, y).layout.height == \
        broadcast_animation(x, y, max_height=830).layout.height


# ------------------------------------------------------------------ projector mode (text 1.4x)

PROJECTOR = dict(max_height=450, max_width=1150, text_scale=1.4)    # pages/broadcasting.py


def cell_px(fig) -> float:
    """Pixels per cell on screen: the drawing fills the figure's height above the controls."""
    low, high = fig.layout.yaxis.range
    return (fig.layout.height - controls_px(PROJECTOR["text_scale"])) / (high - low)


def cells_x(frame, key: str) -> tuple[float, float]:
    """Leftmost and rightmost x of a tensor's cells (its fill traces, copies included)."""
    xs = [x for name in (key, key + " copy") for x in trace(frame, name).x if x is not None]
    return min(xs), max(xs)


@pytest.mark.parametrize("x, y, op", [((64, 3, 32, 10), (32, 10), "maximum"),
                                      ((32, 10), (10,), "minimum"), ((5, 1, 4), (3, 1), "+")])
def test_on_a_projector_the_figure_makes_room_for_its_larger_text(x, y, op):
    """Drawn at 1.4x (lib.figures.common.scaled_fonts), the book's np.maximum example had its
    "max" over x's third column of slices, the shape table's two rows touching and the last
    slider label cut ("resul"): the builder is told the scale and makes room."""
    scale = PROJECTOR["text_scale"]
    fig = broadcast_animation(x, y, op=op, **PROJECTOR)
    assert fig.layout.height <= PROJECTOR["max_height"]
    px = cell_px(fig)
    sign = BROADCAST_OPERATIONS[op].sign
    for frame in fig.frames:
        values = trace(frame, "values")
        k = values.text.index(f"<b>{sign}</b>")
        # a bold character is at most 0.8 of the font size wide ("max": 60 px at 25 px)
        half = 0.8 * values.textfont.size[k] * scale * len(sign) / 2 / px
        assert cells_x(frame, "x")[1] < values.x[k] - half
        assert values.x[k] + half < cells_x(frame, "y")[0]
        # the shape table's x and y rows stand a line of their (scaled) text apart
        rows = [values.y[i] for i, t in enumerate(values.text) if t in ("<b>x</b>", "<b>y</b>")]
        assert len(rows) == 2
        font = values.textfont.size[values.text.index("<b>x</b>")] * scale
        assert abs(rows[0] - rows[1]) * px >= 1.15 * font
    # the last slider label is centred on the rail's end: the rail stops half a label short
    slider = fig.layout.sliders[0]
    label = slider.steps[-1].label
    assert slider.pad.r >= 0.55 * BASE_FONT * scale * len(label) / 2

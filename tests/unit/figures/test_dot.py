"""Figures of the Dot product page (lib/figures/dot.py): the shape-rule boxes and arcs, and
the matmul animation, checked against the shape rules and NumPy."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings, strategies as st

from lib.figures.dot import BAD, BATCH_EDGE, GOOD, matmul_animation, shape_rule_figure
from lib.rules.products import random_matrix
from lib.rules.shapes import ShapeError, dot_shape, matmul_shape, paired_axes, tensordot_shape

RULES = {"dot": dot_shape, "matmul": matmul_shape, "tensordot": tensordot_shape}
small_shapes = st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple)


def validated(fig) -> dict:
    """The builders skip plotly's validation for speed; check here that it would pass."""
    return go.Figure(fig.to_dict()).to_dict()


def rule_figure(op, a, b, names=("a", "b")) -> dict:
    """shape_rule_figure as the Dot product page calls it: the rule's shape, or None."""
    pairing = paired_axes(op, a, b)
    try:
        result = RULES[op](a, b)
    except ShapeError:
        result = None
    return validated(shape_rule_figure(a, b, pairing, result, names=names))["layout"]


def boxes(layout) -> int:
    return sum(s["type"] == "rect" for s in layout.get("shapes", []))


def arc_colors(layout) -> list[str]:
    """Arc colours, summed pairs (above) first, then batch pairs (below)."""
    return [s["line"]["color"] for s in layout.get("shapes", []) if s["type"] == "path"]


def texts(layout) -> list[str]:
    return [a["text"] for a in layout.get("annotations", [])]


# ------------------------------------------------------------------ the shape rule figure

# (op, a, b, names): boxes drawn, arc colours, the result's text, and the arc labels.
REPRESENTATIVE = [
    ("dot", (10,), (10,), ("x", "y"), 2, [GOOD], "<b>result</b>  ()", ["10 = 10 ✓ summed"]),
    ("dot", (32, 10), (10,), ("x", "y"), 4, [GOOD], "<b>result</b>  (32,)", ["10 = 10 ✓ summed"]),
    ("dot", (32, 10), (10, 64), ("x", "y"), 6, [GOOD], "<b>result</b>  (32, 64)",
     ["10 = 10 ✓ summed"]),
    ("dot", (32, 10), (64, 10), ("x", "y"), 4, [BAD], "<b>✗ no result</b>", ["10 ≠ 64 ✗"]),
    ("tensordot", (4, 3, 2), (2, 4, 5), ("a", "b"), 10, [GOOD], "<b>result</b>  (4, 3, 4, 5)",
     ["2 = 2 ✓ summed"]),
    ("dot", (4, 3, 2), (2, 4, 5), ("a", "b"), 6, [BAD], "<b>✗ no result</b>", ["2 ≠ 4 ✗"]),
    ("matmul", (4, 3, 2), (2, 4, 5), ("a", "b"), 6, [BAD, BAD], "<b>✗ no result</b>",
     ["2 ≠ 4 ✗", "batch: 4 vs 2 ✗"]),
    ("matmul", (8, 3, 2), (8, 2, 5), ("a", "b"), 9, [GOOD, BATCH_EDGE],
     "<b>result</b>  (8, 3, 5)", ["2 = 2 ✓ summed", "batch: broadcast ✓"]),
    ("dot", (8, 3, 2), (8, 2, 5), ("a", "b"), 10, [GOOD], "<b>result</b>  (8, 3, 8, 5)",
     ["2 = 2 ✓ summed"]),
    ("tensordot", (8, 3, 2), (8, 2, 5), ("a", "b"), 6, [BAD], "<b>✗ no result</b>",
     ["2 ≠ 8 ✗"]),
    ("dot", (), (3, 4), ("x", "y"), 4, [], "<b>result</b>  (3, 4)", []),
    ("dot", (), (), ("x", "y"), 0, [], "<b>result</b>  ()", []),
    ("dot", (128, 784), (784, 512), ("input", "W"), 6, [GOOD], "<b>result</b>  (128, 512)",
     ["784 = 784 ✓ summed"]),
]


@pytest.mark.parametrize("op, a, b, names, n_boxes, colors, result_text, arc_texts",
                         REPRESENTATIVE)
def test_representative_rule_figures(op, a, b, names, n_boxes, colors, result_text, arc_texts):
    """Pinned before the figure was split into named steps: the same boxes, arcs and words."""
    layout = rule_figure(op, a, b, names)
    assert boxes(layout) == n_boxes
    assert arc_colors(layout) == colors
    assert result_text in texts(layout)
    assert [t for t in texts(layout) if ("✓" in t or "✗" in t) and "no result" not in t] == \
        arc_texts
    assert f"<b>{names[0]}</b>  " in " ".join(texts(layout))
    if () in (a, b):
        assert "a number" in texts(layout)


def test_rule_figure_layout_is_pinned():
    """Exact positions for two figures, recorded from the code before the refactor."""
    layout = rule_figure("matmul", (8, 3, 2), (8, 2, 5))
    assert layout["xaxis"]["range"] == [-0.3, 13.059999999999999]
    assert layout["yaxis"]["range"] == [-1.8, 2.5088]
    assert [s.get("path") for s in layout["shapes"] if s["type"] == "path"] == [
        "M 2.86,1.0 C 2.86,1.8284 6.34,1.8284 6.34,1.0",
        "M 0.5,-0.8 C 0.5,-1.4796 5.16,-1.4796 5.16,-0.8"]
    assert [a["x"] for a in layout["annotations"]][-4:] == [11.0, 12.18, 12.18, 11.0]
    layout = rule_figure("dot", (), (3, 4))
    assert layout["xaxis"]["range"] == [-0.3, 9]
    assert layout["yaxis"]["range"] == [-0.8, 2.3]
    assert [a["x"] for a in layout["annotations"]][-4:] == [5.88, 7.06, 7.06, 6.47]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(RULES)), small_shapes, small_shapes)
def test_rule_figure_draws_one_box_per_axis(op, a, b):
    """Any shapes the page can pass: a box per axis of a, b and the result; an arc per pair,
    green/violet exactly when the rule gives a shape; '✗ no result' when it refuses."""
    try:
        pairing = paired_axes(op, a, b)
    except ShapeError:                       # the page draws nothing when an axis is missing
        return
    layout = rule_figure(op, a, b)
    try:
        result = RULES[op](a, b)
    except ShapeError:
        result = None
    assert boxes(layout) == len(a) + len(b) + len(result or ())
    assert len(arc_colors(layout)) == len(pairing.contract) + len(pairing.batch)
    assert (BAD in arc_colors(layout)) == (result is None)
    assert ("<b>✗ no result</b>" in texts(layout)) == (result is None)


# ------------------------------------------------------------------ matmul, cell by cell

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

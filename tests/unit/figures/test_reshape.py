"""lib/figures/reshape.py: the reshape and transpose pictures."""
import numpy as np
import plotly.graph_objects as go
import pytest

from lib.figures.reshape import (MAX_FLOW_ELEMENTS, MAX_FLOW_RANK, axis_permutation_figure,
                                 digit_rows_figure, digit_strip_figure, element_layout,
                                 flow_animation, flow_drawable, transpose_slots)


def validated(fig) -> dict:
    """The builders skip plotly's validation for speed; check here that it would pass."""
    return go.Figure(fig.to_dict()).to_dict()


def test_shape_figures_are_valid():
    """The reshape figures pass plotly's validation (dot figures: tests/unit/figures/)."""
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


@pytest.mark.parametrize("src, dst, drawn", [
    ((3, 2), (6, 1), True), ((2, 3, 4), (4, 6), True), ((60,), (2, 2, 3, 5), True),
    ((61,), (61,), False),                                   # too many elements
    ((1, 1, 1, 1, 2), (2,), False), ((2,), (1, 1, 1, 1, 2), False),   # rank 5 on one side
    ((0, 3), (3, 0), False), ((), (1, 1), True)])
def test_flow_drawable_says_which_reshapes_the_picture_draws(src, dst, drawn):
    assert flow_drawable(src, dst) is drawn
    if drawn:                                  # and flow_animation draws every element
        frames = validated(flow_animation(src, dst))["frames"]
        assert len(frames[-1]["data"][0]["x"]) == int(np.prod(src)) <= MAX_FLOW_ELEMENTS
        assert max(len(src), len(dst)) <= MAX_FLOW_RANK

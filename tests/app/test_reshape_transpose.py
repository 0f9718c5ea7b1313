"""The Reshape & transpose page under AppTest: the book's shapes, bad reshapes explained."""
from __future__ import annotations

import numpy as np
import pytest

from lib.core.data import load_mnist
from tests.app.helpers import check_quiz_marks_right_and_wrong, errors, metric, open_page, plotly_specs

PAGE = "pages/reshape_transpose.py"
N = len(load_mnist().train_images)


@pytest.fixture
def at():
    return open_page(PAGE)


def test_opens_on_the_book_example(at):
    assert metric(at, "x.shape") == "(3, 2)"
    assert metric(at, "x.reshape((6, 1)).shape") == "(6, 1)"
    assert not at.error


@pytest.mark.parametrize("preset, label, shape", [
    (1, "x.reshape((2, 3)).shape", "(2, 3)"),
    (2, "x.reshape((4, -1)).shape", "(4, 6)"),
    (3, "x.reshape((2, 3, 4)).shape", "(2, 3, 4)")])
def test_presets(at, preset, label, shape):
    at.button(key=f"reshape_preset_{preset}").click().run()
    assert not at.exception
    assert metric(at, label) == shape


def test_impossible_reshape_is_explained(at):
    at.button(key="reshape_preset_4").click().run()            # (3, 2) -> (4, 2)
    assert not at.exception
    assert "holds 6 elements" in errors(at) and "holds 8" in errors(at)
    assert any("Shapes that fit" in m.value and "(2, 3)" in m.value for m in at.markdown)


@pytest.mark.parametrize("target, message", [("(4, -1)", "not a whole number"),
                                             ("(-1, -1)", "only one axis can be -1"),
                                             ("(0, -1)", "multiply to 0"),
                                             ("(2, y)", "not a whole number")])
def test_bad_targets(at, target, message):
    at.text_input(key="reshape_b").set_value(target).run()
    assert not at.exception
    assert message in errors(at)


def test_mnist_reshape_big_shapes_are_not_drawn(at):
    at.text_input(key="reshape_a").set_value("(60000, 28, 28)").run()
    at.text_input(key="reshape_b").set_value("(-1, 784)").run()
    assert not at.exception
    assert metric(at, "x.reshape((-1, 784)).shape") == "(60000, 784)"
    assert any("too many to draw" in i.value for i in at.info)


def test_real_digits_become_rows(at):
    assert metric(at, "train_images.shape") == f"({N}, 28, 28)"
    assert metric(at, "after reshape((N, 28 * 28))") == f"({N}, 784)"
    at.slider(key="reshape_row").set_value(27).run()
    assert not at.exception
    assert any("**True**" in m.value for m in at.markdown)


def test_flow_animation_ends_in_the_new_shape(at):
    spec = next(s for s in plotly_specs(at) if len(s.get("frames", [])) > 0)
    last = spec["frames"][-1]["data"][0]
    xs, ys = last["x"], last["y"]
    assert len(xs) == 6 and len(set(xs)) == 1                    # (6, 1): one column
    assert ys == sorted(ys)                                       # 0..5 top to bottom, in order


@pytest.mark.parametrize("axes, shape", [("None", "(20, 50, 10, 300)"),
                                         ("(3, 2, 1, 0)", "(20, 50, 10, 300)"),
                                         ("(0, 2, 1, 3)", "(300, 50, 10, 20)"),
                                         ("[1, 0, -1, 2]", "(10, 300, 20, 50)")])
def test_transpose_shapes(at, axes, shape):
    at.text_input(key="transpose_nd_axes").set_value(axes).run()
    assert not at.exception
    assert metric(at, "result shape") == shape


@pytest.mark.parametrize("axes, message", [("(0, 0, 1, 2)", "listed twice"),
                                           ("(0, 1)", "has 4"), ("(0, 1, 2, 7)", "does not exist"),
                                           ("__import__('os')", "Cannot read")])
def test_bad_transposes(at, axes, message):
    at.text_input(key="transpose_nd_axes").set_value(axes).run()
    assert not at.exception
    assert message in errors(at)


@pytest.mark.parametrize("rows, cols", [(6, 1), (2, 5)])
def test_2d_transpose_sliders_move_each_element_to_its_place_in_x_T(at, rows, cols):
    """The transpose picture, read from its Plotly spec: element x[i, j] (numbered
    i * cols + j) ends on the slot of x.T[j, i], NumPy's transpose as the judge."""
    at.slider(key="transpose_rows").set_value(rows).run()
    at.slider(key="transpose_cols").set_value(cols).run()
    assert not at.exception
    title = f"<b>x.T ({cols}, {rows})</b>"
    spec = next(s for s in plotly_specs(at)
                if any(a.get("text") == title for a in s["layout"].get("annotations", [])))
    n = rows * cols
    slots, elements = spec["data"][0], spec["data"][1]
    assert elements["text"] == [str(k) for k in range(n)]            # numbered in memory order
    src = list(zip(slots["x"][:n], slots["y"][:n]))                  # x's slots, row-major
    dst = list(zip(slots["x"][n:], slots["y"][n:]))                  # x.T's slots, row-major
    assert list(zip(elements["x"], elements["y"])) == src            # they start in x
    last = spec["frames"][-1]["data"][0]
    x_t = np.arange(n).reshape(rows, cols).T.reshape(-1)             # x.T read row by row
    assert list(zip(last["x"], last["y"])) == [dst[list(x_t).index(k)] for k in range(n)]
    reading = ", ".join(map(str, x_t[:8])) + (", …" if n > 8 else "")
    assert any(reading in m.value for m in at.markdown)


def test_the_reshape_quiz_marks_right_and_wrong():
    at = open_page("pages/reshape_transpose.py")
    check_quiz_marks_right_and_wrong(at, "reshape_quiz", "reshape")

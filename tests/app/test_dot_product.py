"""The Dot product page under AppTest: the book's shapes, refusals explained, no exception."""
from __future__ import annotations

import numpy as np
import pytest

from lib.products import random_matrix
from tests.app.helpers import errors, metric, open_page, plotly_specs

PAGE = "pages/dot_product.py"


@pytest.fixture
def at():
    return open_page(PAGE)


def test_opens_with_vectors_and_the_dense_layer(at):
    assert metric(at, "np.dot(x, y).shape") == "()"
    assert metric(at, "np.dot(input, W)") == "(128, 512)"
    assert metric(at, "+ b  (b is (512,))") == "(128, 512)"


@pytest.mark.parametrize("preset, shape", [(1, "(32,)"), (2, "(32, 64)")])
def test_book_presets_give_the_book_shapes(at, preset, shape):
    at.button(key=f"dot_rule_preset_{preset}").click().run()
    assert not at.exception
    assert metric(at, "np.dot(x, y).shape") == shape


def test_mismatch_is_explained_not_raised(at):
    at.button(key="dot_rule_preset_3").click().run()          # (32, 10) · (64, 10)
    assert not at.exception
    assert metric(at, "np.dot(x, y).shape") is None
    assert "size 10" in errors(at) and "size 64" in errors(at)


@pytest.mark.parametrize("text", ["(3, x)", "(1, 2", "__import__('os')", "9" * 300, "(-1, 3)"])
def test_bad_typed_shapes_show_an_error(at, text):
    at.text_input(key="dot_rule_a").set_value(text).run()
    assert not at.exception
    assert "shape of x" in errors(at)


def test_three_products_side_by_side(at):
    """(4, 3, 2) and (2, 4, 5): tensordot works, np.dot and @ refuse, each for its own reason."""
    md = "\n".join(m.value for m in at.markdown)
    assert "`np.tensordot(a, b, axes=1).shape` → **`(4, 3, 4, 5)`**" in md
    text = errors(at)
    assert "np.dot(a, b) → ValueError" in text and "2 ≠ 4" in text
    assert "a @ b → ValueError" in text and "batch rule" in text
    at.button(key="dot_nd_preset_1").click().run()             # (4, 3, 2) and (5, 2, 6)
    md = "\n".join(m.value for m in at.markdown)
    assert "`np.dot(a, b).shape` → **`(4, 3, 5, 6)`**" in md
    assert "batch rule" in errors(at)                           # @: batch axes 4 vs 5
    at.button(key="dot_nd_preset_2").click().run()             # (8, 3, 2) @ (8, 2, 5)
    md = "\n".join(m.value for m in at.markdown)
    assert "`a @ b.shape` → **`(8, 3, 5)`**" in md


def test_scalar_operands_do_not_crash(at):
    at.text_input(key="dot_nd_a").set_value("()").run()
    assert not at.exception
    assert "a @ b → ValueError" in errors(at)


def test_matmul_animation_frames_add_up(at):
    spec = next(s for s in plotly_specs(at) if len(s.get("frames", [])) > 0
                and s["data"][0].get("name") == "A")
    n, k, m = 2, 3, 2                                          # the page's defaults
    assert len(spec["frames"]) == n * k * m + 2                # empty start, every step, done
    last_c = spec["frames"][-1]["data"][3]["text"]
    expected = random_matrix((n, k), 0) @ random_matrix((k, m), 1)
    assert np.array_equal(np.array(last_c, dtype=float), expected)
    assert spec["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert len(spec["layout"]["sliders"][0]["steps"]) == len(spec["frames"])


def test_sizes_and_edit_mode(at):
    at.slider(key="dot_n").set_value(5).run()
    at.slider(key="dot_k").set_value(5).run()
    at.slider(key="dot_m").set_value(5).run()
    at.radio(key="dot_values").set_value("type your own").run()
    assert not at.exception
    at.toggle(key="dot_by_cell").set_value(True).run()
    assert not at.exception
    assert "B @ A does not exist" not in errors(at)              # square: both products exist


def test_race_reuses_lib_race(at):
    at.slider(key="dot_race_size_matrix · matrix").set_value(8).run()
    at.slider(key="dot_race_repeats").set_value(1).run()
    at.button(key="dot_race").click().run()
    assert not at.exception
    assert metric(at, "NumPy is faster by") is not None

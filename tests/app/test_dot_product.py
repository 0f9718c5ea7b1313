"""The Dot product page under AppTest: the book's shapes, refusals explained, no exception."""
from __future__ import annotations

import numpy as np
import pytest

from lib.rules.products import random_matrix
from tests.app.helpers import check_quiz_marks_right_and_wrong, errors, metric, open_page, plotly_specs

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


def test_race_reuses_lib_race(at, monkeypatch):
    """The page races through lib.rules.race.race (spied on here): the book's naive loops against
    np.dot on operands of the chosen size, and its scoreboard shows what race returned."""
    import lib.rules.race
    import lib.ui.race
    from lib.rules.products import DOT_RACES
    real_race, calls = lib.rules.race.race, []

    def spy(naive_fn, numpy_fn, args, repeats, *more, **options):
        real = real_race(naive_fn, numpy_fn, args, repeats, *more, **options)
        calls.append((naive_fn, numpy_fn, [np.shape(a) for a in args], repeats, real))
        return lib.rules.race.RaceResult(2.0, 0.004, repeats, real.results_equal)   # 500x: ours

    for module in (lib.rules.race, lib.ui.race):
        if getattr(module, "race", None) is real_race:
            monkeypatch.setattr(module, "race", spy)
    at.slider(key="dot_race_size_matrix · matrix").set_value(8).run()
    at.slider(key="dot_race_repeats").set_value(1).run()
    assert calls == []                                          # nothing races before the click
    at.button(key="dot_race").click().run()
    assert not at.exception
    [(naive_fn, numpy_fn, shapes, repeats, real)] = calls
    assert naive_fn is DOT_RACES["matrix · matrix"][0] and numpy_fn is np.dot
    assert shapes == [(8, 8), (8, 8)] and repeats == 1 and real.results_equal
    assert metric(at, "NumPy is faster by") == "500×"
    assert metric(at, "naive loops, one matrix · matrix") == "2000.00 ms"
    assert metric(at, "np.dot, one call") == "4.000 ms"


@pytest.mark.parametrize("preset, words", [
    (0, "the only axis of `y` (size 10)"),
    (2, "the second-to-last axis of `y` (axis 0, its rows, size 10)"),
    (3, "10 ≠ 64, so NumPy refuses")])
def test_the_pairing_sentence_matches_the_typed_shapes(at, preset, words):
    at.button(key=f"dot_rule_preset_{preset}").click().run()
    assert any(words in m.value for m in at.markdown)


def test_a_typed_rank_3_y_is_paired_on_its_second_to_last_axis(at):
    at.text_input(key="dot_rule_a").set_value("(4, 3, 2)")
    at.text_input(key="dot_rule_b").set_value("(5, 2, 6)").run()
    assert metric(at, "np.dot(x, y).shape") == "(4, 3, 5, 6)"
    sentence = next(m.value for m in at.markdown if m.value.startswith("`np.dot(x, y)` pairs"))
    assert "second-to-last axis of `y` (axis 1, size 2)" in sentence
    assert sentence.endswith("`(4, 3, 5, 6)`.")
    assert "first axis" not in sentence


def test_the_claimed_shape_is_checked_against_numpy(at):
    claim = next(c.value for c in at.code if c.value.startswith("a = np.zeros((4, 3, 2))"))
    with pytest.raises(ValueError) as dot_error:
        np.dot(np.zeros((4, 3, 2)), np.zeros((2, 4, 5)))
    said = " ".join(line[2:].strip() for line in claim.splitlines() if line.startswith("#"))
    assert f"ValueError: {dot_error.value}" in said
    assert "np.tensordot(a, b, axes=1).shape\n# (4, 3, 4, 5)" in claim
    assert any("NumPy's own words" in c.value for c in at.caption)


def test_order_note_says_when_the_products_happen_to_be_equal(at):
    for key in ("dot_n", "dot_k", "dot_m"):
        at.slider(key=key).set_value(1)
    at.run()
    assert any("happen to be **equal**" in c.value for c in at.caption)
    at.slider(key="dot_n").set_value(2)
    at.slider(key="dot_k").set_value(2)
    at.slider(key="dot_m").set_value(2).run()
    A, B = random_matrix((2, 2), 0), random_matrix((2, 2), 1)
    expected = "happen to be **equal**" if np.array_equal(A @ B, B @ A) else "different numbers"
    assert any(expected in c.value for c in at.caption)


def test_the_dot_quiz_marks_right_and_wrong(at):
    check_quiz_marks_right_and_wrong(at, "dot_quiz", "dot")

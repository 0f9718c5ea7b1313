"""The Slicing & batches page under AppTest (MNIST_SOURCE=sample: 4,000 train digits)."""
from __future__ import annotations

import math

import pytest

from lib.core.data import load_mnist
from tests.app.helpers import check_quiz_marks_right_and_wrong, open_page, plotly_specs

N = len(load_mnist().train_images)


@pytest.fixture
def at():
    return open_page("pages/slicing.py", timeout=180)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def type_index(at, text: str):
    at.text_input(key="slicing_expr").set_value(text).run()
    assert not at.exception, at.exception
    return at


def test_page_opens_on_the_first_book_example(at):
    assert at.text_input(key="slicing_expr").value == "train_images[10:100]"
    assert metric(at, "selection.shape") == "(90, 28, 28)"
    assert not at.error
    assert len(at.get("plotly_chart")) == 3          # samples strip, digit, batches


@pytest.mark.parametrize("text, shape", [
    ("train_images[10:100]", (90, 28, 28)),
    ("train_images[10:100, :, :]", (90, 28, 28)),
    ("train_images[10:100, 0:28, 0:28]", (90, 28, 28)),
    ("train_images[:, 14:, 14:]", (N, 14, 14)),
    ("train_images[:, 7:-7, 7:-7]", (N, 14, 14)),
    ("train_images[4]", (28, 28)),
    ("train_images[..., 14]", (N, 28)),
    ("train_images[:, ::2, ::-1]", (N, 14, 28)),
    ("[None, 0, 7:-7]", (1, 14, 28)),
    ("10:100, 7:-7", (90, 14, 28)),
])
def test_book_expressions_give_the_book_shapes(at, text, shape):
    type_index(at, text)
    assert not at.error
    assert metric(at, "selection.shape") == str(shape)
    assert f"selection.shape   # {shape}" in at.code[0].value
    assert "selection = train_images[" in at.code[0].value


def test_example_buttons_fill_the_input(at):
    at.button(key="slicing_example_4").click().run()
    assert at.text_input(key="slicing_expr").value == "train_images[:, 7:-7, 7:-7]"
    assert metric(at, "selection.shape") == f"({N}, 14, 14)"


@pytest.mark.parametrize("text, words", [
    ("train_images[10:100", "never closed"),
    ("__import__('os').system('id')", "function calls are not allowed"),
    ("9**9**9", "power"),
    ("train_images[1.5]", "whole numbers"),
    (f"train_images[{N + 10}]", f"index {N + 10} is out of bounds for axis 0 with size {N}"),
    ("train_images[0, 0, 0, 0]", "too many indices"),
    ("train_images[::0]", "slice step cannot be zero"),
])
def test_bad_expressions_show_an_error_and_keep_the_page(at, text, words):
    type_index(at, "train_images[:, 7:-7, 7:-7]")
    type_index(at, text)
    assert len(at.error) == 1 and words in at.error[0].value
    # the rest of the page still works, drawing the last index that worked
    assert metric(at, "selection.shape") == f"({N}, 14, 14)"
    assert len(at.get("plotly_chart")) == 3
    assert metric(at, "batch.shape") == "(128, 28, 28)"


def test_the_box_takes_at_most_300_characters(at):
    """The box itself stops at the parser's limit (a link's longer text is refused before
    anything parses it: tests/browser/test_links.py)."""
    type_index(at, "train_images[" + "9" * 400 + "]")
    assert len(at.text_input(key="slicing_expr").value) == 300
    assert len(at.error) == 1 and "never closed" in at.error[0].value


def test_batch_sliders_update_the_batch(at):
    assert metric(at, "batch.shape") == "(128, 28, 28)"
    assert metric(at, "batches per epoch") == str(math.ceil(N / 128))
    at.slider(key="slicing_batch_size").set_value(100).run()
    assert metric(at, "batch.shape") == "(100, 28, 28)"
    assert metric(at, "batches per epoch") == f"{math.ceil(N / 100):,}"
    last = math.ceil(N / 100) - 1
    at.slider(key="slicing_n").set_value(last).run()
    tail = N - last * 100
    assert metric(at, "batch.shape") == f"({tail}, 28, 28)"
    assert metric(at, "last batch holds") == str(tail)
    # the batch window is drawn where batch n sits
    spec = plotly_specs(at)[2]
    window = spec["layout"]["shapes"][0]
    assert window["x0"] == last * 100 and window["x1"] >= N - 1
    assert not at.exception


def test_shrinking_the_batch_count_clamps_n(at):
    at.slider(key="slicing_n").set_value(math.ceil(N / 128) - 1).run()
    at.slider(key="slicing_batch_size").set_value(min(1024, N)).run()
    assert not at.exception
    assert at.slider(key="slicing_n").value == math.ceil(N / min(1024, N)) - 1


def test_the_index_can_use_the_batch_variables(at):
    at.slider(key="slicing_n").set_value(2).run()
    type_index(at, "train_images[128 * n : 128 * (n + 1)]")
    assert not at.error
    assert "slice(256, 384, None)" in at.code[0].value
    assert at.code[0].value.startswith("n = 2\nselection = train_images[128 * n")
    assert metric(at, "selection.shape") == "(128, 28, 28)"


def test_full_mnist_worked_example_is_shown(at):
    text = " ".join(m.value for m in at.info)
    assert "**469**" in text and "**96**" in text and "469/469" in text


def test_the_batch_slider_starts_at_the_notebooks_n_3(at):
    assert at.slider(key="slicing_n").value == 3
    batch = next(c.value for c in at.code if c.value.startswith("batch = "))
    assert "n = 3  ->  train_images[384:512]" in batch


def test_the_slicing_quiz_marks_right_and_wrong(at):
    check_quiz_marks_right_and_wrong(at, "slicing_quiz", "slicing")

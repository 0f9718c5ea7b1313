"""lib/rules/indexing.py against NumPy as the oracle, plus hostile input."""
from __future__ import annotations


import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lib.rules.indexing import (MAX_INT, IndexParseError, batch_info, describe_positions,
                          describe_selection, format_index, index_to_show, item_shape,
                          parse_index, selection_code)

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- strategies

shapes = st.lists(st.integers(0, 6), min_size=1, max_size=4).map(tuple)
small = st.integers(-9, 9)


@st.composite
def index_items(draw, shape):
    """A random basic index for `shape`: mostly valid, sometimes out of bounds or too long."""
    count = draw(st.integers(0, len(shape) + 1))
    items: list = []
    for _ in range(count):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis"]))
        if kind == "int":
            items.append(draw(st.integers(-8, 8)))
        elif kind == "slice":
            step = draw(st.one_of(st.none(), st.integers(-4, 4).filter(bool)))
            items.append(slice(draw(st.one_of(st.none(), small)),
                               draw(st.one_of(st.none(), small)), step))
        elif kind == "none":
            items.append(None)
        else:
            items.append(Ellipsis)
    return tuple(items)


@st.composite
def spell_int(draw, value: int) -> str:
    """One of several spellings of an integer: 7, (7), 3 + 4, 14 // 2, -(-7), 2*5 - 3 ..."""
    form = draw(st.integers(0, 6))
    k = draw(st.integers(1, 5))
    if form == 0:
        return str(value)
    if form == 1:
        return f"({value})"
    if form == 2:
        return f"{value - k} + {k}"
    if form == 3:
        return f"{value * k} // {k}"
    if form == 4:
        return f"-({-value})"
    if form == 5:
        return f"{k}*{value}-{k - 1}*{value}"
    w = value + 100 * k
    return f"({w}) % 100 + 100 * (({w}) // 100 - {k})"


@st.composite
def spell_index(draw, index: tuple) -> str:
    parts = []
    for item in index:
        if item is None:
            parts.append(draw(st.sampled_from(["None", "np.newaxis", "numpy.newaxis"])))
        elif item is Ellipsis:
            parts.append("...")
        elif isinstance(item, slice):
            start = "" if item.start is None else draw(spell_int(item.start))
            stop = "" if item.stop is None else draw(spell_int(item.stop))
            if item.step is None:
                parts.append(draw(st.sampled_from([f"{start}:{stop}", f"{start}:{stop}:"])))
            else:
                parts.append(f"{start}:{stop}:{draw(spell_int(item.step))}")
        else:
            parts.append(draw(spell_int(item)))
    sep = draw(st.sampled_from([", ", ",", " , "]))
    body = sep.join(parts)
    if len(index) == 1 and draw(st.booleans()):
        body += ","
    if not index:
        body = "..."   # () is spelled as '...', which selects the same
    wrapper = draw(st.sampled_from(["{}", "[{}]", "train_images[{}]", "x [ {} ]"]))
    return wrapper.format(body)


def numpy_result(arr: np.ndarray, index: tuple):
    try:
        return arr[index], None
    except (IndexError, ValueError) as exc:
        return None, str(exc)


# --------------------------------------------------------------------------- properties

@SETTINGS
@given(st.data())
def test_parse_index_selects_what_numpy_selects(data):
    shape = data.draw(shapes)
    index = data.draw(index_items(shape))
    text = data.draw(spell_index(index))
    parsed = parse_index(text)
    arr = np.arange(int(np.prod(shape))).reshape(shape)
    expected, expected_error = numpy_result(arr, index)
    got, got_error = numpy_result(arr, parsed)
    assert got_error == expected_error, text
    if expected is not None:
        assert got.shape == expected.shape and np.array_equal(got, expected), text


@SETTINGS
@given(st.data())
def test_describe_selection_agrees_with_numpy(data):
    shape = data.draw(shapes)
    index = data.draw(index_items(shape))
    arr = np.arange(int(np.prod(shape))).reshape(shape)
    expected, expected_error = numpy_result(arr, index)
    selection = describe_selection(shape, index)
    assert selection.error == expected_error
    if expected is None:
        assert selection.shape is None and not selection.ok
        return
    assert selection.shape == expected.shape
    # the kept positions, axis by axis, rebuild exactly the values NumPy returns
    assert [a.axis for a in selection.axes] == list(range(len(shape)))
    grids = np.ix_(*[np.array(a.positions, dtype=np.intp) for a in selection.axes])
    assert np.array_equal(arr[grids].reshape(expected.shape), expected)


@SETTINGS
@given(shapes.flatmap(lambda s: st.tuples(st.just(s), index_items(s))))
def test_format_index_round_trips(shape_index):
    _shape, index = shape_index
    if index:
        assert parse_index(format_index(index)) == index


# --------------------------------------------------------------------------- the book's examples

MNIST = (60000, 28, 28)


@pytest.mark.parametrize("text, shape", [
    ("train_images[10:100]", (90, 28, 28)),
    ("train_images[10:100, :, :]", (90, 28, 28)),
    ("train_images[10:100, 0:28, 0:28]", (90, 28, 28)),
    ("train_images[:, 14:, 14:]", (60000, 14, 14)),
    ("train_images[:, 7:-7, 7:-7]", (60000, 14, 14)),
    ("train_images[4]", (28, 28)),
    ("train_images[..., ::2]", (60000, 28, 14)),
    ("train_images[::-1, np.newaxis, 3]", (60000, 1, 28)),
    ("[128 * n : 128 * (n + 1)]", (128, 28, 28)),
])
def test_book_examples(text, shape):
    index = parse_index(text, {"n": 3, "batch_size": 128})
    selection = describe_selection(MNIST, index)
    assert selection.ok and selection.shape == shape


def test_with_array_name():
    from lib.rules.indexing import with_array_name
    assert with_array_name("10:100") == "train_images[10:100]"
    assert with_array_name(" [10:100] ") == "train_images[10:100]"
    assert with_array_name("x[1]") == "x[1]"


def test_batches_use_the_variables():
    assert parse_index("train_images[batch_size * n : batch_size * (n + 1)]",
                       {"n": 2, "batch_size": 128}) == (slice(256, 384),)
    selection = describe_selection(MNIST, parse_index("[128 * n : 128 * (n + 1)]", {"n": 468}))
    assert selection.shape == (96, 28, 28)


def test_out_of_bounds_in_numpy_words():
    selection = describe_selection(MNIST, parse_index("train_images[70000]"))
    assert selection.error == "index 70000 is out of bounds for axis 0 with size 60000"
    selection = describe_selection(MNIST, parse_index("[0, 0, 0, 0]"))
    assert selection.error.startswith("too many indices for array")


def test_positions_count_negatives_from_the_end():
    axes = describe_selection(MNIST, parse_index("[-1, 7:-7, ::-4]")).axes
    assert axes[0].kind == "int" and list(axes[0].positions) == [59999]
    assert list(axes[1].positions) == list(range(7, 21))
    assert list(axes[2].positions) == [27, 23, 19, 15, 11, 7, 3]
    assert describe_positions(axes[2].positions) == "27, 23, 19, 15, …, 3"


def test_batch_info_matches_keras_progress_bar():
    info = batch_info(60000, 128, n=468)
    assert (info.num_batches, info.last_batch_size, info.size) == (469, 96, 96)
    assert (info.start, info.stop) == (59904, 60000)
    assert batch_info(4000, 128).num_batches == 32
    assert batch_info(4000, 128).last_batch_size == 32
    assert batch_info(256, 128).last_batch_size == 128


@SETTINGS
@given(st.data())
def test_item_shape_is_the_shape_of_each_item_numpy_returns(data):
    """Axes 1 and 2 of any index on (N, rows, cols): each item of the result (first axis
    kept as a slice) has the shape item_shape gives."""
    shape = (3,) + data.draw(st.tuples(st.integers(1, 6), st.integers(1, 6)))
    items = data.draw(st.tuples(*(st.one_of(st.integers(-size, size - 1),
                                            st.builds(slice, st.one_of(st.none(), small),
                                                      st.one_of(st.none(), small),
                                                      st.one_of(st.none(), st.integers(-3, 3)
                                                                .filter(bool))))
                                  for size in shape[1:])))
    arr = np.zeros(shape)
    _, rows, cols = describe_selection(shape, (slice(None),) + items).axes
    assert item_shape(rows, cols) == arr[(slice(None),) + items][0].shape
    assert item_shape() == ()


# --------------------------------------------------------------------------- the page's index

TRAIN = (4000, 28, 28)
VARIABLES = {"n": 3, "batch_size": 128}
DEFAULT = "train_images[10:100]"


@pytest.mark.parametrize("text", ["train_images[:, 7:-7, 7:-7]", "[n]", "batch_size:, ::-1",
                                  "train_images[None, ..., 3]"])
def test_an_index_numpy_accepts_is_drawn_as_typed(text):
    shown = index_to_show(TRAIN, text, VARIABLES, "train_images[4]", DEFAULT)
    assert not shown.fallback and shown.error is None
    assert shown.text == text and shown.index == parse_index(text, VARIABLES)
    assert shown.selection.shape == np.zeros(TRAIN, dtype=np.uint8)[shown.index].shape


@pytest.mark.parametrize("text, message", [
    ("train_images[10:100", "Cannot read this index: '[' is never closed: add ']'"),
    ("train_images[4000]", ("NumPy would refuse this index — IndexError: index 4000 is out "
                            "of bounds for axis 0 with size 4000")),
    ("train_images[0, 0, 0, 0]", "NumPy would refuse this index — IndexError: too many indices"),
])
def test_a_failing_index_shows_the_last_good_one_and_says_why(text, message):
    shown = index_to_show(TRAIN, text, VARIABLES, "train_images[:, 7:-7, 7:-7]", DEFAULT)
    assert shown.fallback and shown.error.startswith(message)
    assert shown.text == "train_images[:, 7:-7, 7:-7]"
    assert shown.selection.shape == np.zeros(TRAIN, dtype=np.uint8)[:, 7:-7, 7:-7].shape
    if "IndexError" in message:                   # NumPy's own words, after the prefix
        with pytest.raises(IndexError) as numpy_error:
            np.zeros(TRAIN, dtype=np.uint8)[parse_index(text)]
        assert shown.error.endswith(str(numpy_error.value))


def test_without_a_last_good_index_the_default_is_drawn():
    shown = index_to_show(TRAIN, "train_images[1.5]", VARIABLES, None, DEFAULT)
    assert shown.fallback and "whole numbers" in shown.error
    assert (shown.text, shown.index, shown.selection.shape) == (DEFAULT, (slice(10, 100),),
                                                                (90, 28, 28))


def test_a_last_good_index_that_no_longer_fits_falls_back_to_the_default():
    """`[n * 1000]` worked with n = 3; once n is 5 it is out of bounds, and so is the typo."""
    shown = index_to_show(TRAIN, "train_images[", {"n": 5, "batch_size": 128},
                          "train_images[n * 1000]", DEFAULT)
    assert shown.fallback and shown.text == DEFAULT and shown.selection.shape == (90, 28, 28)
    # the same last good index, still in bounds, is read with today's variables
    shown = index_to_show(TRAIN, "train_images[", {"n": 2, "batch_size": 128},
                          "train_images[n * 1000]", DEFAULT)
    assert shown.text == "train_images[n * 1000]" and shown.index == (2000,)


def test_a_last_good_index_that_no_longer_reads_falls_back_to_the_default():
    shown = index_to_show(TRAIN, "oops[", {}, "train_images[n]", DEFAULT)
    assert shown.fallback and shown.text == DEFAULT


def test_selection_code_names_only_the_variables_the_index_uses():
    index = parse_index("train_images[128 * n : 128 * (n + 1)]", VARIABLES)
    code = selection_code("train_images[128 * n : 128 * (n + 1)]", index, (128, 28, 28),
                          VARIABLES)
    assert code == ("n = 3\n"
                    "selection = train_images[128 * n : 128 * (n + 1)]\n"
                    "# NumPy receives the tuple (slice(384, 512, None),)\n"
                    "selection.shape   # (128, 28, 28)")
    code = selection_code("batch_size:, n", parse_index("batch_size:, n", VARIABLES),
                          (3872, 28), VARIABLES)
    assert code.startswith("n = 3\nbatch_size = 128\nselection = train_images[batch_size:, n]\n")
    code = selection_code("train_images[4]", (4,), (28, 28), VARIABLES)
    assert code.startswith("selection = train_images[4]\n")      # the n of train_images: no
    assert code.endswith("selection.shape   # (28, 28)")


def test_selection_code_runs_and_its_comments_are_true():
    """The panel is code a student can paste: run it on an array of MNIST's shape and the
    tuple and shape it states are what NumPy really receives and returns."""
    text = "train_images[batch_size * n : batch_size * (n + 1), ::2]"
    index = parse_index(text, VARIABLES)
    shape = describe_selection(TRAIN, index).shape
    code = selection_code(text, index, shape, VARIABLES)
    scope = {"train_images": np.zeros(TRAIN, dtype=np.uint8)}
    exec(code, scope)                              # our own generated code, not user input
    assert f"selection.shape   # {scope['selection'].shape}" in code
    assert scope["selection"].shape == (128, 14, 28)
    assert index == (slice(384, 512), slice(None, None, 2))


# --------------------------------------------------------------------------- hostile input

HOSTILE = [
    "__import__('os').system('id')",
    "().__class__.__bases__",
    "train_images.__class__",
    "lambda: 0",
    "[x for x in range(10)]",
    "{x for x in ()}",
    "f'{1}'",
    "9**9**9",
    "2**64",
    "(" * 10_000 + "1" + ")" * 10_000,
    "[" * 10_000,
    "1" * 1_000_000,
    "x" * 1_000_000,
    "-" * 299 + "1",
    "1" + "*999999" * 40,
    "n",
    "n + 1",
    "abs(-3)",
    "np.newaxis.__class__",
    "np.random",
    "1.5",
    "'10'",
    "True",
    "[[1, 2]]",
    "1:2:3:4",
    "1 // 0",
    "a[1][2]",
    "exec('1')",
    "10:100 if 1 else 2",
    "x := 3",
    "*range(3)",
    "\x00",
    "١٢",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_input_is_refused_with_bounded_work(text, monkeypatch):
    """Refused with a message, and the work is bounded by the input limits, not by how
    hostile the text is: Python's parser only ever sees a short, shallow text, so the tree
    the evaluator walks is small (no timing: a shared CI machine makes those flaky)."""
    import ast

    import lib.rules.indexing as indexing
    parsed = []
    real_parse = ast.parse

    def counting_parse(source, *args, **kwargs):
        tree = real_parse(source, *args, **kwargs)
        parsed.append((len(source), sum(1 for _ in ast.walk(tree))))
        return tree

    monkeypatch.setattr(indexing.ast, "parse", counting_parse)
    with pytest.raises(IndexParseError) as info:
        parse_index(text)
    assert str(info.value)  # a message the page can show
    assert len(parsed) <= 1
    for length, nodes in parsed:
        assert length <= indexing.MAX_INDEX_TEXT + len("_[]")
        assert nodes <= 3 * (indexing.MAX_INDEX_TEXT + 3)      # linear in the length limit
    if len(text) > indexing.MAX_INDEX_TEXT:
        assert parsed == []           # too long: refused before Python parses anything


@pytest.mark.parametrize("text, words", [
    ("abs(-3)", "`abs(-3)`: function calls are not allowed"),
    ("9**9**9", "power"),
    ("n", "`n` is not a variable known here"),
    ("(" * 20 + "1" + ")" * 20, "nested too deeply"),
    ("1" * 1_000_000, "too long"),
    ("1" + "*999999" * 10, "too large"),
    ("().__class__", "attribute access"),
])
def test_messages_name_the_problem(text, words):
    with pytest.raises(IndexParseError) as info:
        parse_index(text)
    assert words in str(info.value)


def test_integer_cap_applies_to_intermediate_results():
    # the final value is small, but 10**8 * 10**8 on the way is not
    with pytest.raises(IndexParseError):
        parse_index("100000000 * 100000000 // 100000000 // 100000000")
    assert parse_index(str(MAX_INT)) == (MAX_INT,)


def test_nothing_is_executed(monkeypatch):
    import os
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    for text in ("__import__('os').system('id')", "[os.system('id')]", "train_images[os.system('id')]"):
        with pytest.raises(IndexParseError):
            parse_index(text)
    assert calls == []

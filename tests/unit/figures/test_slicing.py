"""The slicing pictures draw exactly the positions describe_selection keeps."""
import numpy as np
import pytest

from lib.figures.slicing import batch_strip, digit_selection, sample_strip, selected_crops
from lib.rules.indexing import axis_sentence, batch_info, describe_selection, parse_index

SHAPE = (4000, 28, 28)
rng = np.random.default_rng(0)
IMAGES = rng.integers(0, 256, SHAPE, dtype=np.uint8)


def axes(text):
    selection = describe_selection(SHAPE, parse_index(text))
    assert selection.ok
    return selection.axes


def arr(values):
    """Plotly 6 may keep arrays as NumPy; compare as plain arrays."""
    return np.asarray(values, dtype=float)


@pytest.mark.parametrize("text", ["[10:100]", "[::7]", "[::-500]", "[5]", "[10:5]", "[-3:]"])
def test_sample_strip_counts_every_kept_sample(text):
    samples = axes(text)[0]
    fig = sample_strip(samples)
    overview, zoom = fig.data[0], fig.data[1]
    kept_per_bin = np.asarray(overview.customdata)[0][:, 2]
    assert kept_per_bin.sum() == samples.count
    # zoom cells: the number written is the place in the result
    places = [int(t) for t in zoom.text[0] if t != ""]
    xs = [int(x) for x, t in zip(zoom.x, zoom.text[0]) if t != ""]
    kept = list(samples.positions)
    assert places == [kept.index(x) for x in xs]
    if samples.count:
        assert 0 in places                       # the zoom starts where the result starts


def test_digit_veil_covers_exactly_the_dropped_pixels():
    _, rows, cols = axes("[0, 7:-7, ::3]")
    fig = digit_selection(IMAGES[0], rows, cols)
    veil = arr(fig.data[1].z)
    expected_dropped = np.ones((28, 28), dtype=bool)
    expected_dropped[np.ix_(list(rows.positions), list(cols.positions))] = False
    assert np.array_equal(np.isnan(veil), ~expected_dropped)


def test_reversed_axis_gets_an_arrow():
    _, rows, cols = axes("[:, :, ::-1]")
    assert len(digit_selection(IMAGES[0], rows, cols).layout.annotations) == 1
    _, rows, cols = axes("[:, 2:9]")
    assert len(digit_selection(IMAGES[0], rows, cols).layout.annotations) == 0


@pytest.mark.parametrize("text, crop", [("[10:100, 7:-7, 7:-7]", (14, 14)),
                                         ("[:, 14]", (1, 28)), ("[::-1, ::2, ::-1]", (14, 28))])
def test_crops_are_what_numpy_returns(text, crop):
    samples, rows, cols = axes(text)
    crops = selected_crops(IMAGES, samples, rows, cols, count=3)
    assert len(crops) == 3
    result = IMAGES[parse_index(text)]
    first = result[0].reshape(crop)
    factor = (crops[0].shape[0] - 4) // crop[0]
    inner = crops[0][2:-2, 2:-2][::factor, ::factor]      # undo frame and enlargement
    assert np.array_equal(inner, 255 - first)


def test_empty_selection_has_no_crops():
    assert selected_crops(IMAGES, *axes("[10:5]")) == []


def test_batch_strip_marks_batch_n_and_the_last_batch():
    fig = batch_strip(batch_info(60000, 128, n=468))
    window, last = fig.layout.shapes
    assert (window.x0, window.x1) == (59904, 60000)
    fig = batch_strip(batch_info(60000, 128, n=3))
    assert (fig.layout.shapes[0].x0, fig.layout.shapes[0].x1) == (384, 512)
    assert last.x0 == 60000 - 96
    assert "last batch: 96 samples" in [a.text for a in fig.layout.annotations]


def test_axis_sentences_speak_plainly():
    samples, rows, cols = axes("[-1, 7:-7, ...]")
    assert "picks sample 3,999 (counted from the end: 4,000 − 1)" in axis_sentence(samples)
    assert "keeps rows 7, 8, 9, 10, …, 20 (14 of 28)" in axis_sentence(rows)
    assert "filled by `...`" in axis_sentence(cols)
    assert "reverse order" in axis_sentence(axes("[::-2]")[0])
    assert "keeps no samples" in axis_sentence(axes("[9:3]")[0])


def test_slicing_modules_do_not_import_tensorflow_or_streamlit():
    import subprocess
    import sys
    code = ("import sys, lib.rules.indexing, lib.figures.slicing; "
            "print(any(m.split('.')[0] in ('tensorflow', 'keras', 'streamlit') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

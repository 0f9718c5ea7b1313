"""Rank & shape helpers: examples, the builder, real-world tensors, 3-D cell layout."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.figures.tensors import cell_positions, tensor_cubes
from lib.rules.tensors import MAX_DRAWN_ELEMENTS, REAL_WORLD, build_code, build_tensor, examples
from lib.core.units import format_bytes


def test_examples_have_ranks_0_to_3():
    assert [ex.array.ndim for ex in examples()] == [0, 1, 2, 3]
    assert examples()[3].array.shape == (3, 3, 5)


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=0, max_size=5).filter(
           lambda s: int(np.prod(s)) <= MAX_DRAWN_ELEMENTS),
       dtype=st.sampled_from(["uint8", "int32", "float32"]), seed=st.integers(0, 50))
def test_build_code_makes_the_same_tensor(shape, dtype, seed):
    x = build_tensor(tuple(shape), dtype, seed)
    ns = {"np": np}
    exec(build_code(tuple(shape), dtype, seed), ns)   # our own generated code, not user input
    np.testing.assert_array_equal(ns["x"], x)
    assert ns["x"].dtype == x.dtype and x.shape == tuple(shape)


def test_builder_refuses_too_many_elements_and_bad_input():
    with pytest.raises(ValueError, match="too many to draw"):
        build_tensor((12, 12, 12), "uint8")
    with pytest.raises(ValueError, match="at least 1"):
        build_tensor((0, 3), "uint8")
    with pytest.raises(ValueError, match="dtype"):
        build_tensor((2,), "complex128")


@pytest.mark.parametrize("shape", [(5,), (3, 5), (3, 3, 5), (2, 3, 4, 3), (2, 2, 2, 3, 3)])
def test_every_cell_gets_its_own_place(shape):
    pos = cell_positions(shape)
    assert pos.shape == (int(np.prod(shape)), 3)
    assert len({tuple(p) for p in pos}) == len(pos)
    fig = tensor_cubes(np.arange(int(np.prod(shape))).reshape(shape))
    assert len(fig.data[0].i) == 12 * int(np.prod(shape))     # 12 triangles per cube


def test_real_world_tensors_are_the_chapters_and_their_memory():
    shapes = {t.kind: t.shape for t in REAL_WORLD}
    assert shapes == {"Vector data": (100_000, 3), "Timeseries": (250, 390, 3),
                      "Greyscale images": (128, 256, 256, 1),
                      "Colour images": (128, 256, 256, 3), "Video": (4, 240, 144, 256, 3)}
    video = next(t for t in REAL_WORLD if t.kind == "Video")
    assert video.float32_bytes == np.zeros(video.shape, np.float32).nbytes == 424_673_280
    assert format_bytes(video.float32_bytes) == "425 MB"
    assert "106,168,320 numbers" in video.example and f"{np.prod(video.shape):,}" == "106,168,320"
    assert "425 MB" in video.example and f"{video.float32_bytes / 2**20:.0f} MiB" == "405 MiB"


def test_the_examples_are_the_notebooks_literals_as_numpy_makes_them():
    """Each example's code run with NumPy gives the array drawn beside it, and it is the
    notebook's: 12; [12, 3, 6, 14, 7]; the 3x5 matrix; that matrix stacked three times."""
    matrix = [[5, 78, 2, 34, 0], [6, 79, 3, 35, 1], [7, 80, 4, 36, 2]]
    expected = [np.array(12), np.array([12, 3, 6, 14, 7]), np.array(matrix),
                np.array([matrix, matrix, matrix])]
    for example, want in zip(examples(), expected, strict=True):
        namespace = {"np": np}
        exec(example.code, namespace)              # our own code text, not user input
        np.testing.assert_array_equal(namespace["x"], want)
        np.testing.assert_array_equal(example.array, want)
        assert example.array.dtype == want.dtype and example.array.ndim == want.ndim


@pytest.mark.parametrize("counts, words", [
    ([400] * 10, "holds every digit exactly 400 times"),
    ([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
     "from 5,421 fives to 6,742 ones"),
    ([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], "from 892 fives to 1,135 ones")])
def test_label_counts_sentence_says_what_bincount_shows(counts, words):
    from lib.rules.tensors import label_counts_sentence
    labels = np.repeat(np.arange(10), counts)
    assert words in label_counts_sentence("train_labels", labels)
    assert ("not exactly" in label_counts_sentence("y", labels)) == (len(set(counts)) > 1)


@pytest.mark.parametrize("n", [1, 6, 7, 1000, 60000])
def test_short_repr_is_numpys_own_summary(n):
    from lib.rules.tensors import short_repr
    labels = (np.arange(n) * 7 % 10).astype(np.uint8)
    with np.printoptions(threshold=6, edgeitems=3):
        assert short_repr(labels) == repr(labels)

"""Rank & shape helpers: examples, the builder, real-world tensors, 3-D cell layout."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.figures.tensors import cell_positions, tensor_cubes
from lib.tensors import MAX_DRAWN_ELEMENTS, REAL_WORLD, build_code, build_tensor, examples
from lib.units import format_bytes


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


def test_real_world_memory():
    video = next(t for t in REAL_WORLD if t.kind == "Video")
    assert video.shape == (1000, 30, 64, 64, 3)
    assert video.float32_bytes == 1000 * 30 * 64 * 64 * 3 * 4
    assert format_bytes(video.float32_bytes) == "1.47 GB"

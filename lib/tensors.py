"""Rank, shape and dtype: example tensors, the tensor builder and real-world data tensors."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_BUILD_RANK = 5
MAX_DRAWN_ELEMENTS = 1_000
DTYPES = ("uint8", "int32", "int64", "float32", "float64")


@dataclass(frozen=True)
class Example:
    name: str           # "scalar (rank-0 tensor)"
    code: str           # the NumPy line that makes it
    array: np.ndarray
    picture: str        # what it looks like, in words


def _example(name: str, code: str, picture: str) -> Example:
    return Example(name, code, np.array(_LITERALS[name]), picture)


_LITERALS = {
    "scalar": 7,
    "vector": [4, 9, 1, 12, 3],
    "matrix": [[4, 9, 1, 12, 3], [5, 10, 2, 13, 4], [6, 11, 3, 14, 5]],
    "rank-3": [[[4, 9, 1, 12, 3], [5, 10, 2, 13, 4], [6, 11, 3, 14, 5]],
               [[0, 8, 2, 7, 1], [3, 6, 5, 9, 2], [8, 1, 4, 0, 6]],
               [[2, 2, 9, 5, 7], [1, 7, 3, 3, 8], [9, 0, 6, 4, 2]]],
}


def examples() -> list[Example]:
    """A scalar, a vector, a matrix and a rank-3 tensor, each with its code."""
    return [
        _example("scalar", "x = np.array(7)", "one number, no axes"),
        _example("vector", "x = np.array([4, 9, 1, 12, 3])",
                 "a row of 5 numbers: one axis"),
        _example("matrix",
                 "x = np.array([[4, 9, 1, 12, 3],\n"
                 "              [5, 10, 2, 13, 4],\n"
                 "              [6, 11, 3, 14, 5]])",
                 "a grid: axis 0 runs down the rows, axis 1 across the columns"),
        _example("rank-3",
                 "x = np.array([[[4, 9, 1, 12, 3], [5, 10, 2, 13, 4], [6, 11, 3, 14, 5]],\n"
                 "              [[0, 8, 2, 7, 1], [3, 6, 5, 9, 2], [8, 1, 4, 0, 6]],\n"
                 "              [[2, 2, 9, 5, 7], [1, 7, 3, 3, 8], [9, 0, 6, 4, 2]]])",
                 "a stack of 3 matrices: a cube of numbers"),
    ]


def build_tensor(shape: tuple[int, ...], dtype: str, seed: int = 0) -> np.ndarray:
    """A small tensor of the given shape and dtype with easy-to-read values."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}")
    if len(shape) > MAX_BUILD_RANK:
        raise ValueError(f"rank {len(shape)} is more than this builder draws (at most {MAX_BUILD_RANK})")
    if any(d < 1 for d in shape):
        raise ValueError("every axis needs a size of at least 1 here")
    size = math.prod(shape)
    if size > MAX_DRAWN_ELEMENTS:
        raise ValueError(f"{size:,} elements is too many to draw (at most {MAX_DRAWN_ELEMENTS:,}); "
                         "make an axis smaller")
    rng = np.random.default_rng(seed)
    if dtype.startswith("float"):
        return np.round(rng.random(shape), 2).astype(dtype)
    return rng.integers(0, 10, size=shape).astype(dtype)


def build_code(shape: tuple[int, ...], dtype: str, seed: int = 0) -> str:
    """The NumPy line that build_tensor runs, as the student would type it."""
    shape_text = repr(tuple(shape))
    if dtype.startswith("float"):
        return (f"rng = np.random.default_rng({seed})\n"
                f"x = rng.random({shape_text}).round(2)\n"
                f"x = x.astype(\"{dtype}\")")
    return (f"rng = np.random.default_rng({seed})\n"
            f"x = rng.integers(0, 10, size={shape_text})\n"
            f"x = x.astype(\"{dtype}\")")


@dataclass(frozen=True)
class DataTensor:
    kind: str
    shape: tuple[int, ...]
    axes: tuple[str, ...]     # what each axis means
    example: str

    @property
    def float32_bytes(self) -> int:
        return math.prod(self.shape) * 4


REAL_WORLD = [
    DataTensor("Vector data", (1000, 10), ("samples", "features"),
               "1,000 people, 10 numbers each (age, income, …)"),
    DataTensor("Timeseries", (1000, 390, 2), ("samples", "timesteps", "features"),
               "1,000 trading days, one value per minute for 390 minutes, 2 prices each"),
    DataTensor("Greyscale images", (60000, 28, 28, 1), ("samples", "height", "width", "channels"),
               "MNIST with an explicit single colour channel"),
    DataTensor("Colour images", (60000, 28, 28, 3), ("samples", "height", "width", "channels"),
               "the same size of picture, in red, green and blue"),
    DataTensor("Video", (1000, 30, 64, 64, 3), ("samples", "frames", "height", "width", "channels"),
               "1,000 clips of 30 frames, each a 64x64 colour image"),
]

"""Rank, shape and dtype: example tensors, the tensor builder and real-world data tensors."""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

MAX_BUILD_RANK = 5
MAX_DRAWN_ELEMENTS = 1_000
DTYPES = ("uint8", "int32", "int64", "float32", "float64")


@dataclass(frozen=True)
class Example:
    name: str           # "scalar"
    code: str           # the notebook's NumPy line that makes it
    array: np.ndarray   # what that line gives
    picture: str        # what it looks like, in words


# The notebook's own literals. Each array is read from its code text (ast.literal_eval: no
# eval), so the code on the page and the array drawn beside it cannot drift apart.
_BOOK_MATRIX = ("[[5, 78, 2, 34, 0],\n"
                "              [6, 79, 3, 35, 1],\n"
                "              [7, 80, 4, 36, 2]]")
_BOOK_RANK_3 = ("[[[5, 78, 2, 34, 0],\n"
                "               [6, 79, 3, 35, 1],\n"
                "               [7, 80, 4, 36, 2]],\n"
                "              [[5, 78, 2, 34, 0],\n"
                "               [6, 79, 3, 35, 1],\n"
                "               [7, 80, 4, 36, 2]],\n"
                "              [[5, 78, 2, 34, 0],\n"
                "               [6, 79, 3, 35, 1],\n"
                "               [7, 80, 4, 36, 2]]]")
_EXAMPLES = (
    ("scalar", "12", "one number, no axes"),
    ("vector", "[12, 3, 6, 14, 7]",
     "a row of 5 numbers: one axis. A 5-dimensional vector, yet a rank-1 tensor: "
     "'dimension' can mean the length of an axis or the number of axes"),
    ("matrix", _BOOK_MATRIX, "a grid: axis 0 runs down the 3 rows, axis 1 across the 5 columns"),
    ("rank-3", _BOOK_RANK_3, "3 matrices stacked into a cube of numbers (here three copies of "
                             "the same matrix)"),
)


def examples() -> list[Example]:
    """The notebook's scalar, vector, matrix and rank-3 tensor, each with its code."""
    return [Example(name, f"x = np.array({literal})", np.array(ast.literal_eval(literal)),
                    picture) for name, literal, picture in _EXAMPLES]


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


# The chapter's own examples of data tensors, with its shapes.
REAL_WORLD = [
    DataTensor("Vector data", (100_000, 3), ("samples", "features"),
               "100,000 people, each described by 3 numbers (such as age and income)"),
    DataTensor("Timeseries", (250, 390, 3), ("samples", "timesteps", "features"),
               "250 trading days of 390 minutes; each minute holds 3 prices (the current one, "
               "the minute's highest and its lowest)"),
    DataTensor("Greyscale images", (128, 256, 256, 1), ("samples", "height", "width", "channels"),
               "a batch of 128 greyscale images of 256×256 pixels, one colour channel"),
    DataTensor("Colour images", (128, 256, 256, 3), ("samples", "height", "width", "channels"),
               "the same batch in colour: red, green and blue channels"),
    DataTensor("Video", (4, 240, 144, 256, 3), ("samples", "frames", "height", "width", "channels"),
               "4 one-minute clips at 4 frames per second (240 frames) of 144×256 colour "
               "pixels: 106,168,320 numbers, 425 MB as float32 (405 MiB in binary units)"),
]


# --------------------------------------------------------------------------- labels

DIGIT_PLURALS = ("zeros", "ones", "twos", "threes", "fours", "fives", "sixes", "sevens",
                 "eights", "nines")


def label_counts_sentence(name: str, labels: np.ndarray) -> str:
    """What `np.bincount(labels)` shows, in words: "every digit 400 times", or the rarest and
    the commonest digit, e.g. "from 5,421 fives to 6,742 ones" (full MNIST's training set)."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=10)
    if counts.min() == counts.max():
        return f"`{name}` holds every digit exactly {counts[0]:,} times"
    low, high = int(counts.argmin()), int(counts.argmax())
    return (f"`{name}` is close to balanced but not exactly: from {counts[low]:,} "
            f"{DIGIT_PLURALS[low]} to {counts[high]:,} {DIGIT_PLURALS[high]}")


def short_repr(array: np.ndarray, edgeitems: int = 3) -> str:
    """A long array as NumPy prints it once it summarises: the first and last `edgeitems`
    entries, e.g. `array([5, 0, 4, ..., 5, 6, 8], shape=(60000,), dtype=uint8)` (what
    `repr` gives under `np.printoptions(threshold=2 * edgeitems)`; no global option touched)."""
    array = np.asarray(array)
    if array.size <= 2 * edgeitems:
        return repr(array)
    body = np.array2string(array, separator=", ", threshold=2 * edgeitems, edgeitems=edgeitems,
                           prefix="array(")
    return f"array({body}, shape={array.shape}, dtype={array.dtype})"

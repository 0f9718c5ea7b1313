"""Element-wise operations the slow way: the book's naive loops, written correctly.

Each naive function works on rank-1 and rank-2 tensors, never changes its inputs,
and returns a new array, so it can be compared value for value with its NumPy
one-liner (`np.maximum(x, 0.)`, `x + y`). Also the memory arithmetic of
broadcasting (what `np.tile` copies versus what `np.broadcast_to` shares).
Pure NumPy: no Streamlit here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lib.rules.race import random_operands
from lib.rules.shapes import Shape, broadcast_shape, format_shape
from lib.core.units import format_bytes


def _check_rank(x: np.ndarray) -> None:
    if x.ndim not in (1, 2):
        raise ValueError(f"expected a vector or a matrix (rank 1 or 2), got rank {x.ndim}")


def _check_same_shape(x: np.ndarray, y: np.ndarray) -> None:
    _check_rank(x)
    if x.shape != y.shape:
        raise ValueError(f"naive_add needs equal shapes, got {x.shape} and {y.shape}")


def naive_relu(x):
    """relu, one element at a time."""
    x = np.asarray(x)
    _check_rank(x)           # rank 1 or 2
    x = x.copy()             # keep the input
    if x.ndim == 1:
        for i in range(x.shape[0]):
            x[i] = max(x[i], 0)
    else:
        for i in range(x.shape[0]):
            for j in range(x.shape[1]):
                x[i, j] = max(x[i, j], 0)
    return x


def naive_add(x, y):
    """x + y, one element at a time."""
    x, y = np.asarray(x), np.asarray(y)
    _check_same_shape(x, y)  # equal shapes
    x = x.copy()             # keep the input
    if x.ndim == 1:
        for i in range(x.shape[0]):
            x[i] += y[i]
    else:
        for i in range(x.shape[0]):
            for j in range(x.shape[1]):
                x[i, j] += y[i, j]
    return x


def naive_add_relu(x, y):
    """The book's race, naive side: z = naive_relu(naive_add(x, y))."""
    return naive_relu(naive_add(x, y))


def numpy_add_relu(x, y):
    """The book's race, NumPy side: z = np.maximum(x + y, 0.)."""
    return np.maximum(x + y, 0.)


# The race must stay short on a 2-core machine. The naive side (add + relu, in CPython)
# manages 0.86 to 2.8 million element steps per second on the 2-core machines we measured,
# so this cap keeps it between about 0.7 and 2.3 s; the book's 20 x 100 x 1,000 = 2 million
# element steps fit exactly.
MAX_RACE_ELEMENT_STEPS = 2_000_000
BOOK_RACE_SHAPE = (20, 100)
BOOK_RACE_REPEATS = 1_000
RACE_SEED = 0


def max_repeats(shape: Shape, budget: int = MAX_RACE_ELEMENT_STEPS) -> int:
    """The most repetitions of naive add + relu on `shape` that fit the time budget."""
    size = max(1, math.prod(shape))
    return max(1, budget // size)


def race_inputs(shape: Shape, seed: int = RACE_SEED) -> tuple[np.ndarray, np.ndarray]:
    """x and y as the race makes them: random floats in [0, 1), like the book's
    np.random.random, from a seeded generator (what `race_code` shows)."""
    x, y = random_operands(shape, shape, seed=seed)
    return x, y


def race_code(shape: Shape, repeats: int, seed: int = RACE_SEED) -> str:
    """The race as the page runs it (race_inputs, then lib.rules.race.race timing both sides)."""
    shape = tuple(shape)
    return f"""\
import time

rng = np.random.default_rng({seed})
x = rng.random({shape})   # {format_shape(shape)}, floats in [0, 1)
y = rng.random({shape})   # {format_shape(shape)}

t0 = time.time()
for _ in range({int(repeats)}):
    z = naive_add(x, y)
    z = naive_relu(z)
print("naive:", time.time() - t0, "s")

t0 = time.time()
for _ in range({int(repeats)}):
    z = x + y
    z = np.maximum(z, 0.)
print("NumPy:", time.time() - t0, "s")
"""


# ---------------------------------------------------------------- the notebook's examples

BOOK_RELU_INPUT = [[1, 2, -3], [2, -1, 3], [0, -32, -1]]
BOOK_ADD_INPUTS = ([[1, 2, 3], [4, 5, 6]], [[10, 20, 30], [40, 50, 60]])


@dataclass(frozen=True)
class Printout:
    code: str           # lines as the notebook has them
    printed: str        # what they print
    value: np.ndarray   # the array printed


def relu_slip() -> tuple[Printout, Printout]:
    """The notebook's relu cell calls `naive_relu(array)` and then prints `array`: the input,
    unchanged, because naive_relu works on a copy and its result is thrown away. Returns
    that cell and the fix (print what naive_relu returns), each with what it prints."""
    array = np.array(BOOK_RELU_INPUT)
    naive_relu(array)                                   # the result is discarded
    rows = ",\n                  ".join(str(row) for row in BOOK_RELU_INPUT)
    slip = Printout(f"array = np.array([{rows}])\n"
                    "naive_relu(array)\n"
                    "print(array)", str(array), array)
    result = naive_relu(array)
    fix = Printout("print(naive_relu(array))", str(result), result)
    return slip, fix


def small_integer_matrix(rows: int, cols: int, seed: int, low: int = -5, high: int = 5) -> np.ndarray:
    """A small matrix of whole numbers (as floats) for the before/after pictures."""
    rng = np.random.default_rng(seed)
    return rng.integers(low, high + 1, size=(rows, cols)).astype(float)


# ---------------------------------------------------------------- broadcasting memory

def broadcast_view_strides(shape: Shape, target: Shape, itemsize: int = 8) -> tuple[int, ...]:
    """Strides of np.broadcast_to(a C-contiguous array of `shape`, `target`).

    Every axis that broadcasting adds or stretches gets stride 0: stepping along it
    goes back to the same memory, which is why the stretched view costs nothing.
    """
    broadcast_shape(shape, target)              # raises ShapeError if impossible
    if broadcast_shape(shape, target) != tuple(target):
        raise ValueError(f"{shape} cannot be stretched to {target} (only to {broadcast_shape(shape, target)})")
    strides = []
    step = itemsize
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    strides.reverse()
    out = [0] * (len(target) - len(shape))
    for d, t, s in zip(shape, target[len(target) - len(shape):], strides):
        out.append(0 if (d == 1 and t != 1) else s)
    return tuple(out)


def memory_report(x_shape: Shape, y_shape: Shape, itemsize: int = 8) -> list[dict]:
    """Bytes held by x, y, their tiled copies (expand_dims + tile) and broadcast views.

    Arithmetic only, so it works for shapes far too big to allocate.
    """
    result = broadcast_shape(x_shape, y_shape)
    rows = []
    for name, shape in (("x", x_shape), ("y", y_shape)):
        own = math.prod(shape) * itemsize
        rows.append({
            "tensor": name,
            "shape": shape,
            "own bytes": own,
            "tiled copy bytes": math.prod(result) * itemsize if tuple(shape) != result else own,
            "broadcast view extra bytes": 0,
            "view strides": broadcast_view_strides(shape, result, itemsize),
        })
    return rows


# ---------------------------------------------------------------- broadcasting by hand

MAX_BUILT_ELEMENTS = 2_000_000     # the page builds real arrays only up to this result size


def apply_steps(x: np.ndarray, y: np.ndarray, steps) -> tuple[np.ndarray, np.ndarray]:
    """Carry out broadcast_steps on real arrays with np.expand_dims and np.tile.

    Returns x and y stretched to the same shape (real copies, unlike broadcasting).
    Raises ShapeError at a "conflict" step, as NumPy would refuse.
    """
    from lib.rules.shapes import ShapeError
    arrays = [np.asarray(x), np.asarray(y)]
    for step in steps:
        if step.kind == "expand":
            arrays[step.operand] = np.expand_dims(arrays[step.operand], axis=0)
        elif step.kind == "tile":
            i = step.operand
            rank = arrays[i].ndim
            reps = [1] * rank
            reps[rank + step.axis] = step.after[i][step.axis]
            arrays[i] = np.tile(arrays[i], reps)
        elif step.kind == "conflict":
            raise ShapeError(step.message)
    return arrays[0], arrays[1]


def by_hand_matches_broadcast(x_shape: Shape, y_shape: Shape, steps, numpy_fn,
                              seed: int = 0) -> tuple[bool, Shape] | None:
    """Run the spelled-out steps (real copies) and NumPy's one-line broadcast on random
    arrays of these shapes: (results equal, result shape). None when the arrays would be
    too big to build here (more than MAX_BUILT_ELEMENTS)."""
    result = broadcast_shape(x_shape, y_shape)
    if max(math.prod(result), math.prod(x_shape), math.prod(y_shape)) > MAX_BUILT_ELEMENTS:
        return None
    rng = np.random.default_rng(seed)
    x, y = rng.random(x_shape), rng.random(y_shape)          # real arrays of the typed shapes
    by_hand = numpy_fn(*apply_steps(x, y, steps))
    broadcast = numpy_fn(x, y)
    return bool(np.array_equal(by_hand, broadcast)), broadcast.shape


def memory_rows(x_shape: Shape, y_shape: Shape, itemsize: int = 8) -> list[dict]:
    """A table for the page: what the tiled copies cost against the broadcast views."""
    result = broadcast_shape(x_shape, y_shape)
    rows = []
    for entry in memory_report(x_shape, y_shape, itemsize):
        name, shape = entry["tensor"], entry["shape"]
        rows.append({"what": f"{name} itself", "shape": format_shape(shape),
                     "memory": format_bytes(entry["own bytes"]),
                     "strides (bytes)": str(broadcast_view_strides(shape, shape, itemsize))})
        if tuple(shape) != result:
            rows.append({"what": f"np.tile copy of {name}", "shape": format_shape(result),
                         "memory": format_bytes(entry["tiled copy bytes"]),
                         "strides (bytes)": str(broadcast_view_strides(result, result, itemsize))})
            rows.append({"what": f"np.broadcast_to({name}, {format_shape(result)})", "shape": format_shape(result),
                         "memory": "0 bytes extra (a view)",
                         "strides (bytes)": str(entry["view strides"])})
    return rows


def broadcast_view_code(x_shape: Shape, y_shape: Shape, names: tuple[str, str] = ("x", "y")) -> str:
    """np.broadcast_to lines for each tensor that broadcasting stretches, with its strides."""
    result = broadcast_shape(x_shape, y_shape)
    lines = []
    for name, entry in zip(names, memory_report(x_shape, y_shape)):
        if tuple(entry["shape"]) == result:
            continue
        lines.append(f"{name}_view = np.broadcast_to({name}, {format_shape(result)})")
        lines.append(f"{name}_view.strides  # {entry['view strides']}: stride 0 = the same "
                     "numbers again")
    return "\n".join(lines) or "# nothing to stretch: the shapes are already equal"

"""The Reshape & transpose page's worked examples as code a student can paste, each with
what NumPy answers: the notebook's reshapes and transpose, a reshape of numbered elements
and what it prints, and a small transpose read in memory order. The shape rules
themselves are in lib/rules/shapes.py.

NumPy only; no Streamlit here.
"""
from __future__ import annotations

import math

import numpy as np

from lib.rules.shapes import Shape, format_shape, reshape_shape, transpose_shape

# The notebook's examples, (code, caption): every comment is what NumPy gives (checked by
# running the code in tests/unit/test_reshape.py).
NOTEBOOK_EXAMPLES = (
    ("""\
x = np.array([[0., 1.],
              [2., 3.],
              [4., 5.]])        # (3, 2)
x = x.reshape((6, 1))           # (6, 1): [[0.], [1.], [2.], [3.], [4.], [5.]]
x = x.reshape((2, 3))           # (2, 3): [[0., 1., 2.], [3., 4., 5.]]""",
     "Same six numbers, same order, three shapes."),
    (f"""\
x = np.zeros((300, 20))         # (300, 20)
x = np.transpose(x)
x.shape                         # {format_shape(transpose_shape((300, 20)))}""",
     "The notebook's transpose: rows become columns."),
)


def reshape_code(src: Shape, target: Shape) -> str:
    """`x = np.arange(size).reshape(src)`, `y = x.reshape(target)` and what `print(y)`
    shows, as comments: the numbers keep their order, only the grouping changes."""
    size, new = math.prod(src), reshape_shape(src, target)
    printed = np.array2string(np.arange(size).reshape(new), separator=", ")
    return (f"x = np.arange({size}).reshape({format_shape(src)})\n"
            f"y = x.reshape({format_shape(target)})   # {format_shape(new)}\n"
            "print(y)\n" + "\n".join("# " + line for line in printed.splitlines()))


def transposed_reading(rows: int, cols: int, limit: int = 8) -> str:
    """The first `limit` numbers of `x.T` read row by row, for x = arange(rows * cols) as
    (rows, cols): '0, 3, 1, 4, 2, 5' for (2, 3), with ', …' when there are more."""
    x = np.arange(rows * cols).reshape(rows, cols)
    return ", ".join(map(str, x.T.reshape(-1)[:limit])) + (", …" if x.size > limit else "")


def transpose_code(rows: int, cols: int) -> str:
    """A (rows, cols) x of numbered elements, its transpose's shape, and both read in
    memory order: the same numbers, in a different order."""
    x = np.arange(rows * cols).reshape(rows, cols)
    return (f"x = np.arange({rows * cols}).reshape(({rows}, {cols}))\n"
            f"x.T.shape          # {format_shape((cols, rows))}\n"
            f"x.reshape(-1)      # {x.reshape(-1).tolist()}\n"
            f"x.T.reshape(-1)    # {x.T.reshape(-1).tolist()}")

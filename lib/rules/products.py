"""The tensor product done by hand: the book's naive loops and the data behind the
cell-by-cell matmul animation. NumPy only; no Streamlit here.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from lib.rules.race import RaceResult
from lib.rules.shapes import (Pairing, ShapeError, dot_shape, format_shape, matmul_shape,
                              paired_axes, pairing_rule, tensordot_shape)


# ----------------------------------------------------------------- naive loops

def _expect(ok: bool, wanted: str, x: np.ndarray, y: np.ndarray) -> None:
    """The book's `assert` lines, with a message that names the shapes."""
    if not ok:
        raise ShapeError(f"expected {wanted}, got {format_shape(x.shape)} and {format_shape(y.shape)}")


def naive_vector_dot(x, y):
    """Vector · vector: add up x[i] * y[i], one at a time."""
    _expect(x.ndim == 1 and x.shape == y.shape, "(k,) and (k,)", x, y)
    z = 0.
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z


def naive_matrix_vector_dot(x, y):
    """Matrix (n, k) · vector (k,): one vector dot per row of x -> (n,)."""
    _expect(x.ndim == 2 and y.shape == x.shape[1:], "(n, k) and (k,)", x, y)
    z = np.zeros(x.shape[0])                       # (n,)
    for i in range(x.shape[0]):
        z[i] = naive_vector_dot(x[i, :], y)
    return z


def naive_matrix_dot(x, y):
    """Matrix (n, k) · matrix (k, m): z[i, j] = row i of x · column j of y."""
    _expect(x.ndim == y.ndim == 2 and x.shape[1] == y.shape[0], "(n, k) and (k, m)", x, y)
    z = np.zeros((x.shape[0], y.shape[1]))         # (n, m)
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


# --------------------------------------------------------- matmul, step by step

@dataclass(frozen=True)
class MatmulStep:
    """One multiply-add of C = A @ B: C[i, j] += A[i, t] * B[t, j]."""
    i: int                 # row of A, row of C
    j: int                 # column of B, column of C
    t: int                 # position along the shared axis (column of A, row of B)
    a: float               # A[i, t]
    b: float               # B[t, j]
    product: float         # a * b
    running_sum: float     # C[i, j] so far (after adding this product)
    cell_done: bool        # True on the last term: C[i, j] is now final


def matmul_steps(a: np.ndarray, b: np.ndarray) -> list[MatmulStep]:
    """Every multiply-add of a (n, k) @ (k, m) matmul, in the order the naive loop does them.

    Cells of C are filled row by row; inside a cell, the k products are added one by one.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"the animation multiplies two matrices, got {format_shape(a.shape)} "
                         f"and {format_shape(b.shape)}")
    n, k = a.shape
    k2, m = b.shape
    if k != k2:
        raise ShapeError(f"last axis of A ({k}) vs first axis of B ({k2}): they must be equal")
    steps = []
    for i in range(n):
        for j in range(m):
            total = 0.0
            for t in range(k):
                product = float(a[i, t]) * float(b[t, j])
                total += product
                steps.append(MatmulStep(i, j, t, float(a[i, t]), float(b[t, j]), product,
                                        total, t == k - 1))
    return steps


# The rule section's preset buttons: label -> the shapes of x and y as typed.
DOT_RULE_PRESETS = {
    "vector · vector": ("(10,)", "(10,)"), "matrix · vector": ("(32, 10)", "(10,)"),
    "matrix · matrix": ("(32, 10)", "(10, 64)"), "sizes disagree": ("(32, 10)", "(64, 10)")}


def shape_or_error(rule, *args):
    """(result shape, None), or (None, the rule's explanation) when NumPy would refuse."""
    try:
        return rule(*args), None
    except ShapeError as err:
        return None, str(err)


def array_literal(v: np.ndarray) -> str:
    """np.array([...]) as a student would type it (whole numbers without the '.')."""
    v = v.astype(int) if np.all(v == np.round(v)) else v
    return "np.array(" + np.array2string(v, separator=", ", prefix="X = np.array(") + ")"


def random_matrix(shape: tuple[int, int], seed: int, low: int = -3, high: int = 5) -> np.ndarray:
    """Small whole numbers, so a student can check the sums in their head."""
    rng = np.random.default_rng(seed)
    return rng.integers(low, high + 1, size=shape).astype(float)


MAX_TYPED_VALUE = 99


def typed_matrix(values, limit: int = MAX_TYPED_VALUE) -> np.ndarray:
    """The cells a student edited, as floats the product can use: an empty cell (NaN)
    counts as 0, and every value is clipped to [-limit, limit]."""
    return np.clip(np.nan_to_num(np.asarray(values, dtype=float)), -limit, limit)


def dot_code(x_shape: tuple[int, ...], y_shape: tuple[int, ...],
             result: tuple[int, ...] | None) -> str:
    """The rule section's code: two random tensors of these shapes and np.dot of them, with
    the shape that comes out (or 'ValueError' when NumPy refuses)."""
    return (f"x = np.random.random({format_shape(x_shape)})\n"
            f"y = np.random.random({format_shape(y_shape)})\n"
            f"z = np.dot(x, y)   # {format_shape(result) if result is not None else 'ValueError'}")


def matmul_code(a: np.ndarray, b: np.ndarray) -> str:
    """A and B as literals with their shapes, and C = A @ B with the shape it has."""
    (n, k), (_, m) = a.shape, b.shape
    return (f"A = {array_literal(a)}   # ({n}, {k})\nB = {array_literal(b)}   # ({k}, {m})\n"
            f"C = A @ B   # same as np.dot(A, B) for matrices; shape ({n}, {m})")


# ------------------------------------------------------ what NumPy itself says

MAX_TRIED_ELEMENTS = 100_000      # operands this small are built and handed to NumPy itself

PRODUCTS = {"dot": ("np.dot(a, b)", lambda a, b: np.dot(a, b)),
            "matmul": ("a @ b", lambda a, b: a @ b),
            "tensordot": ("np.tensordot(a, b, axes=1)", lambda a, b: np.tensordot(a, b, axes=1))}
# The Dot product page's N-D section: (product, its code, which axes it pairs, in words).
PRODUCT_RULES = tuple((op, code, pairing_rule(op, ("a", "b")))
                      for op, code in (("tensordot", "np.tensordot(a, b, axes=1)"),
                                       ("dot", "np.dot(a, b)"), ("matmul", "a @ b")))


def numpy_says(op: str, a_shape: tuple[int, ...], b_shape: tuple[int, ...]
               ) -> tuple[tuple[int, ...] | None, str] | None:
    """Run the product on zeros of these shapes: (result shape, "") or (None, NumPy's own
    error message). None when the operands are too big to build here."""
    if max(int(np.prod(a_shape)), int(np.prod(b_shape))) > MAX_TRIED_ELEMENTS:
        return None
    a, b = np.zeros(a_shape, dtype=np.float32), np.zeros(b_shape, dtype=np.float32)
    try:
        return tuple(np.shape(PRODUCTS[op][1](a, b))), ""
    except (ValueError, IndexError) as error:     # tensordot of a scalar: IndexError
        return None, f"{type(error).__name__}: {error}"


CLAIMED = ((4, 3, 2), (2, 4, 5), (4, 3, 4, 5))     # a claim met in print about np.dot
# The N-D section's preset buttons: label -> the two shapes as typed.
PRODUCT_PRESETS = {
    "(4, 3, 2) and (2, 4, 5)": ("(4, 3, 2)", "(2, 4, 5)"),
    "(4, 3, 2) and (5, 2, 6)": ("(4, 3, 2)", "(5, 2, 6)"),
    "batch: (8, 3, 2) and (8, 2, 5)": ("(8, 3, 2)", "(8, 2, 5)")}
DOT_CLAIM = ("**A claim you may meet:** `np.dot` of shapes `(4, 3, 2)` and `(2, 4, 5)` gives "
             "`(4, 3, 4, 5)`. Here is what NumPy really answers (run just now):")
DOT_CLAIM_ANSWER = ("`(4, 3, 4, 5)` is what `np.tensordot(a, b, axes=1)` gives: it pairs `a`'s "
                    "last axis with `b`'s **first**. `np.dot` pairs it with `b`'s "
                    "**second-to-last** axis (the 4, not the 2), and `@` treats the last two "
                    "axes as matrices and broadcasts the ones before, so both refuse these "
                    "shapes.")


PRODUCT_SHAPES = {"tensordot": tensordot_shape, "dot": dot_shape, "matmul": matmul_shape}


@dataclass(frozen=True)
class ProductCheck:
    """One product of two shapes, as the N-D section shows it."""
    op: str
    result: tuple[int, ...] | None    # the shape that comes out, None when NumPy refuses
    error: str | None                 # why it refuses, in our words (lib.rules.shapes)
    pairing: Pairing | None           # the axes it pairs; None when an operand has none
    numpy_words: str | None           # NumPy's own error, when it refuses (None: not tried)


def check_product(op: str, a: tuple[int, ...], b: tuple[int, ...]) -> ProductCheck:
    """What the product `op` ("tensordot", "dot", "matmul") does with shapes a and b: its
    result shape or our explanation of the refusal, the axes it pairs, and on a refusal
    what NumPy itself says (for operands small enough to build)."""
    result, error = shape_or_error(PRODUCT_SHAPES[op], a, b)
    pairing, _ = shape_or_error(paired_axes, op, a, b)
    said = numpy_says(op, a, b) if error else None
    return ProductCheck(op, result, error, pairing, None if said is None else said[1])


def dot_claim_code() -> str:
    """The claim 'np.dot((4, 3, 2), (2, 4, 5)) has shape (4, 3, 4, 5)' checked against NumPy:
    each product's line with what NumPy really answers."""
    a_shape, b_shape, _ = CLAIMED
    lines = [f"a = np.zeros({format_shape(a_shape)})",
             f"b = np.zeros({format_shape(b_shape)})"]
    for op in ("dot", "matmul", "tensordot"):
        shape, error = numpy_says(op, a_shape, b_shape)
        code = PRODUCTS[op][0]
        lines.append(f"{code}.shape" if shape is not None else code)
        said = format_shape(shape) if shape is not None else error
        lines += [f"# {part}" for part in textwrap.wrap(said, 86, subsequent_indent="  ")]
    return "\n".join(lines)


def order_note(a: np.ndarray, b: np.ndarray) -> str:
    """Whether A @ B and B @ A differ for these two matrices, said as it is."""
    if a.shape[1] != b.shape[0] or b.shape[1] != a.shape[0]:
        return "Only `A @ B` exists here."
    ab, ba = a @ b, b @ a
    if ab.shape != ba.shape:
        return (f"Both exist but even their shapes differ: `{format_shape(ab.shape)}` against "
                f"`{format_shape(ba.shape)}`.")
    if np.array_equal(ab, ba):
        return ("Here the two happen to be **equal**: these two matrices commute (as every "
                "pair of 1×1 matrices does, or a matrix and the identity). That is the "
                "exception; for most pairs the order changes the numbers.")
    return ("Same shape, different numbers: for most pairs of square matrices the order of a "
            "product matters.")


# ------------------------------------------------------ the race of the naive loops

# name: (naive loop, shapes for a size, smallest size, largest): <= ~0.2 s per naive run
DOT_RACES = {
    "vector · vector": (naive_vector_dot, lambda s: ((s,), (s,)), 1_000, 500_000),
    "matrix · vector": (naive_matrix_vector_dot, lambda s: ((s, s), (s,)), 10, 600),
    "matrix · matrix": (naive_matrix_dot, lambda s: ((s, s), (s, s)), 4, 80),
}


def dot_race_metrics(kind: str, size: int, result: RaceResult) -> list[tuple[str, str, str | None]]:
    """The race's scoreboard, (label, value, help): one call of each side in milliseconds
    (the mean over the repeats), and how many times faster NumPy was."""
    return [(f"naive loops, one {kind}", f"{result.naive_seconds / result.repeats * 1e3:.2f} ms",
             None),
            ("np.dot, one call", f"{result.numpy_seconds / result.repeats * 1e3:.3f} ms", None),
            ("NumPy is faster by", f"{result.speedup:,.0f}×",
             f"size {size}, mean of {result.repeats} runs; same result: {result.results_equal}")]


# ------------------------------------------------------ the dense layer

# The last section's code: a dense layer on a batch, each line with the shape it makes
# (checked by running it in tests/unit/test_products.py).
DENSE_LAYER_CODE = """\
input = train_images[:128].reshape((128, 28 * 28))   # (128, 784) a batch
W = np.random.random((784, 512))                      # (784, 512) kernel
b = np.zeros((512,))                                  # (512,) biases
output = np.maximum(np.dot(input, W) + b, 0.)         # (128, 512) relu"""

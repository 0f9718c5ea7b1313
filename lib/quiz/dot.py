"""Product questions: `np.dot(x, y)`, `x @ y` and `np.tensordot(x, y, axes=...)`."""
from __future__ import annotations

import math

from lib.quiz.core import (DOT_WORK, HARD_SIZES, _MAX_DRAWS, ShapeQuestion, _axes_count, _chance,
                           _check_shape, _finish, _pick, _sized, _small)
from lib.rules.shapes import (Shape, ShapeError, dot_shape, format_shape, matmul_shape,
                              paired_axes, pairing_sentences, product_code, tensordot_shape)


DOT_SIZES = (2, 3, 4, 5, 8, 10, 16, 32, 64, 128)
_DOT_RANKS = {"dot": ((1, 1), (2, 1), (1, 2), (2, 2), (2, 2), (3, 2), (0, 2), (2, 0), (3, 3),
                      (1, 3)),
              "matmul": ((1, 1), (2, 1), (1, 2), (2, 2), (2, 2), (3, 2), (3, 3), (2, 3), (0, 2)),
              "tensordot": ((1, 1), (2, 1), (2, 2), (2, 2), (3, 2), (2, 3), (3, 3))}
_HARD_DOT_RANKS = {"dot": ((4, 2), (4, 1), (5, 2), (4, 3), (3, 4), (2, 4), (1, 4)),
                   "matmul": ((4, 2), (4, 3), (4, 4), (3, 4), (2, 4), (5, 2), (4, 1), (5, 3)),
                   "tensordot": ((4, 2), (4, 3), (4, 4), (3, 4), (2, 4), (5, 2), (2, 5),
                                 (5, 3))}


def _product_shape(product: str, a: Shape, b: Shape, axes=1) -> Shape:
    if product == "dot":
        return dot_shape(a, b)
    if product == "matmul":
        return matmul_shape(a, b)
    return tensordot_shape(a, b, axes)


def _gen_dot(rng, level, seed) -> ShapeQuestion:
    harder = level == "harder"
    sizes = HARD_SIZES if harder else DOT_SIZES
    for _ in range(_MAX_DRAWS):
        product = _pick(rng, ("tensordot", "tensordot", "dot", "matmul") if harder
                        else ("dot", "dot", "matmul", "matmul", "tensordot"))
        ra, rb = _pick(rng, (_HARD_DOT_RANKS if harder else _DOT_RANKS)[product])
        axes = 1
        if product == "tensordot" and harder:
            axes = 2
            if _chance(rng, 0.3):                          # the same pairing, written as lists
                axes = ((ra - 2 - ra * _chance(rng, 0.5), ra - 1 - ra * _chance(rng, 0.5)),
                        (0, 1 - rb * _chance(rng, 0.5)))
                if _chance(rng, 0.5):
                    axes = (axes[0][::-1], axes[1][::-1])
        a = _sized(rng, ra, sizes, 10**4)
        b = _sized(rng, rb, sizes, 10**4)
        mismatch = _chance(rng, 0.3 if harder else 0.25)
        if a and b:
            pairing = paired_axes(product, tuple(a), tuple(b), axes)
            for i, j, _ in pairing.contract:               # make the paired sizes equal ...
                b[j] = a[i]
            for i, j, _ in pairing.batch:                  # ... and the batch axes broadcast
                b[j] = a[i] if _chance(rng, 0.6) else 1
                if _chance(rng, 0.3):
                    a[i], b[j] = 1, int(_pick(rng, sizes))
            if mismatch:                                   # ... then, sometimes, break one
                pairs = list(pairing.contract) + [p for p in pairing.batch if a[p[0]] != 1]
                i, j, _ = _pick(rng, pairs)
                if product == "tensordot" and len(pairing.contract) == 2 and _chance(rng, 0.5):
                    (i1, j1, _), (i2, j2, _) = pairing.contract
                    b[j1], b[j2] = b[j2], b[j1]            # right sizes, wrong order
                else:
                    b[j] = int(_pick(rng, [s for s in sizes if s not in (a[i], 1)]))
        a, b = tuple(a), tuple(b)
        try:
            result = _product_shape(product, a, b, axes)
        except ShapeError:
            result = None
        if _small((a, b, result)) and _work(product, a, b, axes, result) <= DOT_WORK:
            return _dot(a, b, product, axes, level, seed)
    raise RuntimeError("no product within the size budget")          # never seen


def _work(product: str, a: Shape, b: Shape, axes, result: Shape | None) -> int:
    """Multiply-adds NumPy does for this product: result elements times paired sizes."""
    if result is None or not a or not b:
        return math.prod(result or ())
    try:
        contract = paired_axes(product, a, b, axes).contract
    except ShapeError:
        return 0
    return math.prod(result) * math.prod(a[i] for i, _, _ in contract)


def dot_question(a: Shape, b: Shape, product: str = "dot", axes=1, *, level: str = "basic",
                 seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of np.dot(x, y)' (product 'dot'), 'x @ y' ('matmul') or
    'np.tensordot(x, y, axes=...)' ('tensordot')."""
    if product not in ("dot", "matmul", "tensordot"):
        raise ValueError(f"unknown product {product!r}")
    return _dot(_check_shape(a), _check_shape(b), product, axes, level, seed)


def _dot(a: Shape, b: Shape, product: str, axes, level: str, seed) -> ShapeQuestion:
    expression = product_code(product, axes)
    try:
        result, why = _product_shape(product, a, b, axes), ""
    except ShapeError as error:
        result, why = None, str(error)
    lines = [f"x has shape {format_shape(a)} ({_axes_count(len(a))}), y has shape "
             f"{format_shape(b)} ({_axes_count(len(b))})."]
    lines += pairing_sentences(product, a, b, axes)      # the rule's own words (lib.rules.shapes)
    reason = next((line for line in lines[1:] if "refuses" in line or "raises" in line), why)
    mistakes: list = []
    if not a or not b:
        shape = b if not a else a
        if product == "matmul":
            mistakes.append((shape, "That is what np.dot(x, y) or x * y gives; `@` refuses a "
                                    "scalar."))
        elif product == "dot":
            mistakes.append((None, "np.dot accepts a scalar: it scales the other operand."))
    elif result is not None:
        pairing = paired_axes(product, a, b, axes)
        kept_a = [i for i in range(len(a)) if all(i != p[0] for p in pairing.contract)]
        kept_b = [j for j in range(len(b)) if all(j != p[1] for p in pairing.contract)]
        mistakes += _dot_mistakes(product, a, b, axes, result, kept_a, kept_b)
    if result is not None and a and b:
        mistakes.append((None, "Every paired axis has the same size on both sides (and batch "
                               "axes broadcast), so NumPy computes it."))
    return _finish("dot", level, seed, (("x", a), ("y", b)), expression,
                   ("tensordot", axes) if product == "tensordot" else (product,),
                   result, reason, lines, mistakes, work=_work(product, a, b, axes, result))


def _shape_or_none(rule, *args) -> Shape | None:
    try:
        return rule(*args)
    except ShapeError:
        return None


def _dot_mistakes(product, a, b, axes, result, kept_a, kept_b) -> list:
    mistakes = []
    if product != "matmul":
        mistakes.append((_shape_or_none(matmul_shape, a, b), "That is what `x @ y` gives: `@` "
                         "treats the axes before the last two as a batch and broadcasts them."))
    if product != "dot":
        mistakes.append((_shape_or_none(dot_shape, a, b), "That is what np.dot(x, y) gives: it "
                         "keeps every other axis of x, then every other axis of y."))
    if product != "tensordot" or axes != 1:
        mistakes.append((_shape_or_none(tensordot_shape, a, b, 1), "That is np.tensordot(x, y, "
                         "axes=1), which pairs the last axis of x with the FIRST axis of y."))
    mistakes = [(shape, hint) for shape, hint in mistakes if shape is not None]
    mistakes.append((tuple(b[j] for j in kept_b) + tuple(a[i] for i in kept_a),
                     "Right sizes, wrong order: x's remaining axes come first, then y's."))
    mistakes.append((a + b, "The paired axes are summed over: they disappear from the result."))
    return mistakes

"""Product questions: `np.dot(x, y)`, `x @ y` and `np.tensordot(x, y, axes=...)`."""
from __future__ import annotations

import math

from lib.quiz.core import (DOT_WORK, HARD_SIZES, _MAX_DRAWS, ShapeQuestion, _axes_count, _chance,
                           _check_shape, _finish, _pick, _sized, _small)
from lib.rules.products import paired_axes
from lib.rules.shapes import (Shape, ShapeError, broadcast_shape, dot_shape, format_shape,
                              matmul_shape, tensordot_axes, tensordot_shape)


DOT_SIZES = (2, 3, 4, 5, 8, 10, 16, 32, 64, 128)
_DOT_RANKS = {"dot": ((1, 1), (2, 1), (1, 2), (2, 2), (2, 2), (3, 2), (0, 2), (2, 0), (3, 3),
                      (1, 3)),
              "matmul": ((1, 1), (2, 1), (1, 2), (2, 2), (2, 2), (3, 2), (3, 3), (2, 3), (0, 2)),
              "tensordot": ((1, 1), (2, 1), (2, 2), (2, 2), (3, 2), (2, 3), (3, 3))}
_HARD_DOT_RANKS = {"dot": ((4, 2), (4, 1), (5, 2), (4, 3), (3, 4), (2, 4), (1, 4)),
                   "matmul": ((4, 2), (4, 3), (4, 4), (3, 4), (2, 4), (5, 2), (4, 1), (5, 3)),
                   "tensordot": ((4, 2), (4, 3), (4, 4), (3, 4), (2, 4), (5, 2), (2, 5),
                                 (5, 3))}
PRODUCT_CODE = {"dot": "np.dot(x, y)", "matmul": "x @ y"}


def _tensordot_text(axes) -> str:
    if isinstance(axes, int):
        return str(axes)
    return "(" + ", ".join("[" + ", ".join(str(i) for i in side) + "]" for side in axes) + ")"


def _product_expression(product: str, axes) -> str:
    if product == "tensordot":
        return f"np.tensordot(x, y, axes={_tensordot_text(axes)})"
    return PRODUCT_CODE[product]


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


def _axes_of(name: str, shape: Shape, axes) -> str:
    return ", ".join(f"{name}'s axis {i} ({shape[i]})" for i in axes) or "nothing"


def _dot(a: Shape, b: Shape, product: str, axes, level: str, seed) -> ShapeQuestion:
    expression = _product_expression(product, axes)
    try:
        result, why = _product_shape(product, a, b, axes), ""
    except ShapeError as error:
        result, why = None, str(error)
    lines = [f"x has shape {format_shape(a)} ({_axes_count(len(a))}), y has shape "
             f"{format_shape(b)} ({_axes_count(len(b))})."]
    reason = why
    mistakes: list = []
    if not a or not b:
        scalar, other, shape = ("x", "y", b) if not a else ("y", "x", a)
        if product == "matmul":
            reason = (f"`@` needs at least one axis on each side, and {scalar} is a scalar "
                      "(shape ()): NumPy raises ValueError. Use * to scale by a number.")
            lines.append(reason)
            mistakes.append((shape, "That is what np.dot(x, y) or x * y gives; `@` refuses a "
                                    "scalar."))
        else:
            lines.append(f"{scalar} is a scalar (shape ()): np.dot then just multiplies every "
                         f"element of {other} by it, so the result keeps {other}'s shape "
                         f"{format_shape(shape)}.")
            mistakes.append((None, "np.dot accepts a scalar: it scales the other operand."))
    else:
        try:
            pairing = paired_axes(product, a, b, axes)
        except ShapeError as error:                        # axes names an axis that is missing
            pairing = None
            lines.append(f"{error}: NumPy raises an error.")
        if pairing is not None:
            lines += _pairing_lines(product, a, b, axes, pairing)
            reason = next((line for line in lines if "raises" in line), reason)
        if result is not None and pairing is not None:
            kept_a = [i for i in range(len(a)) if all(i != p[0] for p in pairing.contract)]
            kept_b = [j for j in range(len(b)) if all(j != p[1] for p in pairing.contract)]
            if product == "matmul":
                parts = []
                for entry in pairing.result:
                    if entry[0] == "batch":
                        i, j = entry[1], entry[2]
                        size = max(a[i] if i is not None else 1, b[j] if j is not None else 1)
                        parts.append(f"a batch axis ({size})")
                    else:
                        src = a if entry[0] == "a" else b
                        parts.append(f"{'x' if entry[0] == 'a' else 'y'}'s axis {entry[1]} "
                                     f"({src[entry[1]]})")
                lines.append("What remains, in order: " + (", ".join(parts) or "nothing: a "
                             "single number") + f" → {format_shape(result)}.")
            else:
                lines.append(f"The paired axes are multiplied pair by pair and summed, so they "
                             f"disappear. What remains, in order: x's axes first "
                             f"({_axes_of('x', a, kept_a)}), then y's "
                             f"({_axes_of('y', b, kept_b)}) → {format_shape(result)}.")
            mistakes += _dot_mistakes(product, a, b, axes, result, kept_a, kept_b)
    if result is not None and a and b:
        mistakes.append((None, "Every paired axis has the same size on both sides (and batch "
                               "axes broadcast), so NumPy computes it."))
    return _finish("dot", level, seed, (("x", a), ("y", b)), expression,
                   ("tensordot", axes) if product == "tensordot" else (product,),
                   result, reason, lines, mistakes, work=_work(product, a, b, axes, result))


def _pairing_lines(product: str, a: Shape, b: Shape, axes, pairing) -> list[str]:
    lines = []
    if product == "dot":
        lines.append("np.dot pairs the last axis of x with "
                     + ("the only axis of y." if len(b) == 1 else "the second-to-last axis of y."))
    elif product == "matmul":
        text = ("`@` is a matrix product on the last two axes: the last axis of x pairs with "
                + ("the only axis of y" if len(b) == 1 else "the second-to-last axis of y") + ".")
        if len(a) == 1:
            text += (f" x is a vector: `@` treats it as one row {format_shape((1,) + a)} and "
                     "drops that axis again.")
        if len(b) == 1:
            text += (f" y is a vector: `@` treats it as one column {format_shape(b + (1,))} and "
                     "drops that axis again.")
        lines.append(text)
    else:
        if isinstance(axes, int):
            lines.append(f"axes={axes} pairs the last {axes} axes of x with the first {axes} "
                         "axes of y, in order." if axes > 1 else
                         "axes=1 pairs the last axis of x with the FIRST axis of y.")
        else:
            listed = []
            for name, shape, side in (("x", a, axes[0]), ("y", b, axes[1])):
                for i in side:
                    if i < 0:
                        listed.append(f"{i} on {name} is axis {i % len(shape)}")
            pairs_a, pairs_b = tensordot_axes(a, b, axes)
            negative = f" (negative axes count from the end: {', '.join(listed)})" if listed else ""
            pairs = ", ".join(f"x's {i} with y's {j}" for i, j in zip(pairs_a, pairs_b))
            lines.append(f"axes={_tensordot_text(axes)} pairs the axes listed, one by one"
                         f"{negative}: {pairs}.")
    for i, j, same in pairing.contract:
        if same:
            lines.append(f"x's axis {i} (size {a[i]}) with y's axis {j} (size {b[j]}): equal, "
                         "so they can be multiplied pair by pair and summed.")
        else:
            lines.append(f"x's axis {i} (size {a[i]}) with y's axis {j} (size {b[j]}): "
                         f"{a[i]} ≠ {b[j]}, so there is nothing to pair one by one: NumPy "
                         "raises ValueError.")
    if pairing.batch or (product == "matmul" and max(len(a), len(b)) > 2):
        batch_a, batch_b = a[:max(len(a) - 2, 0)], b[:max(len(b) - 2, 0)]
        try:
            batch = format_shape(broadcast_shape(batch_a, batch_b))
            lines.append(f"The axes before the last two are batch axes; they broadcast like "
                         f"`+`: x's {format_shape(batch_a)} with y's {format_shape(batch_b)} → "
                         f"{batch}.")
        except ShapeError:
            bad = next((i, j) for i, j, ok in pairing.batch if not ok)
            lines.append(f"The axes before the last two are batch axes and broadcast like `+`: "
                         f"x's axis {bad[0]} (size {a[bad[0]]}) and y's axis {bad[1]} (size "
                         f"{b[bad[1]]}) differ and neither is 1, so NumPy raises ValueError.")
    return lines


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

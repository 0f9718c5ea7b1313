"""Shape rules of Chapter 2, each written once: parsing typed shapes, broadcasting,
dot / matmul / tensordot products, reshape.

Pure Python (NumPy only as the oracle in tests). Every rule raises ShapeError, a
ValueError whose message names the axes and sizes that disagree in plain words.
"""
from __future__ import annotations

import ast
import math

from lib.core import pyast
Shape = tuple[int, ...]

MAX_RANK = 8               # typed shapes: at most this many axes
MAX_SIZE = 10**12          # typed shapes: at most this many elements (never allocated)
MAX_SHAPE_TEXT = 200       # characters


class ShapeError(ValueError):
    """Two shapes that a rule cannot combine; the message says which axes and why."""


# --------------------------------------------------------------------------- parsing

def parse_shape(text: str, *, max_rank: int = MAX_RANK, max_size: int = MAX_SIZE,
                allow_minus_one: bool = False) -> Shape:
    """Parse '(32, 10)', '32,10', '[64, 3, 32, 10]', '()', '10' into a tuple of ints.

    Only non-negative integer literals are accepted (and one -1 when
    allow_minus_one, for reshape targets). Raises ValueError with a clear message.
    """
    if not isinstance(text, str):
        raise ValueError("a shape is written as text, e.g. (32, 10)")
    text = text.strip()
    if len(text) > MAX_SHAPE_TEXT:
        raise ValueError(f"that shape is too long ({len(text)} characters; at most {MAX_SHAPE_TEXT})")
    if text in ("", "()", "[]"):
        return ()
    if text[0] in "([":
        closing = ")" if text[0] == "(" else "]"
        if text[-1] != closing:
            raise ValueError(f"'{text[0]}' is not closed: end the shape with '{closing}'")
        inner = text[1:-1]
    else:
        inner = text
    parts = [p.strip() for p in inner.split(",")]
    if parts and parts[-1] == "":          # trailing comma: (10,)
        parts = parts[:-1]
    if not parts:
        return ()
    if len(parts) > max_rank:
        raise ValueError(f"rank {len(parts)} is too high here: at most {max_rank} axes")
    dims: list[int] = []
    for i, part in enumerate(parts):
        if part == "":
            raise ValueError(f"axis {i} is empty: write a size between the commas")
        try:
            node = pyast.parse(part, mode="eval").body
        except SyntaxError:
            raise ValueError(f"axis {i}: '{part}' is not a whole number") from None
        negative = False
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            negative, node = True, node.operand
        if not (isinstance(node, ast.Constant) and type(node.value) is int):
            raise ValueError(f"axis {i}: '{part}' is not a whole number")
        if len(part) > 15:
            raise ValueError(f"axis {i}: {part} is far too large")
        value = -node.value if negative else node.value
        if value < 0 and not (allow_minus_one and value == -1):
            hint = " (only -1, meaning 'infer this size', is allowed)" if allow_minus_one else ""
            raise ValueError(f"axis {i}: sizes cannot be negative, got {value}{hint}")
        dims.append(value)
    if dims.count(-1) > 1:
        raise ValueError("only one axis can be -1: NumPy can infer one size, not two")
    size = 1
    for d in dims:
        size *= abs(d)
    if size > max_size:
        raise ValueError(f"that shape has {size:,} elements; at most {max_size:,} here")
    return tuple(dims)


def pad_shape(shape, rank: int, fill=1) -> tuple:
    """`shape` with `fill` prepended up to `rank` axes: how broadcasting lines shapes up on
    the right. pad_shape((32, 10), 4) == (1, 1, 32, 10); fill=None marks missing axes."""
    shape = tuple(shape)
    return (fill,) * (rank - len(shape)) + shape


def format_shape(shape: Shape) -> str:
    """(10,) for one axis, (32, 10) for two, () for a scalar: as Python prints it."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


# ------------------------------------------------------------------------ broadcasting

def broadcast_shape(a: Shape, b: Shape) -> Shape:
    """The shape of `a + b`, as np.broadcast_shapes gives it, or ShapeError.

    Align the shapes on the right; on each axis the sizes must be equal or one of
    them 1 (the 1 is stretched). Missing leading axes count as 1. Axes are compared from
    the right, as the page tells it, so a clash names the first one met that way.
    """
    a, b = tuple(a), tuple(b)
    rank = max(len(a), len(b))
    pa, pb = pad_shape(a, rank), pad_shape(b, rank)
    out = []
    for axis in range(-1, -rank - 1, -1):
        x, y = pa[axis], pb[axis]
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            error = ShapeError(
                f"axis {axis}: {x} vs {y} — neither is 1, so they cannot be "
                f"broadcast ({format_shape(a)} and {format_shape(b)})")
            error.axis = axis               # counted from the right, as NumPy aligns
            raise error
    return tuple(reversed(out))


# ---- broadcasting steps (issue 4) ----

from dataclasses import dataclass as _dataclass  # noqa: E402  (kept inside this section)


@_dataclass(frozen=True)
class BroadcastOp:
    """One element-wise operation: how it is written, computed and drawn."""
    symbol: str            # the key the pages use: "+", "maximum", ...
    code_template: str     # NumPy code with {x} and {y} standing for the operands' names
    numpy_name: str        # the NumPy function that computes it: np.<numpy_name>
    sign: str              # drawn between the two tensors in the animation

    @property
    def numpy_function(self):
        """np.add, np.maximum, ...: looked up here so this module stays pure Python."""
        import numpy as np
        return getattr(np, self.numpy_name)


# The one table of broadcast operations; everything else is derived from it.
BROADCAST_OPERATIONS: dict[str, BroadcastOp] = {op.symbol: op for op in (
    BroadcastOp("+", "{x} + {y}", "add", "+"),
    BroadcastOp("-", "{x} - {y}", "subtract", "−"),
    BroadcastOp("*", "{x} * {y}", "multiply", "×"),
    BroadcastOp("maximum", "np.maximum({x}, {y})", "maximum", "max"),
    BroadcastOp("minimum", "np.minimum({x}, {y})", "minimum", "min"),
)}
BROADCAST_OPS = {symbol: op.code_template for symbol, op in BROADCAST_OPERATIONS.items()}


def expression_text(op: str, names: tuple[str, str] = ("x", "y")) -> str:
    """'x + y' or 'np.maximum(x, y)': the one-line broadcast for an operation."""
    return BROADCAST_OPERATIONS[op].code_template.format(x=names[0], y=names[1])


@_dataclass(frozen=True)
class Step:
    """One moment of broadcasting x with y, and the NumPy code that performs it."""
    kind: str                     # "align", "expand", "tile", "result" or "conflict"
    title: str                    # a few words, e.g. for a slider label
    text: str                     # one sentence for the student
    before: tuple[Shape, Shape]   # shapes of (x, y) before this step
    after: tuple[Shape, Shape]    # shapes of (x, y) after it
    code: str                     # NumPy lines acting on x and y (only comments for align/conflict)
    operand: int | None = None    # 0 = x, 1 = y: the tensor this step changes
    axis: int | None = None       # the axis concerned, counted from the right (-1 = last)
    result: Shape | None = None   # the broadcast shape, on the "result" step
    message: str = ""             # the ShapeError message, on the "conflict" step


def aligned_shapes(a: Shape, b: Shape) -> tuple[str, str]:
    """The two shapes as text, padded so that their axes line up on the right."""
    a, b = tuple(a), tuple(b)
    rank = max(len(a), len(b))
    pa, pb = pad_shape(a, rank, None), pad_shape(b, rank, None)
    widths = [max(len(str(x)) if x is not None else 0, len(str(y)) if y is not None else 0)
              for x, y in zip(pa, pb)]

    def render(shape: Shape) -> str:
        start = rank - len(shape)
        if not shape:
            return " " * max(0, sum(w + 2 for w in widths) - 2) + "()"
        pad = " " * sum(w + 2 for w in widths[:start])
        body = ", ".join(str(d).rjust(w) for d, w in zip(shape, widths[start:]))
        return pad + "(" + body + ("," if len(shape) == 1 else "") + ")"

    return render(a), render(b)


def broadcast_steps(a: Shape, b: Shape, names: tuple[str, str] = ("x", "y"),
                    op: str = "+") -> list[Step]:
    """Broadcasting `x op y` explained as data: align, expand_dims, tile, result.

    The steps follow NumPy's rule (decided by broadcast_shape): shapes are aligned on
    the right; the shorter one gets size-1 axes in front (np.expand_dims); then, axis
    by axis from the right, a size-1 axis is repeated to match the other (np.tile).
    When two sizes disagree and neither is 1, the last step is a "conflict" carrying
    the ShapeError message and stopping at that axis. Running every step's code on
    real arrays x and y reproduces what broadcasting computes.
    """
    a, b = tuple(a), tuple(b)
    if op not in BROADCAST_OPS:
        raise ValueError(f"unknown operation {op!r}; choose one of {', '.join(BROADCAST_OPS)}")
    try:
        result, conflict = broadcast_shape(a, b), None
    except ShapeError as error:
        result, conflict = None, error
    rank = max(len(a), len(b))
    shapes = [a, b]
    steps: list[Step] = []

    line_a, line_b = aligned_shapes(a, b)
    tag = max(len(n) for n in names)
    steps.append(Step(
        "align", "align on the right",
        "Write the shapes one above the other, lined up on the right: "
        "NumPy compares the last axes first.",
        (a, b), (a, b),
        f"# {(names[0] + '.shape').ljust(tag + 6)} {line_a}\n"
        f"# {(names[1] + '.shape').ljust(tag + 6)} {line_b}"))

    for i, name in enumerate(names):                         # 1. expand_dims
        while len(shapes[i]) < rank:
            old, new = shapes[i], (1,) + shapes[i]
            shapes[i] = new
            steps.append(Step(
                "expand", f"new axis for {name}",
                f"{name} has fewer axes, so a size-1 axis is put in front: "
                f"{format_shape(old)} → {format_shape(new)}. Same numbers, one more axis.",
                _pair(shapes, i, old), tuple(shapes),
                f"{name} = np.expand_dims({name}, axis=0)  # {format_shape(new)}",
                operand=i, axis=-len(new)))

    stop = conflict.axis if conflict is not None else -rank - 1
    for axis in range(-1, stop, -1):                         # 2. tile, right to left
        size_x, size_y = shapes[0][axis], shapes[1][axis]
        if size_x == size_y:
            continue
        i = 0 if size_x == 1 else 1                          # the operand of size 1 here
        target = shapes[1 - i][axis]
        old = shapes[i]
        new = old[:rank + axis] + (target,) + old[rank + axis + 1:]
        shapes[i] = new
        reps = [1] * rank
        reps[rank + axis] = target
        steps.append(Step(
            "tile", f"repeat {names[i]} on axis {axis}",
            f"Axis {axis}: {names[i]} has size 1, {names[1 - i]} has {target}, so {names[i]} is "
            f"repeated {target} times along it: {format_shape(old)} → {format_shape(new)}.",
            _pair(shapes, i, old), tuple(shapes),
            f"{names[i]} = np.tile({names[i]}, {tuple(reps)})  # {format_shape(new)}",
            operand=i, axis=axis))

    if conflict is not None:
        x_size, y_size = shapes[0][conflict.axis], shapes[1][conflict.axis]
        steps.append(Step(
            "conflict", f"axis {conflict.axis}: {x_size} vs {y_size}",
            f"Axis {conflict.axis}: {names[0]} has {x_size}, {names[1]} has {y_size}. "
            "Neither is 1, so neither can be repeated to match: NumPy raises ValueError.",
            tuple(shapes), tuple(shapes),
            "# NumPy refuses: ValueError: operands could not be broadcast together",
            axis=conflict.axis, message=str(conflict)))
        return steps

    expression = BROADCAST_OPS[op].format(x=names[0], y=names[1])
    steps.append(Step(
        "result", "element-wise result",
        f"Both are {format_shape(result)} now, so `{expression}` pairs them element by "
        f"element. (Real NumPy gets this result without making the copies.)",
        tuple(shapes), tuple(shapes),
        f"result = {expression}  # {format_shape(result)}",
        result=result))
    return steps


def _pair(shapes: list[Shape], i: int, old: Shape) -> tuple[Shape, Shape]:
    """(x, y) shapes with operand i put back to `old`: the 'before' of a step."""
    return (old, shapes[1]) if i == 0 else (shapes[0], old)


def steps_code(steps: list[Step]) -> str:
    """All the steps' NumPy lines as one program (expand_dims and tile spelled out)."""
    return "\n".join(step.code for step in steps)


# ---- products and reshape (issue 5) ----

def _prod(shape: Shape) -> int:
    size = 1
    for d in shape:
        size *= d
    return size


def dot_shape(a: Shape, b: Shape) -> Shape:
    """The shape of np.dot(a, b), or ShapeError.

    The pair of axes it sums over comes from paired_axes (see pairing_rule for the words);
    the result keeps every other axis: a's, then b's. A scalar just scales the other operand.
    """
    a, b = tuple(a), tuple(b)
    if not a or not b:
        return b if not a else a
    pairing = paired_axes("dot", a, b)
    [(ia, ib, same)] = pairing.contract
    if not same:
        where_b = "the only axis" if len(b) == 1 else "the second-to-last axis"
        raise ShapeError(
            f"np.dot pairs the last axis of a (axis {ia}, size {a[ia]}) with {where_b} of b "
            f"(axis {ib}, size {b[ib]}): {a[ia]} ≠ {b[ib]}, "
            f"for a {format_shape(a)} and b {format_shape(b)}")
    return pairing.kept(a, b)


def matmul_shape(a: Shape, b: Shape) -> Shape:
    """The shape of a @ b (np.matmul), or ShapeError.

    Matrix rule: the last axis of a must equal the second-to-last of b. Batch rule:
    the axes before the last two are broadcast. A vector a is treated as one row
    (1, k), a vector b as one column (k, 1), and that added axis is dropped again.
    """
    a, b = tuple(a), tuple(b)
    if not a or not b:
        raise ShapeError("@ needs at least one axis on each side: a scalar (shape ()) "
                         "cannot be matrix-multiplied; use * to scale instead")
    pairing = paired_axes("matmul", a, b)
    [(ia, ib, same)] = pairing.contract
    problems = []
    if not same:
        where_b = "the only axis" if len(b) == 1 else "the second-to-last axis"
        problems.append(
            f"matrix rule: the last axis of a (axis {ia}, size {a[ia]}) vs {where_b} "
            f"of b (axis {ib}, size {b[ib]}): {a[ia]} ≠ {b[ib]}")
    clash = next(((i, j) for i, j, ok in reversed(pairing.batch) if not ok), None)
    if clash is not None:
        i, j = clash
        problems.append(
            f"batch rule: the axes before the last two are broadcast, and batch axis "
            f"{i} of a (size {a[i]}) vs batch axis {j} of b "
            f"(size {b[j]}) are different and neither is 1")
    if problems:
        raise ShapeError("; ".join(problems) + f", for a {format_shape(a)} @ b {format_shape(b)}")
    return pairing.kept(a, b)


def tensordot_axes(a: Shape, b: Shape, axes=1) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Which axes of a and b np.tensordot(a, b, axes) pairs, as two tuples of axis numbers.

    axes=N pairs the last N axes of a with the first N of b, in order; axes can also
    be a pair of axis lists ([1, 0], [0, 1]). Raises ShapeError when an axis is missing.
    """
    a, b = tuple(a), tuple(b)
    if isinstance(axes, bool) or not isinstance(axes, (int, tuple, list)):
        raise ShapeError("axes is a whole number or a pair of axis lists")
    if isinstance(axes, int):
        if axes < 0:
            raise ShapeError(f"axes={axes}: the number of paired axes cannot be negative")
        if axes > len(a) or axes > len(b):
            short, rank = ("a", len(a)) if axes > len(a) else ("b", len(b))
            raise ShapeError(f"axes={axes} pairs {axes} axes of each operand, but {short} has "
                             f"only {rank} ({format_shape(a)} and {format_shape(b)})")
        return tuple(range(len(a) - axes, len(a))), tuple(range(axes))
    if len(axes) != 2:
        raise ShapeError("axes as lists is a pair: (axes of a, axes of b)")
    lists = []
    for name, shape, ax in (("a", a, axes[0]), ("b", b, axes[1])):
        ax = [ax] if isinstance(ax, int) else list(ax)
        norm = []
        for i in ax:
            if isinstance(i, bool) or not isinstance(i, int) or not -len(shape) <= i < len(shape):
                raise ShapeError(f"{name} has no axis {i}: its shape is {format_shape(shape)}")
            norm.append(i % len(shape))
        if len(set(norm)) != len(norm):
            raise ShapeError(f"an axis of {name} is listed twice in axes")
        lists.append(tuple(norm))
    if len(lists[0]) != len(lists[1]):
        raise ShapeError(f"axes names {len(lists[0])} axes of a but {len(lists[1])} of b: "
                         "they are paired one to one")
    return lists[0], lists[1]


def tensordot_shape(a: Shape, b: Shape, axes=1) -> Shape:
    """The shape of np.tensordot(a, b, axes), or ShapeError.

    With axes=1 (the default here): the last axis of a with the FIRST axis of b, so
    (4, 3, 2) and (2, 4, 5) give (4, 3, 4, 5). Every unpaired axis is kept: a's, then b's.
    """
    a, b = tuple(a), tuple(b)
    pairing = paired_axes("tensordot", a, b, axes)
    for ia, ib, same in pairing.contract:
        if not same:
            raise ShapeError(
                f"np.tensordot pairs axis {ia} of a (size {a[ia]}) with axis {ib} of b "
                f"(size {b[ib]}): {a[ia]} ≠ {b[ib]} ({format_shape(a)} and {format_shape(b)})")
    return pairing.kept(a, b)


# ---- which axes a product pairs, and the words for it (issue 19: each rule once) ----

@_dataclass(frozen=True)
class Pairing:
    """The axes a product multiplies together, and where each result axis comes from.

    contract: (axis of a, axis of b, sizes equal?) pairs that are summed over.
    batch:    (axis of a, axis of b, broadcastable?) pairs that matmul broadcasts.
    result:   for each result axis, ("a", i), ("b", j) or ("batch", i or None, j or None).
    """
    op: str
    contract: tuple[tuple[int, int, bool], ...]
    batch: tuple[tuple[int, int, bool], ...]
    result: tuple[tuple, ...]

    @property
    def ok(self) -> bool:
        return all(p[2] for p in self.contract + self.batch)

    def kept(self, a: Shape, b: Shape) -> Shape:
        """The result's sizes: each result axis read from the operand axis it comes from (a
        batch axis takes the size that is not 1). Meaningful when `ok`."""
        sizes = []
        for origin in self.result:
            if origin[0] == "a":
                sizes.append(a[origin[1]])
            elif origin[0] == "b":
                sizes.append(b[origin[1]])
            else:
                x = a[origin[1]] if origin[1] is not None else 1
                y = b[origin[2]] if origin[2] is not None else 1
                sizes.append(x if y == 1 else y)
        return tuple(sizes)


def paired_axes(op: str, a: Shape, b: Shape, axes=1) -> Pairing:
    """Which axes np.dot ("dot"), np.matmul ("matmul") or np.tensordot ("tensordot") pair:
    the one place the products' pairing is computed (the shape rules above, the figures,
    the words below and the quiz all read it).

    Describes the rule even when the sizes disagree (so a figure can draw the red pair).
    Raises ShapeError only when an axis is missing (or @ meets a scalar).
    """
    a, b = tuple(a), tuple(b)
    if op == "dot":
        if not a or not b:                            # a scalar only scales the other side
            other = "b" if not a else "a"
            return Pairing(op, (), (), tuple((other, i) for i in range(len(b or a))))
        ia, ib = len(a) - 1, (0 if len(b) == 1 else len(b) - 2)
        result = tuple(("a", i) for i in range(ia)) + tuple(("b", j) for j in range(len(b)) if j != ib)
        return Pairing(op, ((ia, ib, a[ia] == b[ib]),), (), result)
    if op == "tensordot":
        axes_a, axes_b = tensordot_axes(a, b, axes)
        contract = tuple((i, j, a[i] == b[j]) for i, j in zip(axes_a, axes_b))
        result = (tuple(("a", i) for i in range(len(a)) if i not in axes_a)
                  + tuple(("b", j) for j in range(len(b)) if j not in axes_b))
        return Pairing(op, contract, (), result)
    if op == "matmul":
        if not a or not b:
            raise ShapeError("@ needs at least one axis on each side")
        ia, ib = len(a) - 1, (0 if len(b) == 1 else len(b) - 2)
        na, nb = max(len(a) - 2, 0), max(len(b) - 2, 0)        # batch axes of each
        batch = tuple((na - r, nb - r, a[na - r] == b[nb - r] or 1 in (a[na - r], b[nb - r]))
                      for r in range(min(na, nb), 0, -1))
        result = []
        for r in range(max(na, nb), 0, -1):                      # batch axes, left to right
            result.append(("batch", na - r if r <= na else None, nb - r if r <= nb else None))
        if len(a) >= 2:
            result.append(("a", len(a) - 2))
        if len(b) >= 2:
            result.append(("b", len(b) - 1))
        return Pairing(op, ((ia, ib, a[ia] == b[ib]),), batch, tuple(result))
    raise ValueError(f"unknown product {op!r}")


def axes_text(axes) -> str:
    """'2' or '([1, 0], [0, 1])': tensordot's axes argument as it is written."""
    if isinstance(axes, int):
        return str(axes)
    return "(" + ", ".join("[" + ", ".join(str(i) for i in side) + "]" for side in axes) + ")"


def product_code(op: str, axes=1, names: tuple[str, str] = ("x", "y")) -> str:
    """'np.dot(x, y)', 'x @ y' or 'np.tensordot(x, y, axes=2)'."""
    x, y = names
    if op == "tensordot":
        return f"np.tensordot({x}, {y}, axes={axes_text(axes)})"
    return {"dot": f"np.dot({x}, {y})", "matmul": f"{x} @ {y}"}[op]


def pairing_rule(op: str, names: tuple[str, str] = ("x", "y")) -> str:
    """The rule a product follows, for any shapes, as the words after '... pairs the'."""
    x, y = (f"`{n}`" for n in names)
    return {
        "dot": f"last axis of {x} with the **second-to-last** axis of {y} (its only axis when "
               f"{y} is a vector: a matrix's rows); those two sizes must be equal and are summed "
               f"away, every other axis is kept, {x}'s then {y}'s",
        "matmul": f"last axis of {x} with the **second-to-last** axis of {y}, the matrix rule on "
                  f"the **last two axes**; the axes before them are **batch axes**, broadcast "
                  "like `+`",
        "tensordot": f"last `n` axes of {x} with the **first** `n` axes of {y}, in order (with "
                     f"`axes=1`: the last axis of {x} with the **first** axis of {y}); the axes "
                     "can also be listed one by one",
    }[op]


def axis_words(shape: Shape, axis: int, name: str) -> str:
    """'the only axis of `y` (size 10)', 'the last axis of `x` (axis 1, size 10)',
    'the second-to-last axis of `y` (axis 0, its rows, size 10)'."""
    if len(shape) == 1:
        return f"the only axis of `{name}` (size {shape[0]})"
    where = "last" if axis == len(shape) - 1 else "second-to-last"
    rows = ", its rows" if len(shape) == 2 and axis == 0 else ""
    return f"the {where} axis of `{name}` (axis {axis}{rows}, size {shape[axis]})"


def _axis_of(name: str, shape: Shape, axis: int) -> str:
    return f"`{name}`'s axis {axis} (size {shape[axis]})"


def pairing_sentences(op: str, a: Shape, b: Shape, axes=1,
                      names: tuple[str, str] = ("x", "y")) -> list[str]:
    """The product `op` walked on these shapes, one markdown sentence each: which axes it
    pairs, whether their sizes match (or why NumPy refuses), the batch axes of @, and the
    shape that comes out. The one explanation the Dot product page, the quiz and the lesson
    show; it agrees with paired_axes and the shape rules above (and so with NumPy)."""
    a, b = tuple(a), tuple(b)
    nx, ny = names
    code = product_code(op, axes, names)
    if (not a or not b) and op != "tensordot":
        scalar, other, shape = (nx, ny, b) if not a else (ny, nx, a)
        if op == "matmul":
            return [f"`@` needs at least one axis on each side, and `{scalar}` is a scalar "
                    "(shape `()`): NumPy refuses: ValueError. Use `*` to scale by a number."]
        return [f"`{scalar}` is a scalar (shape `()`): `np.dot` just multiplies every entry of "
                f"`{other}` by it, so the result has the shape of `{other}`: "
                f"`{format_shape(shape)}`."]
    try:
        pairing = paired_axes(op, a, b, axes)
    except ShapeError as error:                        # axes names an axis that is missing
        return [f"`{code}`: {error}, so NumPy refuses: it raises an error."]
    pairs = [f"{_axis_of(nx, a, i)} with {_axis_of(ny, b, j)}" for i, j, _ in pairing.contract]
    if op == "dot":
        [(i, j, _)] = pairing.contract
        lines = [f"`{code}` pairs {axis_words(a, i, nx)} with {axis_words(b, j, ny)}."]
    elif op == "matmul":
        [(i, j, _)] = pairing.contract
        text = (f"`{code}` is a matrix product on the last two axes: it pairs "
                f"{axis_words(a, i, nx)} with {axis_words(b, j, ny)}.")
        if len(a) == 1:
            text += (f" `{nx}` is a vector: `@` treats it as one row `{format_shape((1,) + a)}` "
                     "and drops that axis again.")
        if len(b) == 1:
            text += (f" `{ny}` is a vector: `@` treats it as one column "
                     f"`{format_shape(b + (1,))}` and drops that axis again.")
        lines = [text]
    elif isinstance(axes, int):
        n = axes
        rule = ("no axes: every number of `{0}` multiplies every number of `{1}`" if n == 0 else
                "the last axis of `{0}` with the **first** axis of `{1}`" if n == 1 else
                f"the last {n} axes of `{{0}}` with the first {n} axes of `{{1}}`, in order")
        lines = [f"`{code}` pairs {rule.format(nx, ny)}" + (f": {', '.join(pairs)}." if pairs
                                                             else ".")]
    else:
        listed = [f"{i} on `{name}` is axis {i % len(shape)}"
                  for name, shape, side in ((nx, a, axes[0]), (ny, b, axes[1]))
                  for i in ([side] if isinstance(side, int) else side) if i < 0]
        negative = f" (negative axes count from the end: {', '.join(listed)})" if listed else ""
        lines = [f"`{code}` pairs the axes listed, one by one{negative}: {', '.join(pairs)}."]
    bad = next(((i, j) for i, j, same in pairing.contract if not same), None)
    if bad is not None:
        i, j = bad
        lines.append(f"{_axis_of(nx, a, i)} and {_axis_of(ny, b, j)} must be equal, but "
                     f"{a[i]} ≠ {b[j]}, so NumPy refuses: ValueError (there is nothing to pair "
                     "one by one).")
    elif pairing.contract:
        sizes = [a[i] for i, _, _ in pairing.contract]
        total = _prod(tuple(sizes))
        lines.append(f"Both are {total}: each output number is a sum of {total} products, and "
                     "that axis disappears." if len(sizes) == 1 else
                     f"Each pair's sizes are equal: each output number is a sum of "
                     f"{' × '.join(map(str, sizes))} = {total:,} products, and the paired axes "
                     "disappear.")
    if op == "matmul" and max(len(a), len(b)) > 2:
        batch_a, batch_b = a[:max(len(a) - 2, 0)], b[:max(len(b) - 2, 0)]
        clash = next(((i, j) for i, j, ok in reversed(pairing.batch) if not ok), None)
        if clash is None:
            lines.append(f"The axes before the last two are batch axes; they broadcast like "
                         f"`+`: `{nx}`'s `{format_shape(batch_a)}` with `{ny}`'s "
                         f"`{format_shape(batch_b)}` → "
                         f"`{format_shape(broadcast_shape(batch_a, batch_b))}`.")
        else:
            i, j = clash
            lines.append(f"The axes before the last two are batch axes and broadcast like `+`: "
                         f"{_axis_of(nx, a, i)} and {_axis_of(ny, b, j)} differ and neither is "
                         "1, so NumPy refuses: ValueError.")
    if not pairing.ok:
        return lines
    result = pairing.kept(a, b)
    if op == "matmul":
        parts = []
        for origin in pairing.result:
            if origin[0] == "batch":
                parts.append(f"a batch axis ({result[len(parts)]})")
            else:
                name, shape = (nx, a) if origin[0] == "a" else (ny, b)
                parts.append(f"`{name}`'s axis {origin[1]} ({shape[origin[1]]})")
        lines.append("The result keeps, in order: " + (", ".join(parts) or "nothing, a single "
                     "number") + f": shape `{format_shape(result)}`.")
        return lines
    kept_x = tuple(a[i] for origin, i in (o[:2] for o in pairing.result) if origin == "a")
    kept_y = tuple(b[j] for origin, j in (o[:2] for o in pairing.result) if origin == "b")
    kept = [f"`{name}`'s other axes `{format_shape(sizes)}`"
            for name, sizes in ((nx, kept_x), (ny, kept_y)) if sizes]
    if not kept:
        lines.append("Nothing else is left: the result is a single number, shape `()`.")
    else:
        lines.append(f"The result keeps {' then '.join(kept)}: shape `{format_shape(result)}`.")
    return lines


def reshape_shape(shape: Shape, new: Shape) -> Shape:
    """The shape x.reshape(new) gives for x of `shape` (one -1 inferred), or ShapeError.

    Reshape never adds or drops elements: both shapes must hold the same number.
    """
    shape, new = tuple(shape), tuple(new)
    size = _prod(shape)
    if new.count(-1) > 1:
        raise ShapeError("only one axis can be -1: NumPy can infer one size, not two")
    bad = [d for d in new if d < -1]
    if bad:
        raise ShapeError(f"size {bad[0]} is negative; only -1 (infer this size) is allowed")
    if -1 in new:
        axis = new.index(-1)
        known = _prod(tuple(d for d in new if d != -1))
        if known == 0:
            raise ShapeError(f"axis {axis} is -1 but the other sizes multiply to 0, so any size "
                             f"would fit: NumPy refuses to guess ({format_shape(new)})")
        if size % known:
            raise ShapeError(
                f"{format_shape(shape)} holds {size} elements; the other axes of "
                f"{format_shape(new)} take {known} per step, and {size} / {known} is not a "
                f"whole number, so axis {axis} (the -1) has no size that fits")
        return tuple(size // known if d == -1 else d for d in new)
    if _prod(new) != size:
        raise ShapeError(f"{format_shape(shape)} holds {size} elements but {format_shape(new)} "
                         f"holds {_prod(new)}: reshape never adds or drops elements")
    return new


MAX_FIT_SEARCH = 10**6     # shapes_that_fit lists divisors up to this many elements


def shapes_that_fit(size: int, limit: int = 8) -> list[Shape]:
    """A few shapes that `size` elements do fill, for a refused reshape's hint: the 2-D
    (d, size // d) with d dividing size, the `limit` most square ones, most square last.
    Past MAX_FIT_SEARCH elements, just (size,) and (-1, size) (no divisor search)."""
    if size > MAX_FIT_SEARCH:
        return [(size,), (-1, size)]
    return [(d, size // d) for d in range(1, math.isqrt(size) + 1) if size % d == 0][-limit:]


def transpose_shape(shape: Shape, axes=None) -> Shape:
    """The shape np.transpose(x, axes) gives: axis k of the result is axis axes[k] of x.

    axes=None reverses the axes (what x.T does). Negative axes count from the end.
    """
    shape = tuple(shape)
    n = len(shape)
    if axes is None:
        return shape[::-1]
    axes = tuple(axes)
    if len(axes) != n:
        raise ShapeError(f"axes names {len(axes)} axes but {format_shape(shape)} has {n}: "
                         "list every axis exactly once")
    seen: dict[int, int] = {}
    for pos, ax in enumerate(axes):
        if isinstance(ax, bool) or not isinstance(ax, int) or not -n <= ax < n:
            raise ShapeError(f"axis {ax} does not exist: a rank-{n} array has axes 0 to {n - 1}"
                             + (f" (or -{n} to -1)" if n else ""))
        if ax % n in seen:
            raise ShapeError(f"axis {ax % n} is listed twice (positions {seen[ax % n]} and {pos}): "
                             "list every axis exactly once")
        seen[ax % n] = pos
    return tuple(shape[ax] for ax in axes)


def transpose_order(rank: int, axes=None) -> tuple[int, ...]:
    """The axes np.transpose(x, axes) really uses on a rank-`rank` array: `axes` as given,
    or every axis in reverse when None (what x.T does)."""
    return tuple(range(rank))[::-1] if axes is None else tuple(axes)


def parse_axes(text: str, max_len: int = MAX_RANK) -> tuple[int, ...] | None:
    """Parse a typed axis order: '(3, 2, 1, 0)', '0, -1, 1', '[1, 0]' or 'None' (= reverse)."""
    if not isinstance(text, str):
        raise ValueError("axes are written as text, e.g. (1, 0)")
    text = text.strip()
    if text in ("", "None"):
        return None
    if len(text) > MAX_SHAPE_TEXT:
        raise ValueError(f"that is too long ({len(text)} characters)")
    try:
        node = pyast.parse(text, mode="eval").body
    except SyntaxError:
        raise ValueError(f"'{text}' is not a list of axis numbers like (1, 0)") from None
    items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    if len(items) > max_len:
        raise ValueError(f"at most {max_len} axes here")
    out = []
    for item in items:
        sign = 1
        if isinstance(item, ast.UnaryOp) and isinstance(item.op, ast.USub):
            sign, item = -1, item.operand
        if not (isinstance(item, ast.Constant) and type(item.value) is int) or item.value > 99:
            raise ValueError(f"'{ast.get_source_segment(text, item) or text}' is not an axis "
                             "number; write whole numbers like (2, 0, 1)")
        out.append(sign * item.value)
    return tuple(out)

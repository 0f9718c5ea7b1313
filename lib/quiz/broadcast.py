"""Broadcasting questions: `x + y`, `np.maximum(x, y)` ... on two shapes."""
from __future__ import annotations

import numpy as np

from lib.quiz.core import (HARD_SIZES, SIZES, _MAX_DRAWS, ShapeQuestion, _chance, _check_shape,
                           _finish, _pick, _sized, _small)
from lib.rules.shapes import (BROADCAST_OPERATIONS, Shape, ShapeError, broadcast_shape,
                              broadcast_steps, expression_text, format_shape, pad_shape)


def _broadcast_pair(rng: np.random.Generator, level: str,
                    p_incompatible: float = 0.3) -> tuple[Shape, Shape]:
    """Two shapes that broadcast (often with 1s and missing leading axes) or, with
    probability p_incompatible, that clash on exactly one axis."""
    harder = level == "harder"
    sizes = HARD_SIZES if harder else SIZES
    for _ in range(_MAX_DRAWS):
        rank = int(rng.integers(4, 6)) if harder else int(rng.integers(1, 5))
        result = _sized(rng, rank, sizes)
        a, b = list(result), list(result)
        for shape in (a, b):
            for i in range(rank):
                if _chance(rng, 0.4 if harder else 0.3):
                    shape[i] = 1
        b = b[int(rng.integers(0, rank)):]                 # b loses some leading axes
        if _chance(rng, 0.5):
            a, b = b, a
        if _chance(rng, p_incompatible):
            shorter = a if len(a) <= len(b) else b
            longer = b if shorter is a else a
            if shorter:
                axis = -int(rng.integers(1, len(shorter) + 1))
                if longer[axis] == 1:                      # a clash needs a size that is not 1
                    longer[axis] = int(_pick(rng, [s for s in sizes if s != shorter[axis]]))
                shorter[axis] = int(_pick(rng, [s for s in sizes if s != longer[axis]]))
        try:
            out = broadcast_shape(a, b)
        except ShapeError:
            out = None
        if _small((tuple(a), tuple(b), out)):
            return tuple(a), tuple(b)
    raise RuntimeError("no pair of shapes within the size budget")   # never seen


def _gen_broadcast(rng, level, seed) -> ShapeQuestion:
    a, b = _broadcast_pair(rng, level, 0.35 if level == "harder" else 0.3)
    ops = tuple(BROADCAST_OPERATIONS)
    op = _pick(rng, ops) if level == "harder" else _pick(rng, ("+",) * 6 + ops[1:])
    return _broadcast(a, b, op, level, seed)


def broadcast_question(a: Shape, b: Shape, op: str = "+", *, level: str = "basic",
                       seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of x op y' for these two shapes."""
    if op not in BROADCAST_OPERATIONS:
        raise ValueError(f"unknown operation {op!r}")
    return _broadcast(_check_shape(a), _check_shape(b), op, level, seed)


def _broadcast(a: Shape, b: Shape, op: str, level: str, seed) -> ShapeQuestion:
    """The rule's own steps (lib.rules.shapes.broadcast_steps) walked on this question; the
    align step also lists the sizes it lines up, axis by axis from the right."""
    expression = expression_text(op)
    steps = broadcast_steps(a, b, op=op)
    result = steps[-1].result if steps[-1].kind == "result" else None
    clash = steps[-1].text if steps[-1].kind == "conflict" else ""
    rank = max(len(a), len(b))
    pairs = [f"axis {-k}: {_size_or_missing(pad_shape(a, rank, None)[-k])} and "
             f"{_size_or_missing(pad_shape(b, rank, None)[-k])}" for k in range(1, rank + 1)]
    lines = [f"x has shape {format_shape(a)} and y has shape {format_shape(b)}."]
    for step in steps:
        if step.kind == "align":
            lines.append(step.text + (" Here, from the right: " + "; ".join(pairs) + "."
                                      if rank else " Both are scalars: nothing to line up."))
        else:
            lines.append(step.text)
    mistakes: list = []
    if result is not None:
        for name, shape in (("x", a), ("y", b)):
            mistakes.append((shape, f"That is {name}'s own shape. The result has as many axes as "
                                    "the longer shape, and on every axis the larger size (a 1 is "
                                    "stretched to match the other)."))
        mistakes.append((None, "No axis clashes: on every axis the sizes are equal or one of them "
                               "is 1 (a missing axis counts as 1), so NumPy stretches the 1s."))
        ones = tuple(1 if 1 in pair else pair[0] for pair in
                     zip(pad_shape(a, rank), pad_shape(b, rank)))
        mistakes.append((ones, "A size-1 axis does not stay 1: it is stretched to the other "
                               "tensor's size on that axis."))
        if len(a) != len(b):
            shorter = a if len(a) < len(b) else b
            mistakes.append((result[-len(shorter):] if shorter else (),
                             "Missing leading axes count as 1 and are added: the result has "
                             f"{rank} axes, as many as the longer shape."))
    return _finish("broadcast", level, seed, (("x", a), ("y", b)), expression, ("broadcast", op),
                   result, clash, lines, mistakes)


def _size_or_missing(size) -> str:
    return "(missing → 1)" if size is None else str(size)

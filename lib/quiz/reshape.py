"""Reshape and transpose questions: `x.reshape(...)` (with or without -1), `x.T`, `np.transpose(x, axes)`."""
from __future__ import annotations

import math

from lib.quiz.core import (HARD_SIZES, MAX_QUESTION_RANK, ShapeQuestion, _chance, _check_shape,
                           _finish, _numbered, _pick, _sized)
from lib.rules.shapes import Shape, ShapeError, format_shape, reshape_shape, transpose_shape


RESHAPE_SIZES = (2, 3, 4, 5, 6, 8, 10, 12, 16, 28, 32, 64)
_RESHAPE_FORMS = ("reshape", "reshape", "reshape", "minus_one", "minus_one", "minus_one",
                  "flatten", "bad", "bad", "T", "transpose")
_HARD_RESHAPE_FORMS = ("reshape", "minus_one", "minus_one", "minus_one", "bad", "bad", "T",
                       "transpose", "transpose", "transpose")


def _factors(n: int) -> list[int]:
    out, p = [], 2
    while p * p <= n:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out + ([n] if n > 1 else [])


def _regroup(rng, size: int, parts: int) -> list[int]:
    """`parts` sizes (none of them 1 when possible) that multiply to `size`."""
    primes = _factors(size)
    parts = max(1, min(parts, len(primes)))
    order = [int(i) for i in rng.permutation(len(primes))]
    out = [1] * parts
    for n, i in enumerate(order):
        out[n if n < parts else int(rng.integers(0, parts))] *= primes[i]
    return out


def _gen_reshape(rng, level, seed) -> ShapeQuestion:
    harder = level == "harder"
    rank = int(rng.integers(4, 6)) if harder else int(_pick(rng, (1, 2, 2, 3, 3)))
    shape = tuple(_sized(rng, rank, HARD_SIZES if harder else RESHAPE_SIZES))
    size = math.prod(shape)
    form = _pick(rng, _HARD_RESHAPE_FORMS if harder else _RESHAPE_FORMS)
    if form in ("T", "transpose") and rank < 2:
        form = "minus_one"
    if form == "T":
        return _transpose(shape, None, level, seed)
    if form == "transpose":
        axes = [int(i) for i in rng.permutation(rank)]
        if harder:
            axes = [i - rank if _chance(rng, 0.4) else i for i in axes]
            trap = _chance(rng, 0.35)
            if trap:
                kind = int(rng.integers(0, 3))
                if kind == 0:                              # the same axis twice (-1 and rank-1)
                    i, j = (int(v) for v in rng.choice(rank, 2, replace=False))
                    axes[i] = (axes[j] % rank) - (rank if axes[j] >= 0 else 0)
                elif kind == 1:
                    del axes[int(rng.integers(0, rank))]   # one axis missing
                else:
                    axes[int(rng.integers(0, rank))] = rank if _chance(rng, 0.5) else -rank - 1
        return _transpose(shape, tuple(axes), level, seed)
    parts = int(rng.integers(2, 6)) if harder else int(_pick(rng, (1, 2, 2, 3)))
    new = _regroup(rng, size, parts)
    if form == "flatten":
        new = [-1]
    elif form == "minus_one":
        new[int(rng.integers(0, len(new)))] = -1
    elif form == "bad":
        axis = int(rng.integers(0, len(new)))
        if _chance(rng, 0.5):                              # -1 with sizes that do not divide
            others = [d for d in (3, 5, 6, 7, 9, 10, 12) if size % d]
            if others and len(new) > 1:
                new[axis] = -1
                new[(axis + 1) % len(new)] = int(_pick(rng, others))
            else:
                new[axis] += 1
        else:
            new[axis] += 1 if _chance(rng, 0.5) or new[axis] < 3 else -1
    return _reshape(shape, tuple(new), level, seed, tuple_form=_chance(rng, 0.4))


def reshape_question(shape: Shape, new: Shape, *, level: str = "basic",
                     seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of x.reshape(new)' (new may hold one -1)."""
    new = tuple(int(d) for d in new)
    if len(new) > MAX_QUESTION_RANK:
        raise ValueError(f"at most {MAX_QUESTION_RANK} axes")
    return _reshape(_check_shape(shape), new, level, seed, tuple_form=False)


def transpose_question(shape: Shape, axes=None, *, level: str = "basic",
                       seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of x.T' (axes None) or 'shape of np.transpose(x, axes)'."""
    axes = None if axes is None else tuple(int(i) for i in axes)
    if axes is not None and len(axes) > MAX_QUESTION_RANK + 1:
        raise ValueError(f"at most {MAX_QUESTION_RANK} axes")
    return _transpose(_check_shape(shape), axes, level, seed)


def _times(shape) -> str:
    return " × ".join(str(d) for d in shape) if shape else "1 (no axes)"


def _reshape(shape: Shape, new: Shape, level: str, seed, tuple_form: bool) -> ShapeQuestion:
    args = format_shape(new) if tuple_form or not new else ", ".join(str(d) for d in new)
    expression = f"x.reshape({args})"
    size = math.prod(shape)
    try:
        result, why = reshape_shape(shape, new), ""
    except ShapeError as error:
        result, why = None, str(error)
    lines = [f"x has shape {format_shape(shape)}: {_times(shape)} = {size:,} elements.",
             f"reshape keeps all {size:,} elements, in the same order, and only regroups them: "
             f"the new sizes in {format_shape(new)} must multiply to {size:,}."]
    mistakes: list = []
    if -1 in new:
        known = tuple(d for d in new if d != -1)
        rest = math.prod(known)
        axis = new.index(-1)
        given = f"multiply to {_times(known)} = {rest:,}" if len(known) > 1 else f"come to {rest:,}"
        if result is not None:
            lines.append(f"The sizes given {given}, so -1 "
                         f"(axis {axis}) takes the rest: {size:,} / {rest:,} = {size // rest:,}.")
            mistakes.append((tuple(d for d in new if d != -1),
                             "-1 does not disappear: it stands for one axis whose size NumPy "
                             "works out."))
        else:
            lines.append(f"The sizes given {given}, and "
                         f"{size:,} / {rest:,} is not a whole number: no size fits the -1 "
                         f"(axis {axis}), so NumPy raises ValueError.")
    else:
        total = math.prod(new)
        lines.append(f"{_times(new)} = {total:,}" + (f", the same {size:,}: the reshape works."
                     if result is not None else f", not {size:,}: NumPy raises ValueError "
                     "(reshape never adds or drops elements)."))
    if result is not None:
        mistakes.append((None, f"The new sizes multiply to {size:,}, as many elements as x has, "
                               "so the reshape works."))
        mistakes.append((shape, "reshape does change the shape: the result has exactly the "
                                "sizes asked for (with -1 worked out)."))
    return _finish("reshape", level, seed, (("x", shape),), expression, ("reshape", new),
                   result, why, lines, mistakes)


def _transpose(shape: Shape, axes, level: str, seed) -> ShapeQuestion:
    rank = len(shape)
    expression = "x.T" if axes is None else f"np.transpose(x, {format_shape(axes)})"
    try:
        result, why = transpose_shape(shape, axes), ""
    except ShapeError as error:
        result, why = None, str(error)
    lines = [f"x has shape {format_shape(shape)}: {_numbered(rank)}."]
    mistakes: list = []
    if axes is None:
        lines.append(f"x.T reverses the order of the axes: axis {rank - 1} comes first and axis "
                     f"0 last, so {format_shape(shape)} becomes {format_shape(shape[::-1])}.")
        mistakes.append((shape, "x.T does change the shape: it reverses the order of the axes."))
    else:
        negatives = [f"{i} means axis {i % rank}" for i in axes if i < 0 and -rank <= i]
        if negatives:
            lines.append("Negative axes count from the end: " + ", ".join(negatives) + ".")
        if result is None:
            lines.append(f"{why[0].upper()}{why[1:]}: np.transpose raises an error.")
        else:
            order = tuple(i % rank for i in axes)
            lines.append("Axis k of the result is axis axes[k] of x: "
                         + ", ".join(f"result axis {k} ← x's axis {i} ({shape[i]})"
                                     for k, i in enumerate(order))
                         + f" → {format_shape(result)}.")
            inverse = [0] * rank
            for k, i in enumerate(order):
                inverse[i] = k
            mistakes += [
                (tuple(shape[i] for i in inverse), "That reads axes the other way round: axes "
                 "says where each result axis comes FROM (result axis k is x's axis axes[k])."),
                (shape[::-1], "That is x.T (every axis reversed); np.transpose(x, axes) follows "
                              "the order in axes."),
                (shape, "transpose moves the axes: the sizes come out in the order axes lists.")]
            mistakes.append((None, "Every axis appears exactly once in axes, so the transpose "
                                   "works."))
    return _finish("reshape", level, seed, (("x", shape),), expression,
                   ("T",) if axes is None else ("transpose", axes), result, why, lines, mistakes)

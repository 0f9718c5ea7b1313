"""'Predict the shape': seeded questions on four rules of Chapter 2, NumPy as the judge.

A question is fully determined by (kind, level, seed), so it can be linked:

- slicing:   an index into x, e.g. x[10:100, 7:-7, ::2], x[4], x[..., 14], x[:, None];
- broadcast: two shapes and x + y (or np.maximum(x, y), ...);
- dot:       np.dot(x, y), x @ y or np.tensordot(x, y, axes=...);
- reshape:   x.reshape(...) with or without -1, x.T, np.transpose(x, axes).

Levels: "basic" (ranks 0-3, as in the book) and "harder" (rank 4-5, negative axes and
steps, tensordot with axes=2). Each question carries the code the student sees, the
answer NumPy gives (a shape, or None when NumPy raises), and an explanation that walks
the rule on this very question. The rules live in lib.rules.shapes, lib.rules.indexing and
lib.rules.products; this module draws questions, runs NumPy on small int8 arrays to get the
answer, and marks what the student typed. Nothing is ever eval'ed. No Streamlit here.
"""
from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lib.rules.indexing import IndexParseError, describe_selection, format_index, parse_index
from lib.rules.products import paired_axes
from lib.rules.shapes import (BROADCAST_OPERATIONS, Shape, ShapeError, broadcast_shape, broadcast_steps,
                        dot_shape, expression_text, format_shape, matmul_shape, pad_shape,
                        parse_shape, reshape_shape, tensordot_axes, tensordot_shape,
                        transpose_shape)

KINDS = ("slicing", "broadcast", "dot", "reshape")          # in chapter order
KIND_LABELS = {"slicing": "Slicing", "broadcast": "Broadcasting", "dot": "Dot product",
               "reshape": "Reshape & transpose"}
LEVELS = ("basic", "harder")
LEVEL_LABELS = {"basic": "Basic", "harder": "Harder: rank 4-5, negative axes, axes=2"}

MAX_SEED = 2**31 - 1        # seeds are ints in 0..MAX_SEED (they go into links)
MAX_ANSWER_TEXT = 200       # characters a student's answer may have
MAX_ANSWER_RANK = 8         # axes a typed answer may have
MAX_QUESTION_RANK = 5       # every operand of a question: at most this many axes ...
MAX_QUESTION_SIZE = 128     # ... each of at most this size
BUDGET = 10**5              # elements of any generated operand or result
DOT_WORK = 10**6            # multiply-adds of a generated product
MAX_BUILD = 10**6           # NumPy arrays are built only up to this many elements

SIZES = (2, 3, 4, 5, 8, 10, 16, 28, 32, 64, 128)   # sizes that look like real tensors
HARD_SIZES = (2, 3, 4, 5, 6, 8, 10)                 # rank 4-5 stays small
REFUSAL_WORDS = {"error", "err", "incompatible", "no", "none", "fail", "fails", "valueerror",
                 "raises", "impossible", "x", "✗", "indexerror", "axiserror", "exception",
                 "raise", "refuses", "value error", "index error", "an error", "it raises",
                 "it fails", "❌"}

_ANSWER_CHARS = re.compile(r"[\d\s,()\[\]-]*")


# --------------------------------------------------------------------------- questions

@dataclass(frozen=True)
class ShapeQuestion:
    """One 'predict the shape' question, and everything needed to mark and explain it."""
    kind: str                                  # one of KINDS
    level: str                                 # one of LEVELS
    seed: int | None                           # None for a question built by hand
    operands: tuple[tuple[str, Shape], ...]    # (("x", (32, 10)), ("y", (10,)))
    expression: str                            # what the student reads: "x + y", "x[4]"
    call: tuple                                # what NumPy runs: ("index", (4,)), ("dot",) ...
    answer: Shape | None                       # NumPy's result shape; None when it raises
    error: str = ""                            # the exception NumPy raises: "ValueError", ...
    reason: str = ""                           # why it raises, one sentence
    explanation: tuple[str, ...] = ()          # the rule walked on this question (markdown)
    mistakes: tuple[tuple[Shape | None, str], ...] = ()   # likely wrong answers -> a hint

    @property
    def ident(self) -> tuple[str, str, int | None]:
        return (self.kind, self.level, self.seed)

    @property
    def shapes(self) -> tuple[Shape, ...]:
        return tuple(shape for _, shape in self.operands)

    @property
    def target(self) -> str:
        """'(x + y).shape' or 'x[4].shape': what the student predicts."""
        infix = not self.expression.startswith("np.") and any(
            f" {sign} " in self.expression for sign in "+-*@")
        return f"({self.expression}).shape" if infix else f"{self.expression}.shape"

    @property
    def code(self) -> str:
        """The lines the student sees."""
        lines = [f"{name}.shape == {format_shape(shape)}" for name, shape in self.operands]
        return "\n".join(lines + [f"{self.target} == ?"])

    @property
    def answer_text(self) -> str:
        return "error" if self.answer is None else format_shape(self.answer)


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str
    readable: bool = True          # False: empty or unreadable answer (not scored)
    given: Shape | None = None     # the shape read from the answer (None: 'error' or unreadable)


# ----------------------------------------------------------------- seeds and drills

def make_question(kind: str, level: str = "basic", seed: int = 0) -> ShapeQuestion:
    """The question of this kind and level drawn from this seed (always the same one)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose from {', '.join(LEVELS)}")
    if isinstance(seed, str) or read_seed(seed) is None:
        raise ValueError(f"a seed is a whole number from 0 to {MAX_SEED}")
    return _make_question(kind, level, read_seed(seed))


@lru_cache(maxsize=1024)          # a rerun looks its question up; ~1-3 kB each
def _make_question(kind: str, level: str, seed: int) -> ShapeQuestion:
    rng = np.random.default_rng([KINDS.index(kind), LEVELS.index(level), seed])
    return _GENERATORS[kind](rng, level, seed)


def normalize_kinds(kinds) -> tuple[str, ...]:
    """The chosen kinds in chapter order; ValueError for an unknown or empty choice."""
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"choose kinds among {', '.join(KINDS)} (got {unknown or 'none'})")
    return tuple(k for k in KINDS if k in kinds)


def pick_kind(kinds, seed: int) -> str:
    """Which of the chosen kinds this seed asks about (a mixed drill)."""
    kinds = normalize_kinds(kinds)
    return kinds[seed % len(kinds)]


def drill_question(kinds, level: str, seed: int) -> ShapeQuestion:
    """The question a drill over `kinds` shows for this seed: what the pages use."""
    return make_question(pick_kind(kinds, seed), level, seed)


def new_seed(avoid: int | None = None) -> int:
    """A fresh seed in 0..MAX_SEED, different from `avoid`."""
    while True:
        seed = secrets.randbelow(MAX_SEED + 1)
        if seed != avoid:
            return seed


def read_seed(value) -> int | None:
    """A seed from session state or a link: an int (or its digits) in 0..MAX_SEED, else None."""
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 10:
            return None
        value = int(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value) if 0 <= value <= MAX_SEED else None
    return None


# --------------------------------------------------------------------------- marking

def is_refusal(text: str) -> bool:
    """'error', 'ValueError', 'it raises' ...: the student says NumPy refuses."""
    words = " ".join(text.lower().split()).strip(".!")
    return words in REFUSAL_WORDS


def read_answer(text: str) -> Shape:
    """A typed shape: '(32, 10)', '32, 10', '[32, 10]', '()'. ValueError says what is wrong."""
    if len(text) > MAX_ANSWER_TEXT:
        raise ValueError(f"that is {len(text):,} characters; a shape needs far fewer")
    bad = next((c for c in text if not _ANSWER_CHARS.fullmatch(c)), None)
    if bad is not None:
        raise ValueError(f"{bad!r} has no place in a shape: use digits, commas and brackets")
    if sum(text.count(c) for c in "([") > 1 or sum(text.count(c) for c in ")]") > 1:
        raise ValueError("use one pair of brackets, e.g. (32, 10)")
    return parse_shape(text, max_rank=MAX_ANSWER_RANK)


def mark(question: ShapeQuestion, text) -> Verdict:
    """Mark a typed answer: a shape such as (32, 10), or 'error' where NumPy raises.
    The message says what was right or wrong, with a hint for the likely mistake."""
    text = text if isinstance(text, str) else ""
    if len(text) > MAX_ANSWER_TEXT:
        return Verdict(False, f"That answer is {len(text):,} characters long; a shape needs at "
                              f"most {MAX_ANSWER_TEXT}. Type e.g. (32, 10), or 'error'.", False)
    text = text.strip()
    expected = question.answer
    if not text:
        return Verdict(False, "Type a shape such as (32, 10), or 'error' if NumPy refuses.", False)
    if is_refusal(text):
        if expected is None:
            return Verdict(True, f"Right: NumPy raises {question.error}. {question.reason}")
        return Verdict(False, f"Not quite: NumPy does not refuse here, it gives "
                              f"{format_shape(expected)}. {_hint(question, None)}")
    try:
        given = read_answer(text)
    except ValueError as error:
        return Verdict(False, f"I could not read that as a shape: {error}. "
                              "Type e.g. (32, 10), or 'error'.", False)
    if expected is None:
        hint = next((hint + " " for shape, hint in question.mistakes if shape == given), "")
        return Verdict(False, f"Not quite: NumPy raises {question.error} here, so there is no "
                              f"result shape (you said {format_shape(given)}). {hint}"
                              f"{question.reason}", given=given)
    if given == expected:
        return Verdict(True, f"Right: {format_shape(expected)}.", given=given)
    return Verdict(False, f"Not quite: you said {format_shape(given)}, NumPy gives "
                          f"{format_shape(expected)}. {_hint(question, given)}", given=given)


def _hint(question: ShapeQuestion, given: Shape | None) -> str:
    """The hint for a known mistake, else a general one that points at the first difference."""
    for shape, hint in question.mistakes:
        if shape == given:
            return hint
    answer = question.answer
    if given is None:
        return "The steps below show why it works."
    if question.call[0] == "reshape" and math.prod(given) != math.prod(question.shapes[0]):
        return (f"Your shape holds {math.prod(given):,} elements but x holds "
                f"{math.prod(question.shapes[0]):,}: reshape never adds or drops elements.")
    if len(given) != len(answer):
        return f"NumPy's result has {len(answer)} axes; yours has {len(given)}."
    axis = next(i for i, (g, e) in enumerate(zip(given, answer)) if g != e)
    return (f"The number of axes is right; axis {axis} is not: NumPy gives {answer[axis]}, "
            f"you said {given[axis]}.")


# --------------------------------------------------------------------------- NumPy

def run_numpy(operands, call: tuple) -> tuple[Shape | None, str, str]:
    """(shape, '', '') or (None, exception name, message): what NumPy itself does with
    arrays of these shapes (int8 zeros; callers keep them small)."""
    arrays = [np.zeros(shape, dtype=np.int8) for _, shape in operands]
    x, y = arrays[0], (arrays[1] if len(arrays) > 1 else None)
    what = call[0]
    try:
        if what == "broadcast":
            out = BROADCAST_OPERATIONS[call[1]].numpy_function(x, y)
        elif what == "index":
            out = x[call[1]]
        elif what == "dot":
            out = np.dot(x, y)
        elif what == "matmul":
            out = np.matmul(x, y)
        elif what == "tensordot":
            out = np.tensordot(x, y, axes=call[1])
        elif what == "reshape":
            out = x.reshape(call[1])
        elif what == "T":
            out = x.T
        elif what == "transpose":
            out = np.transpose(x, call[1])
        else:
            raise KeyError(what)
    except (ValueError, IndexError) as error:
        return None, type(error).__name__, str(error)
    return tuple(int(d) for d in np.shape(out)), "", ""


def _finish(kind, level, seed, operands, expression, call, rule_answer: Shape | None,
            rule_error: str, explanation: list[str], mistakes: list, work: int = 0,
            error_name: str = "ValueError") -> ShapeQuestion:
    """Ask NumPy when that is cheap (it is the judge), close the explanation, keep the
    mistakes that really differ from the answer."""
    sizes = [math.prod(shape) for _, shape in operands]
    if rule_answer is not None:
        sizes.append(math.prod(rule_answer))
    if max(sizes) <= MAX_BUILD and work <= 10 * DOT_WORK:
        answer, error, message = run_numpy(operands, call)
    else:
        answer, error, message = rule_answer, ("" if rule_answer is not None else error_name), ""
    reason = ""
    probe = ShapeQuestion(kind, level, seed, tuple(operands), expression, call, answer)
    if answer is None:
        reason = rule_error or message
        reason = reason[:1].upper() + reason[1:]
        said = f" (NumPy's words: “{message}”)" if message else ""
        explanation = explanation + [f"So `{probe.target}` raises **{error}**{said}: "
                                     "the answer is **error**."]
    else:
        explanation = explanation + [f"So `{probe.target}` is **{format_shape(answer)}**."]
    seen, kept = {answer}, []
    for shape, hint in mistakes:
        if shape not in seen:
            seen.add(shape)
            kept.append((shape, hint))
    return ShapeQuestion(kind, level, seed, tuple(operands), expression, call, answer, error,
                         reason, tuple(explanation), tuple(kept))


def _check_shape(shape) -> Shape:
    shape = tuple(int(d) for d in shape)
    if len(shape) > MAX_QUESTION_RANK or any(not 0 <= d <= MAX_QUESTION_SIZE for d in shape):
        raise ValueError(f"question shapes have at most {MAX_QUESTION_RANK} axes of size "
                         f"0-{MAX_QUESTION_SIZE}, got {format_shape(shape)}")
    return shape


# --------------------------------------------------------------------------- drawing

_MAX_DRAWS = 1000            # draws until a question fits the budget (a few at most)


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def _sized(rng: np.random.Generator, rank: int, sizes, budget: int = BUDGET) -> list[int]:
    """`rank` sizes drawn from `sizes` whose product stays within `budget`."""
    out, room, smallest = [], budget, min(sizes)
    for i in range(rank):
        fits = [s for s in sizes if s * smallest ** (rank - i - 1) <= room]
        size = _pick(rng, fits)
        out.append(size)
        room //= size
    return out


def _small(shapes, limit: int = BUDGET) -> bool:
    return all(math.prod(s) <= limit for s in shapes if s is not None)


# ======================================================================= broadcast

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
    expression = expression_text(op)
    try:
        result, clash = broadcast_shape(a, b), ""
    except ShapeError as error:
        result = None
        clash = (f"Axis {error.axis}: {_clash_sizes(a, b, error.axis)} — neither is 1, so "
                 "neither can be stretched to match.")
    rank = max(len(a), len(b))
    pairs = [f"axis {-k}: {_size_or_missing(pad_shape(a, rank, None)[-k])} and "
             f"{_size_or_missing(pad_shape(b, rank, None)[-k])}" for k in range(1, rank + 1)]
    lines = [f"x has shape {format_shape(a)} and y has shape {format_shape(b)}; `{expression}` "
             "works element by element, so NumPy first makes the two shapes equal."]
    for step in broadcast_steps(a, b, op=op):
        if step.kind == "align":
            lines.append(step.text + (" Here, from the right: " + "; ".join(pairs) + "."
                                      if rank else " Both are scalars: nothing to line up."))
        elif step.kind != "result":
            lines.append(step.text)
        else:
            lines.append(f"Both are {format_shape(result)} now, so `{expression}` pairs them "
                         "element by element (NumPy does it without really making the copies).")
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


def _clash_sizes(a: Shape, b: Shape, axis: int) -> str:
    rank = max(len(a), len(b))
    return f"x has {pad_shape(a, rank)[axis]}, y has {pad_shape(b, rank)[axis]}"


# ========================================================================= slicing

SLICE_SIZES = (3, 4, 5, 6, 8, 10, 12, 16, 20, 28, 32, 64, 100, 128)
HARD_SLICE_SIZES = (2, 3, 4, 5, 6, 7, 8, 10, 12)
_SLICE_FORMS = ("int", "int", "slices", "slices", "slices", "mixed", "mixed", "ellipsis",
                "ellipsis", "newaxis", "newaxis", "beyond", "out_of_range", "out_of_range",
                "too_many")
_HARD_FORMS = ("mixed", "mixed", "mixed", "reverse", "reverse", "ellipsis", "ellipsis",
               "newaxis", "newaxis", "empty", "out_of_range", "out_of_range", "too_many",
               "two_ellipses")


def _int_item(rng, size: int, harder: bool) -> int:
    position = int(rng.integers(0, size))
    return position - size if _chance(rng, 0.5 if harder else 0.25) else position


def _out_of_range(rng, size: int) -> int:
    beyond = size + int(rng.integers(0, max(2, size // 2)))
    return -beyond - 1 if _chance(rng, 0.35) else beyond


def _slice_item(rng, size: int, harder: bool, form: int | None = None) -> slice:
    """A slice that keeps something (mostly): forms students meet in the book and beyond.
    Forms 6-8 step backwards (harder level only)."""
    form = int(rng.integers(0, 9 if harder else 6)) if form is None else form
    start = int(rng.integers(0, max(1, size - 1)))
    stop = int(rng.integers(start + 1, size + 1))
    if form == 0:
        return slice(None)
    if form == 1:
        return slice(start, stop)
    if form == 2:
        return slice(start, None) if _chance(rng, 0.5) else slice(None, stop)
    if form == 3:                                        # count from the end: 7:-7
        cut = int(rng.integers(1, max(2, size // 3 + 1)))
        return slice(min(start, max(0, size - cut - 1)), -cut)
    if form == 4:
        return slice(None, None, 2) if _chance(rng, 0.5) else slice(start, stop, 2)
    if form == 5:
        return slice(-int(rng.integers(1, size + 1)), None)
    if form == 6:                                        # reversed
        return slice(None, None, -1) if _chance(rng, 0.5) else slice(None, None, -2)
    if form == 7:                                        # from high to low
        return slice(stop - 1, start if _chance(rng, 0.6) else None, -1)
    return slice(-1, -stop - 1 if stop < size else None, -int(rng.integers(1, 4)))


def _reversed_item(rng, size: int) -> slice:
    """A slice with a negative step: ::-1, 5:1:-1, -1::-2 ..."""
    return _slice_item(rng, size, True, form=int(rng.integers(6, 9)))


def _gen_slicing(rng, level, seed) -> ShapeQuestion:
    harder = level == "harder"
    rank = int(rng.integers(4, 6)) if harder else int(_pick(rng, (1, 2, 2, 3, 3, 3)))
    shape = tuple(_sized(rng, rank, HARD_SLICE_SIZES if harder else SLICE_SIZES))
    form = _pick(rng, _HARD_FORMS if harder else _SLICE_FORMS)
    count = int(rng.integers(1, rank + 1))                 # axes named by the index
    items: list = [_slice_item(rng, shape[i], harder) for i in range(count)]
    if form in ("int", "mixed", "newaxis", "ellipsis", "two_ellipses", "out_of_range", "reverse"):
        for i in range(count):                             # some of them integers
            if form == "int" or _chance(rng, 0.4):
                items[i] = _int_item(rng, shape[i], harder)
            if form == "int":
                break
        if form == "int":
            items = items[:1]
    if form == "reverse":
        axis = int(rng.integers(0, len(items)))
        items[axis] = _reversed_item(rng, shape[axis])
    if form == "empty":
        axis = int(rng.integers(0, len(items)))
        start = int(rng.integers(1, shape[axis] + 1))
        items[axis] = slice(start, int(rng.integers(0, start)))       # stop before start: empty
    if form == "beyond":
        axis = int(rng.integers(0, len(items)))
        size = shape[axis]
        items[axis] = slice(int(rng.integers(0, size)), size + int(rng.integers(1, 3 * size)))
    if form == "out_of_range":
        axis = int(rng.integers(0, len(items)))
        items[axis] = _out_of_range(rng, shape[axis])
    if form == "too_many":
        items = [_slice_item(rng, s, harder) if _chance(rng, 0.5) else _int_item(rng, s, harder)
                 for s in shape]
        items.append(int(rng.integers(0, 3)) if _chance(rng, 0.5) else slice(None))
    if form in ("ellipsis", "two_ellipses"):
        if len(items) == rank:
            items = items[1:] if harder or _chance(rng, 0.5) else items[:-1]
        if harder:
            where = int(rng.integers(0, len(items) + 1))
        else:
            where = 0 if _chance(rng, 0.7) else len(items)
        items.insert(where, Ellipsis)
        if form == "two_ellipses":
            items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    if form == "newaxis":
        for _ in range(1 + (harder and _chance(rng, 0.5))):
            if not harder and _chance(rng, 0.5):
                items = [slice(None)] * min(len(items), 1) + [None]
            else:
                items.insert(int(rng.integers(0, len(items) + 1)), None)
    return _slicing(shape, tuple(items), level, seed)


def slicing_question(shape: Shape, index: str, *, level: str = "basic",
                     seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of x[index]' ('10:100, 7:-7' or 'x[10:100, 7:-7]')."""
    text = index.strip()
    if not text.startswith("x["):
        text = f"x[{text}]"
    return _slicing(_check_shape(shape), parse_index(text), level, seed)


def _index_text(index: tuple) -> str:
    """'10:100, None, ...': the index as the student reads it (None, not np.newaxis)."""
    return ", ".join("None" if item is None else format_index((item,)) for item in index)


def _slicing(shape: Shape, items: tuple, level: str, seed) -> ShapeQuestion:
    expression = f"x[{_index_text(items)}]"
    index = parse_index(expression)                        # NumPy gets what the student reads
    if index != items:
        raise IndexParseError(f"{expression} reads back as {index!r}")
    selection = describe_selection(shape, index)
    lines = _slicing_lines(shape, index, selection)
    mistakes = _slicing_mistakes(shape, index, selection, expression) if selection.ok else []
    reason = ""
    if not selection.ok:
        reason = next((line for line in lines if "IndexError" in line or "ValueError" in line), "")
        reason = reason.replace("**", "")
    return _finish("slicing", level, seed, (("x", shape),), expression, ("index", index),
                   selection.shape, reason, lines, mistakes, error_name="IndexError")


def _slicing_lines(shape: Shape, index: tuple, selection) -> list[str]:
    from lib.figures.slicing import axis_sentence        # imports plotly: only when needed

    rank = len(shape)
    names = ("position",) * max(rank, 1)
    used = sum(1 for item in index if item is not None and item is not Ellipsis)
    lines = [f"x has shape {format_shape(shape)}: {_numbered(rank)}. "
             "Integers and slices each take one axis, from the left; `None` and `...` take none."]
    if index.count(Ellipsis) > 1:
        return lines + ["The index holds `...` twice: NumPy could not tell how many axes each "
                        "stands for, so it raises IndexError."]
    if used > rank:
        return lines + [f"The index names {used} axes ({used} integers and slices) but x has "
                        f"only {rank}: the last entries have no axis to act on, so NumPy raises "
                        "IndexError."]
    if Ellipsis in index:
        covered = rank - used
        first = sum(1 for item in index[:index.index(Ellipsis)] if item is not None)
        where = {0: "no axis at all", 1: f"axis {first}"}.get(
            covered, f"axes {first} to {first + covered - 1}")
        lines.append(f"`...` stands for as many `:` as needed to reach {rank} axes: the index "
                     f"names {used}, so here `...` covers {where}.")
    axes, k, out = selection.axes, 0, 0
    for item in index:
        if item is None:
            lines.append(f"`None` adds a new axis of size 1 (result axis {out}).")
            out += 1
            continue
        if item is Ellipsis:
            spans = axes[k:k + rank - used]
        elif k < len(axes):
            spans = axes[k:k + 1]
        else:                                              # NumPy stops at this item
            size = shape[k]
            lines.append(f"**axis {k} (positions, size {size})**: `{item}` is outside the axis, "
                         f"whose positions go from 0 to {size - 1} (or {-size} to -1 from the "
                         "end). An integer must land on a position, so NumPy raises IndexError "
                         "(a slice would just stop at the end of the axis).")
            return lines
        for span in spans:
            sentence = axis_sentence(span, names)
            if span.kind != "int":
                sentence += f" → result axis {out}"
                out += 1
            lines.append(sentence + ".")
        k += len(spans)
    for span in axes[k:]:
        lines.append(axis_sentence(span, names) + f" → result axis {out}.")
        out += 1
    return lines


def _listed(axes: list[int]) -> str:
    """'axis 1' or 'axes 1, 2 and 4'."""
    if len(axes) == 1:
        return f"axis {axes[0]}"
    return "axes " + ", ".join(str(a) for a in axes[:-1]) + f" and {axes[-1]}"


def _slicing_mistakes(shape: Shape, index: tuple, selection, expression: str) -> list:
    def shape_of(other: tuple):
        result = describe_selection(shape, other)
        return result.shape if result.ok else "-"

    mistakes = []
    ints = [(n, item) for n, item in enumerate(index) if type(item) is int]
    int_axes = [span.axis for span in selection.axes if span.kind == "int"]
    if ints:
        item = ints[0][1]
        axes = _listed(int_axes)
        it = "it" if len(int_axes) == 1 else "them"
        ones = tuple(slice(i, i + 1 if i != -1 else None) if type(i) is int else i for i in index)
        whole = tuple(slice(None) if type(i) is int else i for i in index)
        mistakes.append((shape_of(ones), f"You kept {axes} as size 1, but `{expression}` drops "
                                         f"{it}: an integer such as `{item}` picks one position "
                                         "and its axis disappears."))
        mistakes.append((shape_of(whole), f"You kept {axes} whole, but an integer such as "
                                          f"`{item}` picks a single position, and its axis "
                                          "disappears."))
    if None in index:
        mistakes.append((shape_of(tuple(i for i in index if i is not None)),
                         "`None` adds a new axis of size 1 where it stands; your shape leaves "
                         "it out."))
    out = 0
    for item in index:
        if item is None:
            out += 1
        elif isinstance(item, slice):
            span = next(s for s in selection.axes if s.item is item)
            if item.stop is not None and span.count and item.step in (None, 1) \
                    and span.positions[-1] + 1 < span.size:
                wrong = list(selection.shape)
                wrong[out] += 1
                mistakes.append((tuple(wrong), f"A slice stops *before* its stop: "
                                               f"`{format_index((item,))}` keeps {span.count}, "
                                               f"not {span.count + 1}."))
                break
            out += 1
        elif item is Ellipsis:
            out += len(shape) - sum(1 for i in index if i is not None and i is not Ellipsis)
    beyond = [(span.axis, span) for span in selection.axes if span.kind == "slice"
              and any(isinstance(p, int) and not -span.size <= p <= span.size
                      for p in (span.item.start, span.item.stop))]
    if beyond:
        axis, span = beyond[0]
        mistakes.append((None, f"Slices never raise: `{format_index((span.item,))}` just stops at "
                               f"the end of axis {axis} (size {span.size})."))
    else:
        mistakes.append((None, "Every integer lands inside its axis and slices never raise, "
                               "so NumPy gives a result."))
    return [(s, hint) for s, hint in mistakes if s != "-"]


# ============================================================================= dot

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


def _axes_count(rank: int) -> str:
    return "1 axis" if rank == 1 else f"{rank} axes"


def _numbered(rank: int) -> str:
    """'3 axes, numbered 0 to 2'."""
    return {0: "no axes (a scalar)", 1: "1 axis, axis 0"}.get(
        rank, f"{rank} axes, numbered 0 to {rank - 1}")


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


# ========================================================================= reshape

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


_GENERATORS = {"slicing": _gen_slicing, "broadcast": _gen_broadcast, "dot": _gen_dot,
               "reshape": _gen_reshape}


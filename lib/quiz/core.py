"""The quiz's core: questions and verdicts, seeds and drills, marking, NumPy as the judge,
and the drawing helpers the kind modules share. The kinds' generators are registered by
lib.quiz (its __init__); this module never imports them. No Streamlit here.
"""
from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lib.rules.shapes import BROADCAST_OPERATIONS, Shape, format_shape, parse_shape

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

# kind -> generator(rng, level, seed); filled by lib.quiz (its __init__) from the kind modules
GENERATORS: dict = {}


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
    return GENERATORS[kind](rng, level, seed)


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


def _axes_count(rank: int) -> str:
    return "1 axis" if rank == 1 else f"{rank} axes"


def _numbered(rank: int) -> str:
    """'3 axes, numbered 0 to 2'."""
    return {0: "no axes (a scalar)", 1: "1 axis, axis 0"}.get(
        rank, f"{rank} axes, numbered 0 to {rank - 1}")

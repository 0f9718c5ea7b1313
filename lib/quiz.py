"""'Predict the shape': random broadcasting questions and the marking of answers.

A question is two shapes; the answer is broadcast_shape of them, or "error" when
NumPy refuses. The rule itself lives in lib.shapes; this module only draws pairs
and reads what the student typed. No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.shapes import Shape, ShapeError, broadcast_shape, format_shape, parse_shape

SIZES = (2, 3, 4, 5, 8, 10, 16, 28, 32, 64, 128)   # sizes that look like real tensors
REFUSAL_WORDS = {"error", "err", "incompatible", "no", "none", "fail", "fails", "valueerror",
                 "raises", "impossible", "x", "✗"}


@dataclass(frozen=True)
class Question:
    a: Shape
    b: Shape

    @property
    def answer(self) -> Shape | None:
        """The broadcast shape, or None when NumPy refuses."""
        try:
            return broadcast_shape(self.a, self.b)
        except ShapeError:
            return None


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


def random_question(rng: np.random.Generator, p_incompatible: float = 0.3) -> Question:
    """Two shapes that broadcast (often with 1s and a missing leading axis) or, with
    probability p_incompatible, that clash on exactly one axis."""
    rank = int(rng.integers(1, 5))
    result = [int(rng.choice(SIZES)) for _ in range(rank)]
    a, b = list(result), list(result)
    for shape in (a, b):
        for i in range(rank):
            if rng.random() < 0.3:
                shape[i] = 1
    drop = int(rng.integers(0, rank))                    # b loses some leading axes
    b = b[drop:]
    if rng.random() < 0.5:
        a, b = b, a
    if rng.random() < p_incompatible:
        shorter = a if len(a) <= len(b) else b
        longer = b if shorter is a else a
        if shorter:
            axis = -int(rng.integers(1, len(shorter) + 1))
            other = longer[axis]
            choices = [s for s in SIZES if s != other]
            if other == 1:                                # a clash needs a size that is not 1
                longer[axis] = int(rng.choice([s for s in SIZES if s != shorter[axis]]))
                other = longer[axis]
                choices = [s for s in SIZES if s != other]
            shorter[axis] = int(rng.choice(choices))
    return Question(tuple(a), tuple(b))


def check_answer(question: Question, text: str) -> Verdict:
    """Mark the student's answer: a shape such as (32, 10), or 'error' for a refusal."""
    text = (text or "").strip()
    if not text:
        return Verdict(False, "Type a shape such as (32, 10), or 'error' if NumPy refuses.")
    expected = question.answer
    if text.lower().strip(".!") in REFUSAL_WORDS:
        if expected is None:
            return Verdict(True, "Right: NumPy refuses these shapes.")
        return Verdict(False, f"Not quite: these shapes do broadcast, to {format_shape(expected)}.")
    try:
        given = parse_shape(text)
    except ValueError as error:
        return Verdict(False, f"I could not read that as a shape: {error}. "
                              "Type e.g. (32, 10), or 'error'.")
    if expected is None:
        return Verdict(False, f"Not quite: NumPy refuses, so there is no result shape "
                              f"(you said {format_shape(given)}).")
    if given == expected:
        return Verdict(True, f"Right: {format_shape(expected)}.")
    return Verdict(False, f"Not quite: you said {format_shape(given)}, "
                          f"NumPy gives {format_shape(expected)}.")


def answer_text(question: Question) -> str:
    """What a correct student would type."""
    expected = question.answer
    return "error" if expected is None else format_shape(expected)

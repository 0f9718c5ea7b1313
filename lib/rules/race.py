"""Race a naive Python loop against its NumPy one-liner: the book's timing experiment.

Used by the Element-wise ops and Dot product pages; no Streamlit here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class RaceResult:
    naive_seconds: float
    numpy_seconds: float
    repeats: int
    results_equal: bool

    @property
    def speedup(self) -> float:
        """How many times faster NumPy was."""
        return self.naive_seconds / max(self.numpy_seconds, 1e-9)


def random_operands(*shapes: tuple[int, ...], seed: int = 0) -> tuple[np.ndarray, ...]:
    """One array of random floats in [0, 1) per shape (the book's np.random.random), drawn
    in order from one seeded generator: the same race inputs on every run."""
    rng = np.random.default_rng(seed)
    return tuple(rng.random(shape) for shape in shapes)


def race(naive_fn: Callable[..., Any], numpy_fn: Callable[..., Any], args: tuple,
         repeats: int, progress: Callable[[float, str], None] | None = None,
         updates: int = 20) -> RaceResult:
    """Run naive_fn(*args) and numpy_fn(*args) `repeats` times each; time both.

    `progress(fraction, label)` is called about `updates` times over the whole race
    (the naive side dominates). The two results are compared with np.allclose.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    every = max(1, repeats // updates)
    timings = []
    results = []
    for side, fn in (("naive loops", naive_fn), ("NumPy", numpy_fn)):
        start = time.perf_counter()
        out = None
        for i in range(repeats):
            out = fn(*args)
            if progress is not None and (i + 1) % every == 0:
                done = (i + 1) / repeats
                frac = done * 0.9 if side == "naive loops" else 0.9 + 0.1 * done
                progress(frac, f"{side}: {i + 1:,} / {repeats:,}")
        timings.append(time.perf_counter() - start)
        results.append(np.asarray(out))
    equal = results[0].shape == results[1].shape and bool(np.allclose(results[0], results[1]))
    return RaceResult(timings[0], timings[1], repeats, equal)

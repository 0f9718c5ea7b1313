"""What a trained network got right and wrong, and what its weights look like, in numbers.
Pure NumPy; the figures that draw these live in lib/figures/inside.py."""
from __future__ import annotations

import numpy as np


def confusion_matrix(labels, predicted, classes: int = 10) -> np.ndarray:
    """(classes, classes) counts: row = true digit, column = predicted digit."""
    cm = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels, np.int64), np.asarray(predicted, np.int64)), 1)
    return cm


def most_confused_pairs(cm: np.ndarray, k: int = 3) -> list[tuple[int, int, int]]:
    """The k largest off-diagonal cells as (true digit, predicted digit, count), count > 0."""
    off = np.array(cm, dtype=np.int64)
    np.fill_diagonal(off, 0)
    order = np.argsort(off, axis=None, kind="stable")[::-1][:k]
    pairs = [(int(i // off.shape[1]), int(i % off.shape[1])) for i in order]
    return [(t, p, int(off[t, p])) for t, p in pairs if off[t, p] > 0]


def confused_examples(labels, predicted, true: int, guess: int, n: int = 6) -> np.ndarray:
    """Indices of the first n test digits whose label is `true` but were read as `guess`."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    return np.flatnonzero((labels == true) & (predicted == guess))[:n]


def strongest_units(W1: np.ndarray, n: int = 16, subtract=None) -> list[int]:
    """The n hidden units whose incoming weights changed (or are) the largest."""
    W = np.asarray(W1, dtype=float)
    if subtract is not None:
        W = W - np.asarray(subtract, dtype=float)
    return [int(u) for u in np.argsort(-np.linalg.norm(W, axis=0), kind="stable")[:n]]

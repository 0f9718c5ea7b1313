"""lib/train/metrics.py against NumPy."""
import numpy as np
from hypothesis import given, strategies as st

from lib.train.metrics import (confused_examples, confusion_matrix, most_confused_pairs,
                               strongest_units)


@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=200))
def test_confusion_matrix_counts_every_pair(pairs):
    labels, predicted = np.array(pairs).T
    cm = confusion_matrix(labels, predicted)
    assert cm.sum() == len(pairs)
    assert np.trace(cm) == int(np.sum(labels == predicted))
    for t, p in set(pairs):
        assert cm[t, p] == pairs.count((t, p))


def test_most_confused_pairs_skip_the_diagonal_and_zeros():
    cm = np.zeros((10, 10), int)
    cm[3, 3], cm[4, 9], cm[7, 1], cm[2, 5] = 50, 7, 3, 7
    assert most_confused_pairs(cm, 5) == [(4, 9, 7), (2, 5, 7), (7, 1, 3)]


def test_confused_examples_are_the_first_matches():
    labels = np.array([4, 4, 1, 4, 4])
    predicted = np.array([9, 4, 1, 9, 9])
    assert confused_examples(labels, predicted, 4, 9, n=2).tolist() == [0, 3]


def test_strongest_units_rank_by_weight_norm_or_change():
    W = np.zeros((784, 5))
    W[:, 3], W[:, 1] = 2.0, 1.0
    assert strongest_units(W, 2) == [3, 1]
    assert strongest_units(W, 2, subtract=W) == [0, 1]        # nothing changed: index order

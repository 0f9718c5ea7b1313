"""lib/rules/race.py: the naive-vs-NumPy race reports both sides and whether they agree."""
import numpy as np
import pytest

from lib.rules.race import RaceResult, race, random_operands


def test_race_times_both_sides_and_compares_their_results():
    x = np.arange(12.0).reshape(3, 4)
    calls = []
    result = race(lambda a: a * 2, lambda a: a + a, (x,), repeats=10,
                  progress=lambda f, label: calls.append((f, label)))
    assert result.repeats == 10 and result.results_equal
    assert result.naive_seconds > 0 and result.numpy_seconds > 0
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] == pytest.approx(1)
    assert calls[0][1].startswith("naive loops") and calls[-1][1].startswith("NumPy")


def test_a_disagreement_is_reported():
    result = race(lambda a: a, lambda a: a + 1, (np.zeros(3),), repeats=1)
    assert not result.results_equal


def test_speedup_never_divides_by_zero():
    assert RaceResult(1.0, 0.0, 1, True).speedup == pytest.approx(1e9)


def test_at_least_one_repeat():
    with pytest.raises(ValueError):
        race(lambda: 0, lambda: 0, (), repeats=0)


def test_random_operands_are_the_books_random_arrays_from_one_seeded_generator():
    x, y = random_operands((3, 4), (4,), seed=5)
    rng = np.random.default_rng(5)                   # drawn in order from one generator
    assert np.array_equal(x, rng.random((3, 4))) and np.array_equal(y, rng.random((4,)))
    assert x.dtype == np.float64 and 0 <= x.min() and x.max() < 1
    again = random_operands((3, 4), (4,), seed=5)
    assert all(np.array_equal(a, b) for a, b in zip((x, y), again))      # the same every run
    assert not np.array_equal(random_operands((3, 4), seed=6)[0], x)
    assert random_operands() == ()

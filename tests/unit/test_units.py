"""lib/core/units.py: one way to write sizes, decimal units (1 kB = 1,000 bytes)."""
import pytest
from hypothesis import given, strategies as st

from lib.core.units import format_bytes


@pytest.mark.parametrize("n, text", [
    (0, "0 bytes"), (512, "512 bytes"), (999, "999 bytes"), (1000, "1 kB"), (2560, "2.56 kB"),
    (40_000, "40 kB"), (8 * 64 * 3 * 32 * 10, "492 kB"), (999_500, "1 MB"),
    (60_000 * 28 * 28, "47 MB"), (1000 * 30 * 64 * 64 * 3 * 4, "1.47 GB")])
def test_sizes_read_in_decimal_units(n, text):
    assert format_bytes(n) == text


@given(st.integers(min_value=0, max_value=10**16))
def test_three_significant_digits_that_round_back_to_the_count(n):
    number, unit = format_bytes(n).split(" ")
    scale = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
    assert abs(float(number.replace(",", "")) * scale - n) <= max(0.5, 0.005 * n)

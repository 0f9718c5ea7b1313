"""The shape-text parser: what students may type, and clear refusals for the rest."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from lib.rules.shapes import MAX_SHAPE_TEXT, format_shape, parse_shape


@pytest.mark.parametrize("text, shape", [
    ("(32, 10)", (32, 10)),
    ("32,10", (32, 10)),
    ("[64, 3, 32, 10]", (64, 3, 32, 10)),
    ("(10,)", (10,)),
    ("10", (10,)),
    ("  ( 3 , 1 )  ", (3, 1)),
    ("()", ()),
    ("", ()),
    ("(0, 5)", (0, 5)),
])
def test_accepts_the_usual_spellings(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text, words", [
    ("(-3, 4)", "negative"),
    ("(3.5, 4)", "whole number"),
    ("(3, x)", "whole number"),
    ("(3, 4", "not closed"),
    ("(3,,4)", "empty"),
    ("(1e3, 2)", "whole number"),
    ("(True, 2)", "whole number"),
    ("(__import__('os'),)", "whole number"),
    ("(2**40,)", "whole number"),
    ("(10000000, 10000000)", "elements"),
    ("(" + "1, " * 20 + ")", "rank"),
    ("9" * 30, "too large"),
    ("(" + " " * (MAX_SHAPE_TEXT + 5) + ")", "too long"),
])
def test_refuses_with_a_clear_message(text, words):
    with pytest.raises(ValueError, match=words):
        parse_shape(text)


def test_refuses_non_text():
    with pytest.raises(ValueError):
        parse_shape(None)  # type: ignore[arg-type]


def test_minus_one_only_when_asked():
    with pytest.raises(ValueError, match="negative"):
        parse_shape("(-1, 4)")
    assert parse_shape("(-1, 4)", allow_minus_one=True) == (-1, 4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=6).map(tuple))
def test_format_then_parse_round_trips(shape):
    assert parse_shape(format_shape(shape)) == shape


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_shape_or_a_value_error(text):
    try:
        shape = parse_shape(text)
    except ValueError as error:
        assert str(error)
    else:
        assert all(isinstance(d, int) and d >= 0 for d in shape)

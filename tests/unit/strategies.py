"""Hypothesis strategies shared by the shape tests: shapes with many 1s and 0-6 sizes."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

# Sizes 0-6 with many 1s, so that most pairs are compatible and the edge cases show up.
sizes = st.one_of(st.just(1), st.just(1), st.integers(0, 6))
shapes = st.lists(sizes, min_size=0, max_size=5).map(tuple)     # the page allows rank <= 5


def compatible_pair():
    """A shape and a second one derived from it: drop leading axes, set some axes to 1."""
    @st.composite
    def build(draw):
        a = draw(shapes)
        keep = draw(st.integers(0, len(a)))
        b = list(a[len(a) - keep:])
        for i in range(len(b)):
            if draw(st.booleans()):
                b[i] = 1
        if draw(st.booleans()):
            a, b = tuple(b), a
        return tuple(a), tuple(b)
    return build()


def clashing_pair():
    """Two shapes that disagree on one axis or more (neither size 1), sizes 0 included."""
    @st.composite
    def build(draw):
        a = draw(st.lists(sizes, min_size=1, max_size=5).map(tuple))
        b = list(a[len(a) - draw(st.integers(1, len(a))):])
        for i in draw(st.lists(st.integers(0, len(b) - 1), min_size=1, unique=True)):
            if b[i] != 1:
                b[i] = draw(st.sampled_from([s for s in range(7) if s not in (1, b[i])]))
        if draw(st.booleans()):
            a, b = tuple(b), a
        return tuple(a), tuple(b)
    return build()


def numpy_broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None

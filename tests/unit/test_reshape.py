"""lib/rules/reshape.py: the Reshape page's code says what NumPy really does (NumPy as the oracle:
each panel is run and its comments checked against the arrays it makes)."""
from __future__ import annotations

import ast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.rules.reshape import NOTEBOOK_EXAMPLES, reshape_code, transpose_code, transposed_reading
from lib.rules.shapes import format_shape

SETTINGS = settings(max_examples=100, deadline=None)


def run(code: str) -> dict:
    namespace = {"np": np}
    exec(code, namespace)                          # our own generated code, not user input
    return namespace


def checked_statements(code: str) -> int:
    """Run the code statement by statement; where a statement's last line ends in a comment
    `# (shape)` or `# (shape): values`, check it against x (after an assignment) or against
    the expression's value. Returns how many comments were checked."""
    namespace, lines, checked = {"np": np}, code.splitlines(), 0
    for node in ast.parse(code).body:
        source = ast.get_source_segment(code, node)
        comment = lines[node.end_lineno - 1].partition("#")[2].strip()
        if isinstance(node, ast.Expr):
            value = eval(source, namespace)                 # our own code text, not user input
        else:
            exec(source, namespace)                         # our own code text, not user input
            value = namespace["x"].shape
        if not comment:
            continue
        shape_text, _, values = comment.partition(": ")
        assert format_shape(tuple(value)) == shape_text, source
        if values:
            assert namespace["x"].tolist() == ast.literal_eval(values), source
        checked += 1
    return checked


def test_the_notebook_examples_say_what_numpy_does():
    assert [checked_statements(code) for code, _ in NOTEBOOK_EXAMPLES] == [3, 2]
    assert all(caption for _, caption in NOTEBOOK_EXAMPLES)
    assert NOTEBOOK_EXAMPLES[1][0].endswith("# (20, 300)")


@pytest.mark.parametrize("src, target, new", [((3, 2), (6, 1), (6, 1)),
                                              ((2, 3, 4), (4, -1), (4, 6)),
                                              ((24,), (2, 3, 4), (2, 3, 4))])
def test_reshape_code_prints_what_numpy_prints(src, target, new):
    code = reshape_code(src, target)
    lines = code.splitlines()
    assert lines[0] == f"x = np.arange({int(np.prod(src))}).reshape({format_shape(src)})"
    assert lines[1] == f"y = x.reshape({format_shape(target)})   # {format_shape(new)}"
    assert lines[2] == "print(y)"
    y = run("\n".join(lines[:2]))["y"]
    assert y.shape == new
    printed = np.array2string(y, separator=", ").splitlines()
    assert lines[3:] == ["# " + line for line in printed]


def test_reshape_code_of_the_book():
    assert reshape_code((3, 2), (6, 1)) == ("x = np.arange(6).reshape((3, 2))\n"
                                            "y = x.reshape((6, 1))   # (6, 1)\n"
                                            "print(y)\n"
                                            "# [[0],\n#  [1],\n#  [2],\n#  [3],\n#  [4],\n#  [5]]")


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 12))
def test_transposed_reading_is_x_T_in_memory_order(rows, cols, limit):
    x = np.arange(rows * cols).reshape(rows, cols)
    text = transposed_reading(rows, cols, limit)
    numbers = [int(t) for t in text.removesuffix(", …").split(", ")]
    assert numbers == x.T.reshape(-1)[:limit].tolist()
    assert text.endswith(", …") == (rows * cols > limit)


def test_transposed_reading_of_a_2_by_3():
    assert transposed_reading(2, 3) == "0, 3, 1, 4, 2, 5"
    assert transposed_reading(3, 4) == "0, 4, 8, 1, 5, 9, 2, 6, …"


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6))
def test_transpose_code_comments_are_true(rows, cols):
    code = transpose_code(rows, cols)
    x = run(code.splitlines()[0])["x"]
    said = dict(line.split("#", 1) for line in code.splitlines()[1:])
    said = {k.strip(): v.strip() for k, v in said.items()}
    assert said["x.T.shape"] == format_shape(x.T.shape)
    assert said["x.reshape(-1)"] == str(x.reshape(-1).tolist())
    assert said["x.T.reshape(-1)"] == str(x.T.reshape(-1).tolist())

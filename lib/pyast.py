"""Python's parser behind one lock: every `ast.parse` in the app goes through `parse`.

CPython 3.11 keeps the parser's recursion-depth bookkeeping in state shared by all
threads, so two students' script runs parsing at the same moment (an index typed on the
Slicing page, a shape, the source shown on a training page) can fail with
"SystemError: AST constructor recursion depth mismatch" (seen with 30 simulated students
in bench/classroom.py). The texts we parse are short (at most a few hundred characters of
user input, or one source file, cached), so a lock costs nothing noticeable.
"""
from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str, mode: str = "exec") -> ast.AST:
    """ast.parse(source, mode=mode), one thread at a time."""
    with _LOCK:
        return ast.parse(source, mode=mode)

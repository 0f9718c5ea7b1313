"""Python's parser behind one lock: every `ast.parse` in the app goes through `parse`.

CPython 3.11 keeps the parser's recursion-depth bookkeeping in state shared by all
threads, so two students' script runs parsing at the same moment (an index typed on the
Slicing page, a shape, the source shown on a training page) can fail with
"SystemError: AST constructor recursion depth mismatch" (seen with 30 simulated students
in bench/classroom.py). The texts we parse are short (at most a few hundred characters of
user input, or one source file, cached), so a lock costs nothing noticeable.

The lock covers our parses only. Other parsers that would run beside pages are switched
off where we can: TensorFlow's autograph (220 parses at the first trace of the compiled
engine, in the server's warm-up thread; `autograph=False` in lib/train/naive.py) and
Streamlit's magic (`runner.magicEnabled = false` in .streamlit/config.toml). What is left
(imports in the warm-up thread, a library's inspect.signature) can still collide with one
of ours (a fresh-clone test run did): that SystemError only means the race happened, so
`parse` parses again, a few times at most.
"""
from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


RACE = "AST constructor recursion depth mismatch"


def parse(source: str, mode: str = "exec", attempts: int = 4) -> ast.AST:
    """ast.parse(source, mode=mode), one thread at a time; again if another thread's
    parse made CPython's bookkeeping lose count."""
    with _LOCK:
        for attempt in range(attempts):
            try:
                return ast.parse(source, mode=mode)
            except SystemError as exc:
                if RACE not in str(exc) or attempt == attempts - 1:
                    raise

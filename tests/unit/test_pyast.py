"""lib/core/pyast.py: every parse in the app goes through the one lock."""
import ast
import re
import threading
from pathlib import Path

import pytest

from lib.core import pyast

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_calls_ast_parse_directly():
    """CPython 3.11's parser is not safe across threads (two students' runs parsing at once
    raised SystemError in bench/classroom.py); only lib/core/pyast.py may call it."""
    offenders = [str(p.relative_to(ROOT)) for p in [*ROOT.glob("lib/**/*.py"),
                                                     *ROOT.glob("pages/*.py")]
                 if p.name != "pyast.py" and re.search(r"\bast\.parse\(", p.read_text())]
    assert offenders == []


def test_parse_gives_what_ast_parse_gives_from_many_threads():
    text = "x[" + "(" * 10 + "1" + ")" * 10 + ", 7:-7, ::2]"
    expected = ast.dump(ast.parse(text, mode="eval"))
    results, errors = [], []

    def work():
        try:
            for _ in range(200):
                results.append(ast.dump(pyast.parse(text, mode="eval")))
        except Exception as exc:        # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 800 and set(results) == {expected}



def test_the_other_threads_race_is_parsed_again(monkeypatch):
    """A parse outside our lock (an import in the warm-up thread, a library's
    inspect.signature) can still collide with ours: that one SystemError means "parse
    again", any other error is raised as it is."""
    import ast

    from lib.core import pyast

    real, failures = ast.parse, [2]

    def racy(*args, **kwargs):
        if failures[0]:
            failures[0] -= 1
            raise SystemError("AST constructor recursion depth mismatch (before=57, after=75)")
        return real(*args, **kwargs)

    monkeypatch.setattr(ast, "parse", racy)
    assert ast.dump(pyast.parse("x[1:2]", mode="eval")) == ast.dump(real("x[1:2]", mode="eval"))
    assert failures == [0]
    monkeypatch.setattr(ast, "parse", lambda *a, **k: (_ for _ in ()).throw(SystemError("other")))
    with pytest.raises(SystemError, match="other"):
        pyast.parse("x")

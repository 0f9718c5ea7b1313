"""Show the code that runs: the source text of definitions, read from their files.

One way for every page: `source(naive_relu)` for something already imported, or
`source("lib.train.naive:NaiveDense")` by name, which reads the file without importing it
(so showing lib/train/naive.py does not import TensorFlow). What a page shows is the text of
the very definition that runs.
"""
from __future__ import annotations

import ast
import functools
import importlib.util
import textwrap
from typing import Any

from lib.core import pyast


def source(*items: Any) -> str:
    """The source of each item, blank-line separated. An item is a function or class, or
    "module:Name" / "module:Class.method"."""
    return "\n\n".join(_source_of(_entry(item)) for item in items)


def _entry(item: Any) -> str:
    if isinstance(item, str):
        return item
    module, qualname = getattr(item, "__module__", None), getattr(item, "__qualname__", None)
    if not module or not qualname or "<locals>" in qualname:
        raise ValueError(f"cannot find the source of {item!r}")
    return f"{module}:{qualname}"


@functools.lru_cache(maxsize=512)
def _source_of(entry: str) -> str:
    module, _, qualname = entry.partition(":")
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"no module {module!r}")
    text = open(spec.origin, encoding="utf-8").read()
    nodes, node = pyast.parse(text).body, None
    for name in qualname.split("."):
        node = next((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                     and n.name == name), None)
        if node is None:
            raise ValueError(f"no {qualname!r} in {module}")
        nodes = node.body
    return textwrap.dedent(ast.get_source_segment(text, node, padded=True))

"""lib/core/source.py: pages show the text of the definitions that run."""
import inspect
import subprocess
import sys

import pytest

from lib.rules import elementwise
from lib.core.source import source


def getsource(fn) -> str:
    return inspect.getsource(fn).rstrip("\n")


def test_objects_and_names_give_the_same_text_as_inspect():
    assert source(elementwise.naive_relu) == getsource(elementwise.naive_relu)
    assert source("lib.rules.elementwise:naive_add") == getsource(elementwise.naive_add)
    both = source(elementwise.naive_relu, "lib.rules.elementwise:naive_add")
    assert both == getsource(elementwise.naive_relu) + "\n\n" + getsource(elementwise.naive_add)


def test_methods_are_dedented():
    text = source("lib.train.trainer:Trainer.events")
    assert text.startswith("def events(self)")


def test_reading_by_name_imports_nothing():
    code = ("import sys; from lib.core.source import source; "
            "source('lib.train.naive:NaiveDense'); print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("bad", ["lib.nothing_here:f", "lib.rules.elementwise:not_a_function",
                                 lambda x: x])
def test_unknown_things_are_a_clear_error(bad):
    with pytest.raises(ValueError):
        source(bad)

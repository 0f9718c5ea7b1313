"""The Streamlit internals lib/ui/internals.py leans on, checked so that an upgrade that changes
them fails here, loudly, instead of silently making the class server slow again."""
from __future__ import annotations

import sys
import types

import pytest

from streamlit.runtime.scriptrunner import script_runner


class FakeKeras(types.ModuleType):
    """A stand-in `keras` module that counts clear_session() calls."""

    def __init__(self):
        super().__init__("keras")
        self.cleared = 0
        self.backend = types.SimpleNamespace(clear_session=self._clear)

    def _clear(self):
        self.cleared += 1


@pytest.fixture
def fake_keras(monkeypatch):
    fake = FakeKeras()
    monkeypatch.setitem(sys.modules, "keras", fake)
    return fake


def original_clean():
    clean = script_runner._clean_problem_modules
    return getattr(clean, "replaced", clean)


def test_streamlit_still_clears_the_keras_session_after_every_run(fake_keras):
    """What the guard exists for: Streamlit's post-run cleanup calls
    keras.backend.clear_session(), and ScriptRunner looks the function up by its
    module-level name on every run (so replacing that name takes effect)."""
    original_clean()()
    assert fake_keras.cleared == 1, "Streamlit no longer clears Keras: drop the guard in lib/ui/internals.py"
    assert "_clean_problem_modules" in script_runner.ScriptRunner._run_script.__code__.co_names, (
        "ScriptRunner no longer calls _clean_problem_modules: revisit lib/ui/internals.py's guard")


def test_the_guard_keeps_keras_state_and_still_closes_pyplot(fake_keras, monkeypatch):
    from lib.ui.internals import keep_keras_state_between_runs

    assert keep_keras_state_between_runs() is True
    assert keep_keras_state_between_runs() is True               # idempotent
    closed = []
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot",
                        types.SimpleNamespace(close=lambda which: closed.append(which)))
    script_runner._clean_problem_modules()
    assert fake_keras.cleared == 0
    assert closed == ["all"]


def test_the_guard_degrades_to_nothing_when_the_internal_is_gone(monkeypatch):
    from lib.ui.internals import keep_keras_state_between_runs

    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    assert keep_keras_state_between_runs() is False              # no exception, no workaround

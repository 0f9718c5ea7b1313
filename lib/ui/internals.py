"""The one place where Tensor Lab reaches into Streamlit's internals.

Each workaround here is a named function, called explicitly (never at import), that
degrades to "no workaround" when the internals it needs are gone or changed, and is
checked by tests/unit/ui/test_internals.py, which fails loudly on a Streamlit upgrade
that changes them.
"""
from __future__ import annotations

import sys


def keep_keras_state_between_runs() -> bool:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    After each run, every fragment tick included, Streamlit's script runner calls its
    private `_clean_problem_modules()`, which clears Keras's session when `keras` is
    imported. On a server shared by a class that is wrong twice over: it resets Keras's
    global state (layer name counters, the seed generator, scopes) while other students'
    models are mid-training in other threads, and it clears TensorFlow's kernel cache and
    runs a full garbage collection (~12 ms idle, far more with models alive), with the
    interpreter lock held, up to 2.5 times a second per student. No Keras object of ours
    needs it: every model lives in its own session's state and is freed with it.

    Streamlit offers no setting for this, so this one function replaces that private
    function with a copy that keeps its other duty (closing pyplot figures). Returns True
    when the replacement is in place. If a Streamlit upgrade renames or changes it, this
    does nothing and returns False (the app still works, only slower);
    tests/unit/ui/test_internals.py fails loudly in that case.
    """

    try:
        from streamlit.runtime.scriptrunner import script_runner
        original = script_runner._clean_problem_modules
    except (ImportError, AttributeError):
        return False
    if getattr(original, "keeps_keras_state", False):
        return True
    if not callable(original):
        return False

    def _clean_problem_modules() -> None:
        if "matplotlib.pyplot" in sys.modules:
            try:
                sys.modules["matplotlib.pyplot"].close("all")
            except Exception:  # as Streamlit's own version: never fail a run over this
                pass

    _clean_problem_modules.keeps_keras_state = True
    _clean_problem_modules.replaced = original
    script_runner._clean_problem_modules = _clean_problem_modules
    return True


def in_fragment() -> bool | None:
    """True while a fragment's function runs (its first call in a full run, or its own
    rerun), False in the page's own script; None when Streamlit's internals no longer say
    (the caller then assumes the worst). Streamlit has no public way to ask: its private
    per-thread state holds the running fragment's id."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
        return ThreadState.get().fragment_id is not None
    except (ImportError, AttributeError, LookupError, RuntimeError):    # RuntimeError: no
        return None                                     # script run on this thread


def keep_a_runs_last_messages() -> bool:
    """Let a run's last messages reach the browser when a fragment's tick comes right after it.

    In Streamlit 1.67 a run that ends marks its script runner stopped while its last messages
    may still wait on the session's event loop. A fragment's tick handled in that gap (a
    class's card ticks every 2 s) is refused by the stopped runner, so `AppSession` makes a new
    one at once, and the old run's waiting messages are then dropped as coming from a
    "non-current ScriptRunner". Seen in a class: a student's run ended with a full rerun whose
    end never arrived, and their page said "running" with Start disabled for good (4 of 30).

    This replaces `AppSession._create_scriptrunner` with one that, for a fragment's rerun
    refused by a runner that still exists, makes the new runner one turn of the event loop
    later, after the messages the old runner had already posted. Returns True when in place;
    False (and nothing changed) if the internals are gone; tests/unit/ui/test_internals.py
    fails loudly when an upgrade changes them or fixes the race itself.
    """
    try:
        from streamlit.runtime.app_session import AppSession, AppSessionState
        original = AppSession._create_scriptrunner
        shutting_down = AppSessionState.SHUTDOWN_REQUESTED
    except (ImportError, AttributeError):
        return False
    if getattr(original, "keeps_last_messages", False):
        return True

    def _create_scriptrunner(self, initial_rerun_data) -> None:
        old = getattr(self, "_scriptrunner", None)
        loop = getattr(self, "_event_loop", None)
        if old is None or loop is None or not getattr(initial_rerun_data, "fragment_id", None):
            return original(self, initial_rerun_data)

        def later() -> None:
            if getattr(self, "_state", None) == shutting_down:
                return
            current = getattr(self, "_scriptrunner", None)
            if current is not None and current is not old \
                    and current.request_rerun(initial_rerun_data):
                return                          # a runner made meanwhile takes the tick
            original(self, initial_rerun_data)

        loop.call_soon(later)

    _create_scriptrunner.keeps_last_messages = True
    _create_scriptrunner.replaced = original
    AppSession._create_scriptrunner = _create_scriptrunner
    return True

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


# ------------------------------------------------ a run's last messages and a fragment's tick

def _session_with_a_stopped_runner():
    """A real AppSession (its own code, built without a server): its runner's run is over
    (the runner refuses reruns: ScriptRequests in STOP) and a fragment exists in it."""
    import asyncio
    from unittest import mock

    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession, AppSessionState
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

    session = object.__new__(AppSession)
    session._event_loop = asyncio.get_running_loop()
    session._browser_queue = ForwardMsgQueue()
    session._message_enqueued_callback = None
    session._state = AppSessionState.APP_IS_RUNNING
    session._client_state = ClientState()
    session._debug_last_backmsg_id = None
    session.id = "test"
    session.shutdown = lambda *a, **k: None
    session.has_fragment = lambda fragment_id: True
    old = mock.Mock(name="old runner")
    old.request_rerun.return_value = False
    session._scriptrunner = old
    made = []

    def make_runner(self, rerun_data):      # stands in for building a real ScriptRunner
        made.append(rerun_data)
        self._scriptrunner = mock.Mock(name="new runner")

    return session, old, made, make_runner


async def _last_message_after_a_tick(patched: bool) -> tuple[int, int]:
    """The old run's last delta was posted to the event loop (as its script thread does) just
    before a fragment's tick is handled: does it reach the browser's queue?"""
    import asyncio

    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    from lib.ui import internals

    session, old, made, make_runner = _session_with_a_stopped_runner()
    saved = AppSession._create_scriptrunner
    AppSession._create_scriptrunner = make_runner
    try:
        if patched:
            assert internals.keep_a_runs_last_messages()
        last = ForwardMsg()
        last.delta.new_element.markdown.body = "run marker: done"
        last.metadata.delta_path[:] = [0, 9]
        loop = asyncio.get_running_loop()
        loop.call_soon(lambda: session._handle_scriptrunner_event_on_event_loop(
            old, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG, forward_msg=last))
        session.request_rerun(ClientState(fragment_id="card", is_auto_rerun=True))
        for _ in range(3):
            await asyncio.sleep(0)
        return len(session._browser_queue._queue), len(made)
    finally:
        AppSession._create_scriptrunner = saved


def _in_a_fresh_thread(patched: bool) -> tuple[int, int]:
    """asyncio.run in a thread of its own: the test's thread may hold another test's loop."""
    import asyncio
    import threading

    out = {}

    def run() -> None:
        try:
            out["result"] = asyncio.run(_last_message_after_a_tick(patched))
        except BaseException as exc:        # re-raised in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out["result"]


def test_a_runs_last_message_survives_a_fragments_tick_with_the_workaround():
    assert _in_a_fresh_thread(patched=True) == (1, 1)


def test_streamlit_still_drops_a_runs_last_message_when_a_tick_comes_first():
    """What the workaround exists for. If this fails after an upgrade, Streamlit fixed the
    race (or changed AppSession): check, then drop keep_a_runs_last_messages."""
    assert _in_a_fresh_thread(patched=False) == (0, 1)

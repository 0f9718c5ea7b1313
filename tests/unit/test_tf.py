"""lib/core/tf.py, the one owner of TensorFlow and Keras: it hands them out only once the
warm-up is over, runs the warm-up once, says clearly when it failed, and (in a real server
process) freezes the training stack out of the collector's reach and makes the exit wait.

The owner's rules are checked on a `WarmUp` with stand-ins for the import and the warm-up
steps (events decide when each step ends: no sleeps, no clocks); the real thing runs in a
fresh interpreter, as a server would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path

import pytest

from lib.core.tf import THREAD_NAME, PeekGuard, TensorFlowUnavailable, WarmUp
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
FAKE_TF, FAKE_KERAS = types.ModuleType("tensorflow"), types.ModuleType("keras")
LONG = 60.0              # a bound on waits that should end much sooner (a bug would hang)


class Steps:
    """Stand-ins that record what ran, in order; `hold` keeps the warm-up step running."""

    def __init__(self, fail_import: Exception | None = None, fail_warm: Exception | None = None):
        self.log: list[str] = []
        self.hold = threading.Event()
        self.hold.set()
        self.fail_import, self.fail_warm = fail_import, fail_warm
        self.owner: WarmUp | None = None

    def import_modules(self):
        self.log.append("import")
        if self.fail_import:
            raise self.fail_import
        return FAKE_TF, FAKE_KERAS

    def warm(self):
        self.log.append("warm: start")
        assert self.owner.modules(timeout=LONG)[1] is FAKE_KERAS   # its own thread: no wait
        assert self.hold.wait(LONG)
        if self.fail_warm:
            raise self.fail_warm
        self.log.append("warm: end")

    def make(self) -> WarmUp:
        self.owner = WarmUp(self.import_modules)
        return self.owner

    def start(self) -> threading.Thread:
        return self.owner.start(self.warm, freeze=False)


def in_thread(fn):
    """Run fn in a thread; returns (thread, result dict with 'value' or 'error')."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:           # noqa: BLE001  (the test looks at it)
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_keras_waits_until_the_warm_up_is_over():
    steps = Steps()
    steps.hold.clear()                         # the warm-up step runs until we say
    owner = steps.make()
    warm_up = steps.start()
    asker, out = in_thread(lambda: (owner.modules(timeout=LONG)[1], steps.log.append("handed out")))
    asker.join(0.5)
    assert asker.is_alive() and "value" not in out      # still waiting: the warm-up is not over
    assert not owner.ready()
    steps.hold.set()
    asker.join(LONG)
    warm_up.join(LONG)
    assert out["value"][0] is FAKE_KERAS
    assert steps.log == ["import", "warm: start", "warm: end", "handed out"]
    assert owner.ready() and owner.report.error == ""


def test_the_warm_up_runs_once_however_many_start_it():
    steps = Steps()
    owner = steps.make()
    threads = [in_thread(steps.start)[::-1] for _ in range(8)]
    started = set()
    for out, thread in threads:
        thread.join(LONG)
        started.add(out["value"])
    assert len(started) == 1 and next(iter(started)).name == THREAD_NAME
    assert steps.start() in started
    owner.modules(timeout=LONG)
    assert steps.log == ["import", "warm: start", "warm: end"]


def test_the_warm_up_waits_first_and_a_caller_meanwhile_is_told_not_ready():
    """The server's wait for a quiet moment (lib/core/server.py) comes before the import; a
    page that asks meanwhile is not ready (it says "getting ready"); a failing wait does
    not stop the warm-up."""
    steps = Steps()
    owner = steps.make()
    release = threading.Event()

    def wait():
        steps.log.append("wait")
        assert release.wait(LONG)
        raise RuntimeError("could not read the threads' CPU")

    thread = owner.start(steps.warm, freeze=False, wait=wait)
    assert not owner.ready()
    release.set()
    thread.join(LONG)
    assert steps.log == ["wait", "import", "warm: start", "warm: end"]
    assert owner.ready() and owner.report.error == ""


def test_a_failed_import_is_reported_with_its_cause_not_a_hang():
    steps = Steps(fail_import=ImportError("No module named 'tensorflow'"))
    owner = steps.make()
    steps.start()
    asker, out = in_thread(lambda: owner.modules(timeout=LONG))
    asker.join(LONG)
    assert not asker.is_alive()
    error = out["error"]
    assert isinstance(error, TensorFlowUnavailable)
    assert "could not be imported" in str(error) and "No module named 'tensorflow'" in str(error)
    assert isinstance(error.__cause__, ImportError)
    assert "No module named 'tensorflow'" in owner.report.error
    with pytest.raises(TensorFlowUnavailable):         # and again: never a half-way retry
        owner.modules(timeout=LONG)
    assert steps.log == ["import"]
    assert not owner.ready()


def test_a_failed_warm_up_step_is_reported_and_the_modules_still_come():
    steps = Steps(fail_warm=RuntimeError("the compiled step broke"))
    owner = steps.make()
    steps.start().join(LONG)
    assert owner.report.error == "RuntimeError: the compiled step broke"
    assert owner.modules(timeout=LONG) == (FAKE_TF, FAKE_KERAS)


def test_a_warm_up_that_does_not_end_in_time_is_an_error_not_a_hang():
    steps = Steps()
    steps.hold.clear()
    owner = steps.make()
    steps.start()
    try:
        with pytest.raises(TensorFlowUnavailable, match="still running"):
            owner.modules(timeout=0.2)
    finally:
        steps.hold.set()


def test_with_no_warm_up_the_first_callers_import_once_between_them():
    steps = Steps()
    owner = steps.make()
    askers = [in_thread(lambda: owner.modules(timeout=LONG)) for _ in range(8)]
    for thread, out in askers:
        thread.join(LONG)
        assert out["value"] == (FAKE_TF, FAKE_KERAS)
    assert steps.log == ["import"] and owner.ready()


REAL_WARM_UP = textwrap.dedent("""
    import gc, json, sys
    sys.path.insert(0, ".")
    import numpy as np
    from lib.core import tf as owner
    from lib.train import warm
    owner.start_warm_up(warm.training_stack).join()
    report = owner.report()
    from lib.train import config, engines
    before = len(gc.get_objects())
    images, labels = np.zeros((4, 784), np.float32), np.zeros(4, np.int32)
    engine = engines.ENGINES["compiled"].build(config.TrainConfig(), config.initial_weights(1))
    engine.train_step(images, labels)
    print(json.dumps(dict(error=report.error, frozen=report.frozen, tracked=report.tracked_after,
                          one_session=len(gc.get_objects()) - before, ready=owner.ready())))
""")

EXIT_AT_ONCE = textwrap.dedent("""
    import atexit, sys
    sys.path.insert(0, ".")
    # The router's way (lib/train/warm.start_housekeeping: the warm-up in a daemon thread), then
    # exit at once: the exit waits for the warm-up (this handler, registered first, runs last).
    threads, calls = [], []
    atexit.register(lambda: print("warm-up alive at exit:", threads[0].is_alive(), calls))
    from lib.core.server import JANITOR
    from lib.train.warm import start_housekeeping
    threads.append(start_housekeeping(lambda: calls.append("keep keras state")))
    calls.append("warm-up " + ("started" if threads[0].is_alive() else "over"))
""")


QUICK_START_AT_ONCE = textwrap.dedent("""
    import json, math, sys
    sys.path.insert(0, ".")
    import numpy as np
    from lib.core import tf as owner
    from lib.train import quickstart, warm
    owner.start_warm_up(warm.training_stack)   # the router's warm-up: TensorFlow's import...
    model = quickstart.build_model(0)          # ...and a student presses Start at once
    out = model.train_on_batch(np.zeros((2, 784), np.float32), np.zeros(2, np.int32),
                               return_dict=True)
    print(json.dumps(dict(loss=out["loss"], ln10=math.log(10), ready=owner.ready(),
                          error=owner.report().error)))
""")


def run_python(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()


def test_after_warm_up_a_full_collection_visits_only_what_sessions_create():
    """A server process after start-up: TensorFlow, Keras and the training modules (~400,000
    objects) are frozen, and a student's first compiled step creates only its own objects
    (~800), not TensorFlow's lazily imported modules (~5,600 without the warm-up)."""
    result = json.loads(run_python(REAL_WARM_UP)[-1])
    assert result["error"] == "" and result["ready"]
    assert result["frozen"] > 300_000
    assert result["tracked"] < 1_000
    assert result["one_session"] < 2_500


def test_exit_waits_for_the_warm_up():
    """A daemon thread still inside TensorFlow's C++ at interpreter exit aborted the process
    (exit 134 in 2 of 4 runs of one AppTest file): the exit joins the warm-up first."""
    *_, at_exit = run_python(EXIT_AT_ONCE)
    assert at_exit == "warm-up alive at exit: False ['keep keras state', 'warm-up started']"


def test_the_quick_start_at_once_beside_the_warm_up_trains_a_batch():
    """build_model and one batch in the main thread while the warm-up imports TensorFlow in
    its own: with build_model importing keras itself (as it used to), the two imports meet
    half-way and both break (_DeadlockError in one thread, "has no attribute 'DatasetV2'" in
    the other). Through the owner the student's thread waits, then trains."""
    result = json.loads(run_python(QUICK_START_AT_ONCE)[-1])
    assert result["error"] == "" and result["ready"]
    assert abs(result["loss"] - result["ln10"]) < 1e-4      # zero images: uniform softmax


# --- What Plotly peeks at: imported by the warm-up alone, never half-way under a figure ---

class Peeked:
    """A stand-in for the warm-up's import of pandas and PIL that records what it imported."""

    def __init__(self, guard: PeekGuard, log: list[str]):
        self.guard, self.log = guard, log

    def import_module(self, name: str):
        self.log.append(f"import {name}: start")
        self.log.append(f"import {name}: end")

    def __call__(self) -> None:
        self.guard.importing(("pandas",), import_module=self.import_module)


def test_the_warm_up_imports_what_plotly_peeks_at_only_while_no_run_draws():
    """A page run holding its share keeps the import waiting; a run that starts while the
    import waits goes after it (the import is never starved); a fragment inside the first
    run is not held up (reentrant); the import begins once the first run is over."""
    guard, steps = PeekGuard(), Steps()
    peeked = Peeked(guard, steps.log)
    owner = steps.owner = WarmUp(steps.import_modules, guard=guard, import_peeked=peeked)
    in_page, leave_page, nested_done = threading.Event(), threading.Event(), threading.Event()

    def page_run():
        with guard.reading():
            in_page.set()
            assert leave_page.wait(LONG)
            with guard.reading():              # a fragment drawn inside its page's run
                nested_done.set()
            steps.log.append("page run: end")

    first, _ = in_thread(page_run)
    assert in_page.wait(LONG)
    warm_up = owner.start(steps.warm, freeze=False)
    assert wait_until(lambda: guard.state() == (1, True), LONG, every=0.01)  # waits for the run
    assert "import pandas: start" not in steps.log

    def later_run():
        with guard.reading():
            steps.log.append("later run: in")

    later, _ = in_thread(later_run)
    leave_page.set()
    first.join(LONG)
    assert nested_done.is_set()
    later.join(LONG)
    warm_up.join(LONG)
    log = steps.log
    assert log[:3] == ["page run: end", "import pandas: start", "import pandas: end"]
    assert log.index("later run: in") > log.index("import pandas: end")
    assert [e for e in log[3:] if e != "later run: in"] == ["import", "warm: start", "warm: end"]
    assert guard.state() == (0, False) and owner.ready()


def test_a_run_waiting_for_keras_steps_out_so_the_warm_up_can_import():
    """A run that asks for Keras while the warm-up's import of pandas waits for runs to end
    would wait for the warm-up that waits for it: it gives its share back while it waits and
    takes it again before it goes on."""
    guard, steps = PeekGuard(), Steps()
    peeked = Peeked(guard, steps.log)
    owner = steps.owner = WarmUp(steps.import_modules, guard=guard, import_peeked=peeked)
    inside, asked = threading.Event(), threading.Event()
    release_wait = threading.Event()
    warm_up = owner.start(steps.warm, freeze=False, wait=lambda: release_wait.wait(LONG))

    def run():
        with guard.reading():
            inside.set()
            asked.set()
            modules = owner.modules(timeout=LONG)
            return modules, guard.state()

    asker, out = in_thread(run)
    assert asked.wait(LONG)
    release_wait.set()                         # the warm-up now wants the import, alone
    asker.join(LONG)
    warm_up.join(LONG)
    assert "error" not in out, out.get("error")
    modules, state_after = out["value"]
    assert modules[1] is FAKE_KERAS
    assert state_after == (1, False)           # the run has its share again
    assert steps.log[:2] == ["import pandas: start", "import pandas: end"]
    assert guard.state() == (0, False)


def test_with_no_warm_up_runs_never_wait():
    guard = PeekGuard()
    with guard.reading():
        with guard.released():
            assert guard.state() == (0, False)
        assert guard.state() == (1, False)
    assert guard.state() == (0, False)


def test_starting_the_warm_up_imports_nothing_in_the_callers_run():
    """The first page's run starts the warm-up and ends: pandas (about 1 s of a cold start)
    is imported by the warm-up thread, not by that run."""
    code = textwrap.dedent("""
        import os, sys, threading
        import lib.core.tf as tf
        hold = threading.Event()
        tf.start_warm_up(wait=hold.wait)
        print("pandas" in sys.modules, flush=True)
        os._exit(0)                              # the warm-up thread never imports TensorFlow
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"

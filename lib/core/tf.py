"""The one owner of TensorFlow and Keras in the process: nothing else imports them.

Why one owner. Importing `tensorflow` in one thread while another thread imports `keras`
breaks both imports: measured here, two threads started up to ~1.5 s apart end with a
`_DeadlockError` in one and "partially initialized module 'tensorflow.python...' has no
attribute ..." in the other, every time. A server imports TensorFlow in the background while
students already click (the warm-up below), so every use of TensorFlow or Keras goes through
this module, and tests/unit/test_layout.py fails on any other module that imports them.

- `start_warm_up(steps)`, once per server process (lib/train/warm.py `start_housekeeping`,
  called by the router after the first page is drawn): a background thread waits until the
  server is quiet (the first page's browser has what it asked for; at most 4 s), imports
  TensorFlow then Keras, runs the steps it is given (the server's, lib/train/warm.py: one
  tiny step of each engine kind, which imports what TensorFlow and Keras load lazily on
  first use while no student's run is using them), collects and calls `gc.freeze()` (why:
  lib/core/server.py). The exit waits for it (see `WarmUp.start`). The steps are passed in, not
  imported here: this module imports nothing of the app, so nothing imports back into it.
- `tensorflow()` and `keras()` hand the modules out only once that warm-up is over: they
  block (up to `timeout` seconds) while it runs, and raise `TensorFlowUnavailable`, with the
  cause, when TensorFlow could not be imported or the warm-up did not end in time. The
  warm-up's own thread gets them at once (it imports the training modules, which ask for
  them). In a process with no warm-up (a unit test, a bench) the first caller imports them,
  under the same lock, so two callers never import at once there either.
- `ready()` says, without waiting, whether they would come back at once: a page can say
  "getting ready" honestly.
- `figures_may_run()`: Plotly looks pandas and PIL up in sys.modules without importing
  them (`get_module(..., should_load=False)`), so it would read a module that another thread
  is half-way through importing. Keras imports pandas, so the warm-up imports those modules
  first, alone: it waits until no page or fragment run is inside `figures_may_run()` (the
  router runs every page inside it, lib/ui/nav.py `routing`; every fragment too), and runs
  that start meanwhile wait the ~0.5 s for it. Before this, the first page's own run imported
  pandas for the warm-up, about 1 s of a cold start (bench/startup.py).

Only lib/train/naive.py asks at import time (the notebook's `keras`, `ops`, `tf` globals);
every path of the app that imports it has asked the owner before (a run's initial weights),
so no thread waits for the warm-up while holding the import lock of a module it needs.
"""
from __future__ import annotations

import gc
import importlib
import sys
import threading
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

THREAD_NAME = "tensor-lab-warm-up"
WAIT_S = 120.0            # a cold TensorFlow import is 5-7 s; on a crowded machine far more
PEEKED = ("pandas", "PIL.Image")    # what Plotly looks up in sys.modules without importing it


class TensorFlowUnavailable(RuntimeError):
    """TensorFlow or Keras could not be imported here, or the warm-up did not end in time."""


@dataclass(frozen=True)
class WarmupReport:
    seconds: float            # import + warm-up + collection
    frozen: int               # objects moved out of the collector's reach
    tracked_after: int        # objects a full collection still visits right after
    error: str = ""           # what went wrong, for the server's log; "" when all went well


def import_tensorflow_and_keras() -> tuple[types.ModuleType, types.ModuleType]:
    """The only import statements for TensorFlow and Keras in the app: TensorFlow first."""
    import tensorflow
    import keras
    return tensorflow, keras


class PeekGuard:
    """Runs that may build or send a Plotly figure (readers, any number at once) against the
    warm-up's import of the modules Plotly peeks at (the writer, once, alone).

    `reading()` is reentrant in a thread (a fragment drawn inside its page's run) and waits
    only while the writer is waiting or importing (the writer goes first, so 30 students'
    runs cannot starve it). `released()` lets a reader that waits for the warm-up step out
    meanwhile, so the warm-up never waits for a run that waits for it. `importing(names)`
    waits until no run reads, imports `names`, and lets the runs in."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._local = threading.local()

    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def _enter(self) -> None:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1

    def _leave(self) -> None:
        with self._cond:
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    @contextmanager
    def reading(self) -> Iterator[None]:
        depth = self._depth()
        if depth == 0:
            self._enter()
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if depth == 0:
                self._leave()

    @contextmanager
    def released(self) -> Iterator[None]:
        depth = self._depth()
        if depth == 0:
            yield
            return
        self._local.depth = 0
        self._leave()
        try:
            yield
        finally:
            self._enter()
            self._local.depth = depth

    def importing(self, names=PEEKED, import_module: Callable = importlib.import_module) -> None:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._writer = True
            while self._readers:
                self._cond.wait()
        try:
            for name in names:
                try:
                    import_module(name)
                except ImportError:       # not installed: Plotly finds nothing to misread
                    pass
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()

    def state(self) -> tuple[int, bool]:
        """(runs reading now, whether the import is waiting or under way): for tests."""
        with self._cond:
            return self._readers, self._writer


GUARD = PeekGuard()


class WarmUp:
    """The state behind the module's functions: one per process (`OWNER`); tests make their
    own with a stand-in for the import."""

    def __init__(self, import_modules: Callable[[], tuple] = import_tensorflow_and_keras,
                 guard: PeekGuard | None = None, import_peeked: Callable[[], None] | None = None):
        self._import_modules = import_modules
        self._guard = guard or GUARD
        self._import_peeked = import_peeked or self._guard.importing
        self._lock = threading.Lock()          # the import, and starting the thread
        self._modules: tuple | None = None     # (tensorflow, keras) once imported
        self._import_error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self.report: WarmupReport | None = None

    def start(self, steps: Callable[[], None] = lambda: None, freeze: bool = True,
              wait: Callable[[], object] = lambda: None) -> threading.Thread:
        """Start the warm-up thread, once (later calls return the same thread): `wait()`
        (the server's: until it is quiet, lib/core/server.py), the import, then `steps()`,
        then a collection and (with `freeze`) `gc.freeze()`."""
        with self._lock:
            if self._thread is None:
                # Not a daemon: the interpreter's exit waits for it (a Ctrl-C in the first
                # seconds, a short test run). A daemon thread still inside TensorFlow's C++ at
                # exit aborted the process ('FATAL: exception not rethrown', exit 134, in 2 of 4
                # runs of one AppTest file); joining it from an atexit handler was not enough:
                # a fresh process exiting during the import crashed after the join (exit 139,
                # every run here), as TensorFlow finished importing after threading's shutdown.
                self._thread = threading.Thread(target=self._run, args=(steps, freeze, wait),
                                                name=THREAD_NAME, daemon=False)
                self._thread.start()
            return self._thread

    def modules(self, timeout: float = WAIT_S) -> tuple:
        """(tensorflow, keras), once the warm-up (if any was started) is over."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            with self._guard.released():       # the warm-up may wait for this run's share
                done = self._done.wait(timeout)
            if not done:
                raise TensorFlowUnavailable(
                    f"TensorFlow's warm-up is still running after {timeout:g} s (a very busy "
                    "machine?); try again in a moment.")
        if self._modules is not None:
            return self._modules
        if not self._lock.acquire(timeout=timeout):
            raise TensorFlowUnavailable(f"another thread was still importing TensorFlow after "
                                        f"{timeout:g} s")
        try:
            if self._modules is None and self._import_error is None:
                try:
                    self._modules = self._import_modules()
                except Exception as exc:       # a broken install: say so, never retry half-way
                    self._import_error = exc
            if self._modules is None:
                raise TensorFlowUnavailable(f"TensorFlow could not be imported: "
                                            f"{self._import_error!r}") from self._import_error
            return self._modules
        finally:
            self._lock.release()

    def ready(self) -> bool:
        """True when `modules()` would return at once (imported, no warm-up still running)."""
        return self._modules is not None and (self._thread is None or self._done.is_set())

    def _run(self, steps: Callable[[], None], freeze: bool,
             wait: Callable[[], object] = lambda: None) -> None:
        waited = time.perf_counter()
        try:
            wait()
        except Exception:                      # a wait that fails is no reason not to warm up
            pass
        start, error = time.perf_counter(), ""
        waited = start - waited
        try:
            self._import_peeked()              # pandas, PIL: while no run may draw a figure
            self.modules()                     # TensorFlow, then Keras
            steps()                            # e.g. one tiny step of each engine kind
        except Exception as exc:               # the pages that train say so themselves
            error = f"{type(exc).__name__}: {exc}"
        finally:
            gc.collect()
            if freeze:
                gc.freeze()
            self.report = WarmupReport(time.perf_counter() - start, gc.get_freeze_count(),
                                       len(gc.get_objects()), error)
            self._done.set()
        said = f"failed: {error}" if error else "finished"
        print(f"Tensor Lab: the TensorFlow warm-up {said} ({self.report.seconds:.1f} s, "
              f"{self.report.frozen:,} objects frozen, started after {waited:.1f} s waiting "
              "for a quiet server)", file=sys.stderr, flush=True)


OWNER = WarmUp()


def start_warm_up(steps: Callable[[], None] = lambda: None, freeze: bool = True,
                  wait: Callable[[], object] = lambda: None) -> threading.Thread:
    """Once per server process: the warm-up in a background thread (later calls return it):
    `wait()` (the server's: until the first page has been sent, lib/core/server.py
    `wait_until_quiet`), pandas and PIL imported while no run is inside `figures_may_run()`
    (Plotly reads them from sys.modules without waiting for an import in flight), TensorFlow
    and Keras imported, then `steps()` (the server's: lib/train/warm.py), then a collection
    and `gc.freeze()`. Nothing is imported in the caller: it is the first page's run."""
    return OWNER.start(steps, freeze, wait)


def figures_may_run():
    """Around any run that may build or send a Plotly figure (the router's page run, every
    fragment): it never sees a module the warm-up is half-way through importing. Reentrant;
    free (two lock round trips) once the warm-up's import is over, or with no warm-up."""
    return GUARD.reading()


def tensorflow(timeout: float = WAIT_S) -> types.ModuleType:
    """The `tensorflow` module, once the warm-up is over (see the module's docstring)."""
    return OWNER.modules(timeout)[0]


def keras(timeout: float = WAIT_S) -> types.ModuleType:
    """The `keras` module, once the warm-up is over (see the module's docstring)."""
    return OWNER.modules(timeout)[1]


def ready() -> bool:
    """True when `tensorflow()` and `keras()` would return at once."""
    return OWNER.ready()


def report() -> WarmupReport | None:
    """What the warm-up did, once it is over; None before (or with no warm-up)."""
    return OWNER.report

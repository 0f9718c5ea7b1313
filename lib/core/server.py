"""Housekeeping for one server process shared by a whole class. No Streamlit here.

The janitor and the heap trim. The router starts them once per process, with the TensorFlow
warm-up (lib/core/tf.py), through lib/train/warm.py `start_housekeeping`.

Why this exists (measured on a 2-core machine, see bench/classroom.py):
- With TensorFlow and Keras imported the interpreter tracks ~400,000 long-lived objects
  (modules, functions, classes). A full garbage collection visits all of them: ~210 ms
  with the interpreter lock held, during which no other student's page can run. Python
  runs such collections by itself from time to time, and Streamlit used to run one after
  every script run (`runner.postScriptGC`, switched off in .streamlit/config.toml).
- `gc.freeze()` moves every object alive at that moment into a permanent generation that
  collections skip: afterwards a full collection visits only what sessions create (a
  naive engine ~750 objects, a Keras quick-start model ~8,000) and takes ~1 ms when idle.
  So the warm-up (lib/core/tf.py) imports and warms the whole training stack once, in the
  background, collects, and freezes. Objects created later (sessions, models) are
  collected as usual.
- Freezing has one cost: anything alive at that instant is never collected. That is the
  start-up state plus whatever the first one or two sessions hold at that moment (a few
  MB at most), once per process.
- With no collection after every run, cyclic garbage (a Keras model, a session Streamlit
  dropped) waits for Python's own generational trigger. `Janitor` makes sure it goes: a
  daemon thread runs a full collection every `every_s` seconds and hands freed heap pages
  back to the operating system, so memory returns after the class has left. It skips its
  turn while runs are training (`is_busy`): with 30 students' sessions alive one collection
  held the interpreter lock for ~0.5 s (py-spy), a stall every page would feel.
"""
from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
from typing import Callable


class Janitor:
    """A daemon thread: a full collection every `every_s` seconds (sooner after `soon()`),
    then the C heap trimmed, so memory goes back when sessions are dropped."""

    def __init__(self, every_s: float = 30.0, is_busy: Callable[[], bool] | None = None):
        self.every_s = every_s
        self.is_busy = is_busy            # e.g. "does any training run pull right now?"
        self.collections = 0
        self.skipped = 0
        self.last_seconds = 0.0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._loop, name="tensor-lab-janitor",
                                                daemon=True)
                self._thread.start()

    def soon(self) -> None:
        """Collect within a second or so (e.g. a training run was just released)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread (tests: a janitor left behind at every_s=0.05 collected 20 times a
        second for the rest of the test run, each full collection ~0.2 s with TensorFlow
        loaded and not frozen, and made later tests up to 8x slower)."""
        with self._lock:
            self._stopping, thread = True, self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def collect(self) -> float:
        start = time.perf_counter()
        gc.collect()
        trim_heap()
        self.collections += 1
        self.last_seconds = time.perf_counter() - start
        return self.last_seconds

    def _loop(self) -> None:
        while not self._stopping:
            if self._wake.wait(self.every_s):
                self._wake.clear()
                if self._stopping:
                    return
                time.sleep(1.0)           # let a burst of releases finish first
            if self._stopping:
                return
            if self.is_busy is not None and self.is_busy():
                self.skipped += 1         # Python's own collector still runs meanwhile
                continue
            self.collect()


def trim_heap() -> bool:
    """Return free pages of the C heap to the OS (glibc's malloc_trim; elsewhere a no-op).
    ctypes releases the interpreter lock during the call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


M_ARENA_MAX = -8          # glibc's mallopt parameter (malloc.h)
HEAP_ARENAS = 2


def limit_heap_arenas(arenas: int = HEAP_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process's threads yet to ask for one (mallopt
    M_ARENA_MAX; what MALLOC_ARENA_MAX does at process start). Left alone when
    MALLOC_ARENA_MAX is set (the operator's choice); elsewhere a no-op. True when the cap is set.

    glibc gives threads up to 8 arenas per core (16 here). Streamlit runs every rerun in a new
    thread and TensorFlow keeps its own pools, so over a class the training work lands in
    many arenas, each keeping its own high-water mark of freed but fragmented heap, which
    malloc_trim hardly gives back. Measured with bench/classroom.py --classes 4 (10 students,
    1 epoch, session TTL 10 s) on 2 cores: RSS after each class 908, 905, 932, 988 MB and
    928, 909, 939, 925 MB with glibc's default (malloc's bytes in use the same after every
    class, ~152 MB, its free bytes 42 -> 237 MB); with 2 arenas 868, 863, 845, 847 MB, the
    class as fast. Call it early: once more than 8 arenas exist glibc has fixed its limit."""
    if not sys.platform.startswith("linux") or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, int(arenas)))
    except (OSError, AttributeError):
        return False


JANITOR = Janitor()


# ---------------------------------------------------------------- a quiet moment

def other_threads_cpu_s() -> float | None:
    """CPU seconds used so far by this process's threads other than the caller (Linux:
    /proc/self/task/*/stat, in clock ticks); None where that cannot be read."""
    try:
        me, tick = threading.get_native_id(), os.sysconf("SC_CLK_TCK")
        total = 0
        for tid in os.listdir("/proc/self/task"):
            if int(tid) == me:
                continue
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:                       # the thread ended meanwhile
                continue
            total += int(fields[11]) + int(fields[12])          # utime, stime
        return total / tick
    except (OSError, ValueError, AttributeError):
        return None


def wait_until_quiet(quiet_s: float = 1.0, at_most_s: float = 4.0, busy_cpu_s: float = 0.05,
                     poll_s: float = 0.1, cpu: Callable[[], float | None] = other_threads_cpu_s,
                     clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], None] = time.sleep) -> float:
    """Wait until the process's other threads have used less than `busy_cpu_s` of CPU over
    the last `quiet_s` seconds, or `at_most_s` have passed; returns the seconds waited.

    What for: the TensorFlow warm-up (lib/core/tf.py) holds the interpreter lock for most of
    5-30 s, stretches of it inside C (a library loaded, a module initialised). Started the
    moment the first page's script ended, it ran while the browser was still fetching what
    that page needs from this same process (each kind of element's JavaScript, the images):
    on a loaded 2-core machine Home's first four 2 KB images took 21 s to come while the
    warm-up ran, the next sixteen 20-50 ms. Waiting for a quiet server first leaves those
    fetches the lock; it costs the warm-up 1 s when nothing else happens. Where threads' CPU
    cannot be read, no wait."""
    start = clock()
    marks = [(start, cpu())]
    if marks[0][1] is None:
        return 0.0
    while clock() - start < at_most_s:
        sleep(poll_s)
        now, used = clock(), cpu()
        if used is None:
            break
        marks.append((now, used))
        while len(marks) > 1 and now - marks[1][0] >= quiet_s:
            marks.pop(0)                        # keep one mark at least quiet_s old
        oldest_t, oldest_used = marks[0]
        if now - oldest_t >= quiet_s and used - oldest_used < busy_cpu_s:
            break
    return clock() - start

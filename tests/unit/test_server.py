"""lib/core/server.py: the janitor collects (the warm-up that freezes the training stack is
lib/core/tf.py's: tests/unit/train/test_tf.py). Counts only: nothing here depends on
machine speed."""
from __future__ import annotations

import ctypes
import gc
import sys
import threading
import time
import weakref

import pytest

from lib.core.server import M_ARENA_MAX, Janitor, limit_heap_arenas, trim_heap


def test_janitor_collects_cyclic_garbage_when_asked():
    class Node:
        pass

    janitor = Janitor(every_s=3600)
    gc.collect()
    a, b = Node(), Node()
    a.other, b.other = b, a                  # a cycle: only the collector frees it
    gone = weakref.ref(a)
    del a, b
    assert gone() is not None
    janitor.collect()
    assert gone() is None and janitor.collections == 1


def test_janitor_thread_starts_once_and_wakes_on_soon():
    janitor = Janitor(every_s=3600)
    janitor.start()
    janitor.start()
    try:
        assert sum(t.name == "tensor-lab-janitor" and t is janitor._thread
                   for t in threading.enumerate()) == 1
        janitor.soon()
        deadline = time.monotonic() + 30
        while janitor.collections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert janitor.collections >= 1
    finally:
        janitor.stop()
    assert not janitor._thread.is_alive()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_heap_gives_freed_heap_pages_back_on_glibc():
    """50 MB of 1 kB buffers (glibc's heap, not Python's arenas), freed: there is something to
    give back, and malloc_trim says it gave it back."""
    junk = [bytes(1000) + bytes([i % 256]) for i in range(50_000)]
    del junk
    assert trim_heap() is True


def test_trim_heap_reports_what_malloc_trim_did_and_never_raises(monkeypatch):
    calls = []

    class FakeLibc:
        def __init__(self, released):
            self.released = released

        def malloc_trim(self, pad):
            calls.append(pad)
            return self.released

    def missing(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(sys, "platform", "linux")
    for libc, expected in ((FakeLibc(1), True), (FakeLibc(0), False), (object(), False)):
        monkeypatch.setattr(ctypes, "CDLL", lambda name, libc=libc: libc)   # object(): no malloc_trim
        assert trim_heap() is expected
    monkeypatch.setattr(ctypes, "CDLL", missing)                            # no glibc (musl)
    assert trim_heap() is False
    assert calls == [0, 0]                                                  # pad 0: trim all
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc(1))
    assert trim_heap() is False and calls == [0, 0]                         # not even looked up


def test_limit_heap_arenas_sets_glibcs_arena_cap_unless_the_operator_did(monkeypatch):
    calls = []

    class FakeLibc:
        def mallopt(self, param, value):
            calls.append((param, value))
            return 1

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    assert limit_heap_arenas() is True and calls == [(M_ARENA_MAX, 2)]
    assert limit_heap_arenas(4) is True and calls[-1] == (M_ARENA_MAX, 4)
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")                  # set at start: left alone
    assert limit_heap_arenas() is False and len(calls) == 2
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())   # no mallopt
    assert limit_heap_arenas() is False
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    assert limit_heap_arenas() is False and len(calls) == 2     # not even looked up


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_limit_heap_arenas_is_accepted_by_glibc(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_heap_arenas() is True


def test_janitor_skips_its_turn_while_runs_train():
    busy = [True]
    janitor = Janitor(every_s=0.05, is_busy=lambda: busy[0])
    janitor.start()
    try:
        deadline = time.monotonic() + 30
        while janitor.skipped < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert janitor.skipped >= 2 and janitor.collections == 0
        busy[0] = False
        while janitor.collections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert janitor.collections >= 1
    finally:
        janitor.stop()
    done = janitor.collections
    time.sleep(0.2)                          # stopped means stopped: no collection after it
    assert janitor.collections == done and not janitor._thread.is_alive()


# ---------------------------------------------------------------- a quiet moment

class FakeTime:
    """A clock that moves only when slept, and the other threads' CPU as a function of it."""

    def __init__(self, cpu_at):
        self.now, self.cpu_at = 0.0, cpu_at

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def cpu(self):
        return self.cpu_at(self.now)


def quiet_wait(cpu_at, **kwargs) -> float:
    from lib.core.server import wait_until_quiet
    t = FakeTime(cpu_at)
    return wait_until_quiet(cpu=t.cpu, clock=t.clock, sleep=t.sleep, **kwargs)


def test_a_quiet_server_waits_one_quiet_window():
    assert quiet_wait(lambda now: 1.0, quiet_s=1.0, poll_s=0.1) == pytest.approx(1.0, abs=0.11)


def test_a_busy_server_is_waited_for_until_it_is_quiet():
    """Busy (half a core) for 2.5 s, then quiet: the warm-up starts one quiet second later."""
    assert quiet_wait(lambda now: 0.5 * min(now, 2.5), quiet_s=1.0, poll_s=0.1) == \
        pytest.approx(3.5, abs=0.11)


def test_a_server_that_never_goes_quiet_is_waited_for_at_most_so_long():
    assert quiet_wait(lambda now: now, quiet_s=1.0, at_most_s=4.0, poll_s=0.1) == \
        pytest.approx(4.0, abs=0.11)


def test_where_threads_cpu_cannot_be_read_there_is_no_wait():
    assert quiet_wait(lambda now: None) == 0.0


def test_other_threads_cpu_counts_a_busy_thread_and_not_the_caller():
    from lib.core.server import other_threads_cpu_s
    if other_threads_cpu_s() is None:
        pytest.skip("no /proc/self/task here")
    before, done, may_end = other_threads_cpu_s(), threading.Event(), threading.Event()

    def spin():
        deadline = time.thread_time() + 0.3
        while time.thread_time() < deadline:
            pass
        done.set()
        may_end.wait(60)             # alive while it is counted: an ended thread leaves /proc

    worker = threading.Thread(target=spin)
    worker.start()
    assert done.wait(60)
    used = other_threads_cpu_s() - before
    may_end.set()
    worker.join()
    assert used >= 0.2

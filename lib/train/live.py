"""A pull-based live loop: run any generator of training events in short bursts.

Contract (shared by the naive trainer and the Keras quick-start page):
- A run is built from a *factory*: a zero-argument callable returning a fresh
  iterator of events. Reset calls it again, so the same factory gives the same run.
- The iterator yields `BatchEvent` after every batch and `EpochEvent` after every
  epoch (and may yield an `EpochEvent(epoch=0)` before training starts, with the
  untrained model's predictions). Any other object is passed through untouched.
- To end a run because it blew up, raise `Diverged("a sentence for the student")`
  from the iterator; the run's status becomes "diverged" and keeps the sentence.
- Nothing runs between calls: `pull(budget_s)` advances the iterator until the
  time budget is used (and at least one batch has run) and returns the new events; `step()`
  advances to the next BatchEvent only. So pause, resume, stop and reset are exact
  and no thread is needed. The page calls `pull` from a `st.fragment(run_every=...)`.
- `pull(..., checkpoint=f)` calls `f()` between two batches every `checkpoint_s` seconds.
  The page uses it to redraw the status line, which is also where Streamlit can stop the
  script run for a click: a long burst never delays Pause by more than one batch.
  Whatever `f` raises leaves the run consistent (the batches so far are recorded).

Many runs share one server: `SHARED.busy_runs()` counts the runs of this process that
pulled recently (a closed tab stops pulling, so it drops out by itself), and
`burst_seconds()` scales a burst with that count so the fixed cost of a tick (drawing)
stays a small share of the training it pays for.

Statuses: idle -> running <-> paused -> done | stopped | diverged; reset -> idle.
"""
from __future__ import annotations

import collections
import math
import os
import threading
import time
import weakref
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Iterator

import numpy as np

class Status(str, Enum):
    """Where a run is. A str, so `run.status == "running"` reads naturally in pages."""
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    STOPPED = "stopped"
    DIVERGED = "diverged"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


IDLE, RUNNING, PAUSED, DONE, STOPPED, DIVERGED = Status
FINISHED = (DONE, STOPPED, DIVERGED)
MAX_GAP_S = 5.0      # a longer pause between pulls means the page was away: not counted in the ETA
RATE_WINDOW_S = 5.0  # samples/s is measured over the last few seconds of wall time


@dataclass(frozen=True)
class BatchEvent:
    """After one batch. `step` counts batches over the whole run, from 1."""
    step: int
    epoch: int                      # from 1
    batch: int                      # from 1, within the epoch
    batches_per_epoch: int
    loss: float                     # mean loss on this batch
    samples_per_s: float            # batch size / time this batch took
    batch_size: int = 0             # samples in this batch (the last one may be short)
    accuracy: float | None = None   # running accuracy, when the engine reports one (Keras)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EpochEvent:
    """After one epoch (epoch 0 = before training, no loss yet)."""
    epoch: int
    mean_loss: float | None         # mean of the epoch's batch losses
    train_acc: float | None         # accuracy on (a fixed subset of) the training images
    test_acc: float | None
    predictions: np.ndarray | None  # (16, 10) probabilities on the fixed test digits
    seconds: float = 0.0            # training time so far (pauses not counted)
    extra: dict[str, Any] = field(default_factory=dict)   # e.g. weights, confusion matrix


class Diverged(Exception):
    """Raised by an event iterator when training blew up (NaN or infinite loss)."""


class SharedServer:
    """Which runs of this process are training right now (thread-safe, weak references).

    A run counts as busy from the start of a pull until `window_s` after its last pull
    ended: a run whose tab was closed stops pulling and drops out on its own."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[int, tuple[weakref.ref, float]] = {}

    def touch(self, run: "LiveRun") -> None:
        with self._lock:
            self._last[id(run)] = (weakref.ref(run), self.clock())

    def forget(self, run: "LiveRun") -> None:
        with self._lock:
            self._last.pop(id(run), None)

    def busy_runs(self, window_s: float = 3.0, besides: "LiveRun | None" = None) -> int:
        """How many runs pulled within the last `window_s` seconds (`besides` not counted)."""
        now = self.clock()
        with self._lock:
            for key, (ref, seen) in list(self._last.items()):
                if ref() is None or now - seen > window_s:
                    del self._last[key]
            return len(self._last) - (besides is not None and id(besides) in self._last)


class Turns:
    """At most `slots` bursts train at once on this server; the others wait their turn, in
    the order they asked (first come, first served, so no run is starved).

    With 30 students training at once, 30 threads calling TensorFlow together gained nothing
    over a handful (the CPU is full either way), but each one held its own working memory
    at the same moment (RSS stayed ~200 MB higher after the class left: the allocator keeps
    its high-water mark) and all of them competed for the interpreter lock with every other
    page's reruns. A waiting run uses no CPU and no lock."""

    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._cond = threading.Condition()
        self._queue: collections.deque[object] = collections.deque()
        self._active = 0

    def join(self) -> object:
        """Take a ticket (call `leave(ticket)` when done, whatever happens)."""
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
        return ticket

    def wait(self, ticket: object, timeout: float) -> bool:
        """Wait up to `timeout` s for this ticket's turn; True once it is training."""
        with self._cond:
            ready = self._cond.wait_for(
                lambda: ticket not in self._queue or (
                    self._active < self.slots and self._queue[0] is ticket), timeout)
            if ready and ticket in self._queue:
                self._queue.popleft()
                self._active += 1
                self._cond.notify_all()
                return True
            return ticket not in self._queue

    def ahead(self, ticket: object) -> int:
        """How many runs wait before this ticket (0 once it trains)."""
        with self._cond:
            return self._queue.index(ticket) if ticket in self._queue else 0

    def leave(self, ticket: object, trained: bool) -> None:
        with self._cond:
            if trained:
                self._active -= 1
            elif ticket in self._queue:
                self._queue.remove(ticket)
            self._cond.notify_all()


CORES_VARIABLE = "TENSORLAB_CORES"


def cores_for_this_process(environ=os.environ, machine: int | None = None) -> int:
    """The cores this server plans its training for: the machine's, or its share of them
    when several replicas share one machine (deploy/serve.py sets TENSORLAB_CORES to
    cores / replicas: with 2 replicas on 2 cores, each planning for both, the machine ran 8
    bursts at once and the Slicing rerun p95 went from 0.28 s to 1.05 s). A value that is
    not a whole number from 1 to 1024 is ignored."""
    machine = machine or os.cpu_count() or 1
    raw = str(environ.get(CORES_VARIABLE, "")).strip()
    if len(raw) <= 4 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 1024:
        return int(raw)
    return machine


SHARED = SharedServer()
CORES = cores_for_this_process()
TURNS = Turns(2 * CORES)          # a few concurrent streams keep the cores busy


def burst_seconds(base_s: float, busy_runs: int, cores: int = CORES,
                  most_s: float = 3.0) -> float:
    """How long one tick trains. Alone (or with fewer runs than cores) `base_s`. With more
    runs than cores each burst gets only cores/busy_runs of the CPU, so it lasts longer
    (up to `most_s`) to do the same work per tick: the drawing that follows every tick
    costs the same, and would otherwise eat the shared CPU. Clicks stay prompt: a burst
    checks in with the page between batches (see `pull(checkpoint=...)`)."""
    return min(most_s, base_s * max(1.0, busy_runs / max(cores, 1)))


class LiveRun:
    """Holds one run: its event iterator, status, history and timing."""

    def __init__(self, factory: Callable[[], Iterator[Any]], total_steps: int | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 shared: SharedServer | None = SHARED, turns: Turns | None = TURNS):
        self.factory = factory
        self.total_steps = total_steps
        self.clock = clock
        self.shared = shared
        self.turns = turns
        self.waiting = False         # True while a pull waits for its turn (see Turns)
        self.waiting_ahead = 0       # while waiting for a turn: how many runs are before it
        self._lock = threading.Lock()
        self.reset()

    # ---------------------------------------------------------------- state
    def reset(self) -> None:
        """Forget everything; the next start() builds a fresh iterator."""
        self._close()
        if self.shared is not None:
            self.shared.forget(self)
        self.status = IDLE
        self.message = ""
        self.batches: list[BatchEvent] = []
        self.epochs: list[EpochEvent] = []
        self.others: list[Any] = []
        self.busy_s = 0.0            # seconds spent inside pull/step (the work itself)
        self.gap_s = 0.0             # seconds between back-to-back pulls (drawing, waiting)
        self.pulls = 0
        self.samples = 0             # training samples so far
        self._last_pull_end: float | None = None
        self._marks: list[tuple[float, int]] = []    # (clock, samples) at pull ends, for the rate
        self._memo: dict[str, tuple[tuple, Any]] = {}

    def start(self) -> None:
        """idle -> running (a finished run is reset first)."""
        if self.status in FINISHED:
            self.reset()
        if self.status in (IDLE, PAUSED):
            self.status = RUNNING

    def pause(self) -> None:
        if self.status == RUNNING:
            self.status = PAUSED
        self._last_pull_end = None
        self._marks.clear()
        if self.shared is not None:
            self.shared.forget(self)

    def resume(self) -> None:
        if self.status == PAUSED:
            self.status = RUNNING

    def stop(self) -> None:
        """End the run for good (history kept); only reset() or start() begin again."""
        if self.status in (RUNNING, PAUSED):
            self._close()
            self.status = STOPPED
        elif self.status == IDLE:
            self._close()
        if self.shared is not None:
            self.shared.forget(self)

    # ---------------------------------------------------------------- work
    def pull(self, budget_s: float = 0.3, checkpoint: Callable[[], Any] | None = None,
             checkpoint_s: float = 0.25) -> list[Any]:
        """If running: advance until budget_s seconds are used and at least one batch ran.
        `checkpoint()` is called between batches, at most every `checkpoint_s` seconds."""
        if self.status != RUNNING:
            return []
        now = self.clock()
        if self._last_pull_end is not None and 0 <= now - self._last_pull_end < MAX_GAP_S:
            self.gap_s += now - self._last_pull_end
        else:
            self._marks = [(now, self.samples)]    # (re)started: the rate counts from here
        if self.shared is not None:
            self.shared.touch(self)
        ticket, trained = (self.turns.join() if self.turns is not None else None), False
        try:
            if ticket is not None:
                waited_from = self.clock()
                timeout = 0.0        # a first look without waiting: a run that must wait says so
                while not self.turns.wait(ticket, timeout):     # at once, not a checkpoint later
                    timeout = checkpoint_s
                    self.waiting, self.waiting_ahead = True, self.turns.ahead(ticket)
                    if self.shared is not None:
                        self.shared.touch(self)
                    if checkpoint is not None:
                        checkpoint()     # the page says "waiting"; a click stops waiting here
                trained, self.waiting, self.waiting_ahead = True, False, 0
                self.gap_s += self.clock() - waited_from      # waiting counts like drawing
            events = self._advance(budget_s=budget_s, until_batch=False, checkpoint=checkpoint,
                                   checkpoint_s=checkpoint_s)
        finally:
            if ticket is not None:
                self.turns.leave(ticket, trained)
            self.waiting, self.waiting_ahead = False, 0
            end = self.clock()
            self._last_pull_end = end if self.status == RUNNING else None
            self._marks.append((end, self.samples))
            while len(self._marks) > 2 and end - self._marks[1][0] >= RATE_WINDOW_S:
                self._marks.pop(0)
            if self.shared is not None:
                if self.status == RUNNING:
                    self.shared.touch(self)
                else:
                    self.shared.forget(self)
        return events

    def step(self) -> list[Any]:
        """Run exactly one more batch (from idle, paused or running), then pause."""
        if self.status in FINISHED:
            return []
        self._last_pull_end = None
        events = self._advance(budget_s=math.inf, until_batch=True)
        if self.status == RUNNING or self.status == IDLE:
            self.status = PAUSED
        return events

    def _advance(self, budget_s: float, until_batch: bool,
                 checkpoint: Callable[[], Any] | None = None,
                 checkpoint_s: float = 0.25) -> list[Any]:
        if not self._lock.acquire(blocking=False):
            return []                # another script run is already pulling: skip
        events: list[Any] = []
        batches = 0
        start = self.clock()
        last_check = start
        try:
            if self._iterator is None:
                self._iterator = iter(self.factory())
            # Stop or Reset may come from another script run of the session while this one
            # pulls (a click's full rerun beside the panel's fragment run): they drop the
            # iterator. Then this pull ends quietly and records nothing more into the run, where
            # next(None) used to end it with "TypeError: 'NoneType' object is not an iterator"
            # (seen in the server log of a 30-student class whose pause probe clicked Stop).
            iterator = self._iterator
            while True:
                if self._iterator is not iterator:
                    break
                try:
                    event = next(iterator)
                except StopIteration:
                    if self._iterator is iterator:
                        self._iterator = None
                        self.status = DONE
                    break
                except Diverged as exc:
                    if self._iterator is iterator:
                        self._iterator = None
                        self.status = DIVERGED
                        self.message = str(exc)
                    break
                except Exception as exc:   # a bug, not a lesson: end the run, let it surface
                    if self._iterator is not iterator:
                        break              # closed under us (stop/reset): not a bug
                    self._iterator = None
                    self.status = STOPPED
                    self.message = f"Training stopped by an error: {exc!r}"
                    raise
                if self._iterator is not iterator:
                    break
                self._record(event)
                events.append(event)
                if until_batch and isinstance(event, BatchEvent):
                    break
                if isinstance(event, BatchEvent):
                    batches += 1
                now = self.clock()
                if not until_batch and batches and now - start >= budget_s:
                    break
                if checkpoint is not None and now - last_check >= checkpoint_s:
                    last_check = now
                    checkpoint()     # may raise (the page was clicked): all recorded so far
        finally:
            self.busy_s += self.clock() - start
            self.pulls += 1
            self._lock.release()
        return events

    def _record(self, event: Any) -> None:
        if isinstance(event, BatchEvent):
            self.batches.append(event)
            self.samples += event.batch_size
        elif isinstance(event, EpochEvent):
            self.epochs.append(event)
        else:
            self.others.append(event)

    def _close(self) -> None:
        iterator = getattr(self, "_iterator", None)
        self._iterator = None
        close = getattr(iterator, "close", None)
        if close is not None:
            try:
                close()
            except ValueError:       # "generator already executing" in another script run
                pass

    # ---------------------------------------------------------------- read-outs
    @property
    def steps_done(self) -> int:
        return self.batches[-1].step if self.batches else 0

    @property
    def progress(self) -> float:
        """Fraction of all batches done, in [0, 1] (1 when done)."""
        if self.status == DONE:
            return 1.0
        if not self.total_steps:
            return 0.0
        return min(1.0, self.steps_done / self.total_steps)

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the pace so far, drawing between pulls included (None until known)."""
        if not self.total_steps or self.steps_done == 0 or self.status in FINISHED:
            return None
        per_step = (self.busy_s + self.gap_s) / self.steps_done
        return per_step * (self.total_steps - self.steps_done)

    def samples_per_s(self, last: int = 20) -> float | None:
        """Training speed while a batch runs: mean over the last few batches."""
        recent = self.batches[-last:]
        if not recent:
            return None
        return sum(b.samples_per_s for b in recent) / len(recent)

    def throughput(self) -> float | None:
        """Samples per second of wall time over the last few seconds of running, drawing
        and waiting for the shared CPU included: what this run really gets."""
        if len(self._marks) < 2:
            return None
        (t0, n0), (t1, n1) = self._marks[0], self._marks[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else None

    def per_epoch(self, name: str, build: Callable[[], Any], *key: Any) -> Any:
        """`build()` once per epoch (and per `key`), for what only changes when an epoch ends
        (accuracy chart, prediction grid, diagnosis): a live tick then only redraws them."""
        full = (len(self.epochs), *key)
        hit = self._memo.get(name)
        if hit is None or hit[0] != full:
            hit = self._memo[name] = (full, build())
        return hit[1]

    @property
    def latest_epoch(self) -> EpochEvent | None:
        return self.epochs[-1] if self.epochs else None

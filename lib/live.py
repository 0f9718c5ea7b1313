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

Statuses: idle -> running <-> paused -> done | stopped | diverged; reset -> idle.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

STATUSES = ("idle", "running", "paused", "done", "stopped", "diverged")
FINISHED = ("done", "stopped", "diverged")
MAX_GAP_S = 5.0      # a longer pause between pulls means the page was away: not counted in the ETA


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


class LiveRun:
    """Holds one run: its event iterator, status, history and timing."""

    def __init__(self, factory: Callable[[], Iterator[Any]], total_steps: int | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        self.factory = factory
        self.total_steps = total_steps
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    # ---------------------------------------------------------------- state
    def reset(self) -> None:
        """Forget everything; the next start() builds a fresh iterator."""
        self._close()
        self.status = "idle"
        self.message = ""
        self.batches: list[BatchEvent] = []
        self.epochs: list[EpochEvent] = []
        self.others: list[Any] = []
        self.busy_s = 0.0            # seconds spent inside pull/step (the work itself)
        self.gap_s = 0.0             # seconds between back-to-back pulls (drawing, waiting)
        self.pulls = 0
        self._last_pull_end: float | None = None

    def start(self) -> None:
        """idle -> running (a finished run is reset first)."""
        if self.status in FINISHED:
            self.reset()
        if self.status in ("idle", "paused"):
            self.status = "running"

    def pause(self) -> None:
        if self.status == "running":
            self.status = "paused"
        self._last_pull_end = None

    def resume(self) -> None:
        if self.status == "paused":
            self.status = "running"

    def stop(self) -> None:
        """End the run for good (history kept); only reset() or start() begin again."""
        if self.status in ("running", "paused"):
            self._close()
            self.status = "stopped"
        elif self.status == "idle":
            self._close()

    # ---------------------------------------------------------------- work
    def pull(self, budget_s: float = 0.3) -> list[Any]:
        """If running: advance until budget_s seconds are used and at least one batch ran."""
        if self.status != "running":
            return []
        now = self.clock()
        if self._last_pull_end is not None and 0 <= now - self._last_pull_end < MAX_GAP_S:
            self.gap_s += now - self._last_pull_end
        events = self._advance(budget_s=budget_s, until_batch=False)
        self._last_pull_end = self.clock() if self.status == "running" else None
        return events

    def step(self) -> list[Any]:
        """Run exactly one more batch (from idle, paused or running), then pause."""
        if self.status in FINISHED:
            return []
        self._last_pull_end = None
        events = self._advance(budget_s=math.inf, until_batch=True)
        if self.status == "running" or self.status == "idle":
            self.status = "paused"
        return events

    def _advance(self, budget_s: float, until_batch: bool) -> list[Any]:
        if not self._lock.acquire(blocking=False):
            return []                # another script run is already pulling: skip
        events: list[Any] = []
        batches = 0
        start = self.clock()
        try:
            if self._iterator is None:
                self._iterator = iter(self.factory())
            while True:
                try:
                    event = next(self._iterator)
                except StopIteration:
                    self._iterator = None
                    self.status = "done"
                    break
                except Diverged as exc:
                    self._iterator = None
                    self.status = "diverged"
                    self.message = str(exc)
                    break
                except Exception as exc:   # a bug, not a lesson: end the run, let it surface
                    self._iterator = None
                    self.status = "stopped"
                    self.message = f"Training stopped by an error: {exc!r}"
                    raise
                self._record(event)
                events.append(event)
                if until_batch and isinstance(event, BatchEvent):
                    break
                if isinstance(event, BatchEvent):
                    batches += 1
                if not until_batch and batches and self.clock() - start >= budget_s:
                    break
        finally:
            self.busy_s += self.clock() - start
            self.pulls += 1
            self._lock.release()
        return events

    def _record(self, event: Any) -> None:
        if isinstance(event, BatchEvent):
            self.batches.append(event)
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
        if self.status == "done":
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
        """Mean throughput over the last few batches."""
        recent = self.batches[-last:]
        if not recent:
            return None
        return float(np.mean([b.samples_per_s for b in recent]))

    @property
    def latest_epoch(self) -> EpochEvent | None:
        return self.epochs[-1] if self.epochs else None

"""A class on one server: N simulated students train at once, no browser needed.

    python bench/classroom.py                        # 30 students, book preset, compiled engine
    python bench/classroom.py --students 4 --epochs 1
    python bench/classroom.py --url http://127.0.0.1:8501 --pid 12345   # a server already running
    python bench/classroom.py --classes 3 --session-ttl 30   # 3 classes in a row: does RSS creep?
    python bench/classroom.py --repeat 3                 # bare loop and class interleaved 3 times
    python bench/classroom.py --data full --pause-probe  # full-size MNIST, Pause timed mid-class

Each student is a websocket client speaking Streamlit's own protocol (bench/stclient.py):
it opens "Train the naive network", chooses the settings, presses Start (found by its key)
and obeys the fragment auto-rerun messages as the browser does, until the page's run marker
says "done" (a hidden element lib/ui/live.py draws beside the status line, with the run's
status, batches and samples: bench/stclient.py RunMarker). The benchmark starts
`streamlit run streamlit_app.py` itself on a free loopback port (MNIST_SOURCE=sample, with
deploy/launch.py) unless --url is given, and runs, in this order:

1. warm-up: a throwaway student trains one epoch (TensorFlow imported and warmed), then
   an observer opens Slicing (it stays there);
2. solo: one student trains alone with the class's settings (the determinism reference);
3. idle reruns: the observer types indices into Slicing while nobody trains;
4. bare: bench/training.py's compiled loop in a subprocess, the server idle meanwhile;
5. class: N students open the page, wait at a barrier, press Start together; the observer
   keeps typing into Slicing while they train;
6. leave: every client disconnects; after server.disconnectedSessionTTL the server may
   drop the sessions, which happens lazily (see run_bench); RSS is read --settle s later.

Prints a table, then ONE JSON line (the last line of stdout). Nothing here asserts a time.
Some of its keys:
- done, time_to_done_s: students whose page said "done" within --timeout without an error;
- aggregate_samples_per_s: every student's trained samples (finished or not) / wall time
  from the first Start to the last done (or to giving up); aggregate_share_of_bare: that over
  bare_samples_per_s, the bare compiled loop measured in step 4;
- fairness_max_over_min: max/min of the students' own samples/s (samples / their time to
  done or to giving up), all of them started together with equal settings; null when one
  trained nothing;
- rss_before_mb (just before the class), peak_rss_mb (during it), rss_at_leave_mb,
  rss_after_mb (after the TTL, the reap and --settle more seconds; rss_after_waited_s says
  how long after everyone left); sessions_dropped: the TTL passed and a reap was triggered (the
  server's session store is not visible from outside);
- rerun_p50/p95_s_idle/_loaded: Slicing reruns, rerun_script -> script_finished; a rerun
  that does not finish in 60 s counts as 60 s (a lower bound) and in rerun_timeouts_*;
- errors: exceptions and st.error shown to any client, pages that failed to load, lost
  connections; deterministic: every student finished with the solo run's final loss;
- server_cpu_us_per_sample: the server's process CPU time (psutil cpu_times, user + system,
  its children too) over the class / the samples trained (noise moves it less than wall
  time); bare.cpu_us_per_sample is the bare loop's own, training and evaluation included.

Rounds. `--classes K` runs K classes one after another on the same server (fresh students,
each class waits out the session TTL and is read like step 6): rss_after_each_class_mb is
the list, rss_growth_after_second the ratio of each class's to the one before, from the third
class on (the first class grows TensorFlow's native runtime once). `--repeat R` interleaves
bare loop and class R times (step 4 before each class): aggregate_share_of_bare_all /
_median, and the same against the bare loop doing the page's same work (its training plus the
per-epoch evaluation: aggregate_share_of_bare_with_eval_*), with wall and CPU per sample per
round in `rounds`; cpu_share_of_bare_* is the bare loop's CPU per sample over the server's in
the class (on a machine other work keeps busy, wall-time shares swing with the moment each
was measured; CPU per sample barely moves). The top-level class figures are the last class's.

`--data full`: a 60,000 / 10,000 MNIST of the right shapes and dtype (uint8 28x28, uint8
labels), the bundled sample tiled, written as datasets/mnist.npz under a temporary
KERAS_HOME given to the server (and the bare loop) only, so the loader's real Keras-cache path
reads it (MNIST_SOURCE=keras: no fallback, no download; the real cache is never touched).
`--pause-probe`: one more client (not one of the N) trains with the class and, every few
seconds, clicks Pause and times the click to the run marker saying "paused", then Resume:
pause_p50/p95_s (its samples count in the aggregate; it clicks Stop when the class is done).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import random
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.train.live import FINISHED  # noqa: E402  (NumPy only: the run statuses)
from bench.stclient import SCRIPT_FINISHED, ProtocolError, RunMarker, StreamlitClient  # noqa: E402
from deploy import launch  # noqa: E402

DEFAULT_TIMEOUT_S = 1200          # the class phase: first Start -> last done
DEFAULT_TTL_S = 120               # Streamlit's server.disconnectedSessionTTL default
KEY_PREFIX = {"train_naive": "naive", "first_network": "qs"}
LOSS_LABEL = "loss (last batch)"
SLICING_PAGE, SLICING_KEY = "slicing", "slicing_expr"
EXPRESSIONS = ["train_images[10:100]", "train_images[:, 7:-7, 7:-7]",
               "train_images[::2, 14:, 14:]"]
FINISHED_STATUSES = tuple(str(status) for status in FINISHED)   # a training run that is over


# --------------------------------------------------------------------------- the server
@contextlib.contextmanager
def streamlit_server(ttl: int | None, log: Path, data_env: dict[str, str] | None = None):
    """`streamlit run streamlit_app.py` on a free loopback port (deploy/launch.py), output to
    `log`; yields (url, pid). `data_env` says where its MNIST comes from (data_env())."""
    ttl_args = [] if ttl is None else [f"--server.disconnectedSessionTTL={ttl}"]
    env = {"TF_CPP_MIN_LOG_LEVEL": "2", **(data_env or {"MNIST_SOURCE": "sample"})}
    with launch.serving(extra_args=ttl_args, log=log, timeout=90, stop_timeout=15,
                        extra_env=env) as server:
        yield server.url, server.pid


# --------------------------------------------------------------------------- full-size data
FULL_TRAIN, FULL_TEST = 60_000, 10_000


def write_full_mnist(keras_home: Path, sample: Path | None = None,
                     n_train: int = FULL_TRAIN, n_test: int = FULL_TEST) -> Path:
    """A full-size MNIST built from the bundled sample (its digits tiled to n_train / n_test,
    uint8 (n, 28, 28) images and uint8 labels, the keys keras.datasets.mnist writes), saved
    where the loader looks for Keras's cache under `keras_home`; returns the file's path."""
    import numpy as np
    from lib.core.data import SAMPLE_PATH
    with np.load(sample or SAMPLE_PATH) as f:
        x_train, y_train, x_test, y_test = (f[k] for k in ("x_train", "y_train", "x_test",
                                                            "y_test"))

    def tiled(a, n):
        return np.ascontiguousarray(np.resize(a, (n, *a.shape[1:])), dtype=np.uint8)
    path = keras_home / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=tiled(x_train, n_train), y_train=tiled(y_train, n_train),
             x_test=tiled(x_test, n_test), y_test=tiled(y_test, n_test))
    return path


def data_env(kind: str, keras_home: Path | None) -> dict[str, str]:
    """The server's (and the bare loop's) environment for --data: the bundled sample, or
    the loader's Keras-cache path under a temporary KERAS_HOME (never the real cache; with
    MNIST_SOURCE=keras a missing file is an error, not a download or a quiet fallback)."""
    if kind == "sample":
        return {"MNIST_SOURCE": "sample"}
    if keras_home is None:
        raise ValueError("--data full needs a temporary KERAS_HOME")
    return {"MNIST_SOURCE": "keras", "KERAS_HOME": str(keras_home)}


def wait_healthy(url: str, timeout: float) -> None:
    """A server given by --url answers /_stcore/health within `timeout` s."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while not launch.healthy(parts.hostname, parts.port or 80, timeout=2):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no healthy Streamlit server at {url}")
        time.sleep(0.3)


def session_ttl(explicit: int | None) -> tuple[int, str]:
    """server.disconnectedSessionTTL as the server will see it, and where it came from."""
    if explicit is not None:
        return explicit, "--session-ttl"
    env = os.environ.get("STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL")
    if env:
        return int(env), "environment"
    for path in (ROOT / ".streamlit" / "config.toml", Path.home() / ".streamlit" / "config.toml"):
        if path.exists():
            value = tomllib.loads(path.read_text()).get("server", {}).get(
                "disconnectedSessionTTL")
            if value is not None:
                return int(value), str(path)
    return DEFAULT_TTL_S, "Streamlit default"


# --------------------------------------------------------------------------- memory
class RssSampler:
    """Server RSS (the process and its children) every `every` s, on the event loop."""

    def __init__(self, pid: int | None, every: float = 0.2):
        import psutil                         # imported here: only the benchmark needs it
        self.process = psutil.Process(pid) if pid else None
        self.every = every
        self.samples: list[tuple[float, float]] = []      # (perf_counter, MB)
        self.peak_by_server: dict[int, float] = {}        # streamlit process -> its peak MB
        self._task: asyncio.Task | None = None

    def now_mb(self) -> float | None:
        if self.process is None:
            return None
        import psutil
        try:
            procs = [self.process, *self.process.children(recursive=True)]
            total = 0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss = proc.memory_info().rss
                    total += rss
                    if "streamlit" in " ".join(proc.cmdline()):    # a replica behind HAProxy
                        mb = rss / 2 ** 20
                        self.peak_by_server[proc.pid] = max(mb, self.peak_by_server.get(proc.pid, 0))
            return total / 2 ** 20
        except psutil.NoSuchProcess:
            return None

    async def _run(self) -> None:
        while True:
            mb = self.now_mb()
            if mb is not None:
                self.samples.append((time.perf_counter(), mb))
            await asyncio.sleep(self.every)

    def start(self) -> None:
        if self.process is not None:
            self._task = asyncio.create_task(self._run(), name="rss-sampler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def cpu_s(self) -> float | None:
        """The server's process CPU time so far (user + system, the process and its
        children), in s; None without a pid."""
        if self.process is None:
            return None
        import psutil
        total = 0.0
        with contextlib.suppress(psutil.NoSuchProcess):
            for proc in [self.process, *self.process.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = proc.cpu_times()
                    total += times.user + times.system
        return total

    def peak_mb(self, since: float = 0.0, until: float = float("inf")) -> float | None:
        values = [mb for t, mb in self.samples if since <= t <= until]
        return max(values) if values else None


# --------------------------------------------------------------------------- bare loop
def bare_main(epochs: int, learning_rate: float, init: str, data_kind: str = "sample") -> None:
    """(--bare-only) bench/training.py's compiled loop on the class's data; one JSON line.

    samples_per_s: the best epoch after the first, training only (the plain bare loop, as
    ever); samples_per_s_with_eval: the page's same work, that epoch's training plus the best
    per-epoch evaluation (test set + TRAIN_ACC_SUBSET training digits), eval_share its
    evaluation's part; cpu_us_per_sample: this process's CPU time over every epoch (training
    and evaluation) / the samples trained."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from bench.training import load
    from lib.train.config import TrainConfig
    from lib.train.live import BatchEvent, EpochEvent
    from lib.train.trainer import Trainer
    data = load(data_kind)
    n = len(data.train_images)
    trainer = Trainer(TrainConfig(learning_rate=learning_rate, epochs=epochs,
                                  engine="compiled", init=init), data)
    epochs_out = bare_epoch_timings(trainer.events(), BatchEvent, EpochEvent)
    print(json.dumps({**bare_figures(epochs_out, n), "epochs": epochs, "train_size": n,
                      "test_size": len(data.test_images), "data": data_kind}))


def bare_epoch_timings(events, batch_type=None, epoch_type=None) -> list[dict]:
    """Per epoch after the untrained model's evaluation: training wall s, evaluation wall s,
    and the process CPU s of both (time.process_time: this process's threads too)."""
    out, train_t0, cpu0, last, last_cpu, seen_batch = [], None, None, None, None, False
    t_prev, cpu_prev = time.perf_counter(), time.process_time()
    for event in events:
        now, cpu = time.perf_counter(), time.process_time()
        if isinstance(event, batch_type):
            if not seen_batch:
                train_t0, cpu0, seen_batch = t_prev, cpu_prev, True
            last, last_cpu = now, cpu
        elif isinstance(event, epoch_type) and seen_batch:
            out.append({"train_s": last - train_t0, "eval_s": now - last,
                        "cpu_s": cpu - cpu0})
            seen_batch = False
        t_prev, cpu_prev = time.perf_counter(), time.process_time()
    return out


def bare_figures(epochs: list[dict], n: int) -> dict:
    """The bare loop's speeds from bare_epoch_timings (see bare_main); the first epoch
    (tracing) is left out when there are others."""
    later = epochs[1:] or epochs
    train = min(e["train_s"] for e in later)
    evaluation = min(e["eval_s"] for e in later)
    return {"samples_per_s": n / train,
            "samples_per_s_median_epoch": n / statistics.median(e["train_s"] for e in later),
            "samples_per_s_with_eval": n / (train + evaluation),
            "s_per_epoch": train,
            "eval_s": evaluation, "eval_share": evaluation / (train + evaluation),
            "cpu_us_per_sample": 1e6 * sum(e["cpu_s"] for e in later) / (n * len(later))}


def measure_bare(epochs: int, learning_rate: float, init: str, data_kind: str = "sample",
                 env: dict[str, str] | None = None) -> dict:
    """Run bare_main in a child process (TensorFlow stays out of this process)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare-only",
           f"--bare-epochs={epochs}", f"--bare-lr={learning_rate}", f"--bare-init={init}",
           f"--data={data_kind}"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, **(env or {"MNIST_SOURCE": "sample"}),
                               "TF_CPP_MIN_LOG_LEVEL": "2"})
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bare loop failed:\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- reading the page
def run_status(client: StreamlitClient) -> str | None:
    """'done', 'running', ... from the run marker lib/ui/live.py draws beside the status
    line (bench/stclient.py RunMarker); None when the page shows no run."""
    marker = client.run_marker()
    return marker.status if marker is not None else None


def settings_summary(client: StreamlitClient) -> str:
    """The settings expander's label (it names every setting of the run)."""
    return next((label for label in client.block_labels() if "Settings" in label), "")


def summary_number(summary: str, pattern: str) -> int | None:
    match = re.search(pattern, summary)
    return int(match.group(1).replace(",", "")) if match else None


# --------------------------------------------------------------------------- a student
@dataclass
class Student:
    """One simulated student and what happened to them."""
    name: str
    url: str
    page: str
    prefix: str
    client: StreamlitClient | None = None
    t_start: float | None = None
    t_done: float | None = None
    t_end: float | None = None            # done, failed or given up
    status: str | None = None
    marker: RunMarker | None = None       # the page's run marker when the student stopped following
    final_loss: str | None = None
    samples: int = 0
    ticks_sent: int = 0
    tick_runs: int = 0
    tick_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    summary: str = ""                     # the settings expander's label after prepare()
    replica: str | None = None            # behind HAProxy: the X-Replica that answered
    lost_connection: bool = False

    @property
    def done(self) -> bool:
        return self.t_done is not None

    @property
    def time_to_done(self) -> float | None:
        return None if self.t_done is None else self.t_done - self.t_start

    @property
    def throughput(self) -> float | None:
        """Samples per second of the student's own time (to done, or to giving up)."""
        if self.t_start is None or self.t_end is None or self.t_end <= self.t_start:
            return None
        return self.samples / (self.t_end - self.t_start)

    async def prepare(self, preset: str | None, engine: str | None, epochs: int | None,
                      timeout: float) -> None:
        """Connect, open the page, choose the settings (only those not already right)."""
        self.client = StreamlitClient(self.url, name=self.name)
        await self.client.connect()
        await self.client.open_page(self.page, timeout)
        c, p = self.client, self.prefix
        if preset is not None and c.find(f"{p}_preset") is not None:
            await self._choose(f"{p}_preset", preset, timeout)
        if engine is not None and c.find(f"{p}_engine") is not None:
            await self._choose(f"{p}_engine", engine, timeout)
        if epochs is not None and summary_number(settings_summary(c), r"(\d+) epochs") != epochs:
            await self._wait(await c.set_value(f"{p}_epochs", epochs), timeout)
        summary = self.summary = settings_summary(c)
        if engine is not None and summary and f"{engine} engine" not in summary:
            raise RuntimeError(f"{self.name}: engine {engine!r} not applied: {summary}")
        if epochs is not None and summary and f"{epochs} epochs" not in summary:
            raise RuntimeError(f"{self.name}: epochs {epochs} not applied: {summary}")
        self.errors.extend(c.errors)

    async def _choose(self, key: str, value: str, timeout: float) -> None:
        node = self.client.widget(key)
        proto = node.element.selectbox
        current = proto.options[proto.default] if 0 <= proto.default < len(proto.options) else None
        if current is not None and (current == value or current.startswith(f"{value} ")):
            return                                   # a fresh session shows the default
        await self._wait(await self.client.set_value(key, value), timeout)

    async def _wait(self, request, timeout: float) -> None:
        if not await self.client.wait_request(request, timeout):
            raise TimeoutError(f"{self.name}: the settings rerun did not finish")

    async def train(self, go: asyncio.Event, deadline: float) -> None:
        """At the barrier's signal press Start, then follow the page until it is done,
        shows an error, or the deadline passes."""
        c = self.client
        errors_before = len(c.errors)
        await go.wait()
        self.t_start = time.perf_counter()
        await c.click(f"{self.prefix}_start")

        def finished(client: StreamlitClient) -> bool:
            return (run_status(client) in FINISHED_STATUSES
                    or len(client.errors) > errors_before or client.closed)

        await c.wait_for(finished, max(0.0, deadline - time.perf_counter()))
        self.t_end = time.perf_counter()
        # The run marker is drawn before the metrics: let the run that said "done" finish
        # drawing, or the loss read below would be the previous tick's.
        # (That run may also be cut short by the full rerun the page asks for when a run
        # ends, and then never reports; so wait for the session to be idle, or a later run.)
        run = c.current_run
        if run is not None and not c.closed and \
                run_status(c) in FINISHED_STATUSES:
            with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
                await c.wait_for(lambda cl: run.finished is not None or cl.current_run is not run
                                 and (cl.current_run is None or cl.current_run.finished),
                                 min(60.0, max(5.0, deadline - time.perf_counter())))
        self.marker = c.run_marker()
        self.status = self.marker.status if self.marker is not None else None
        self.errors.extend(c.errors[errors_before:])
        self.replica = c.replica
        if c.closed:
            self.lost_connection = True
            self.errors.append(f"connection lost: {c.close_reason}")
        if self.status == "done" and not self.errors:
            self.t_done = self.t_end
        elif not self.errors:
            self.note = f"gave up after {self.t_end - self.t_start:.0f} s ({self.status})"
        self.final_loss = c.metric(LOSS_LABEL)
        self.samples = self.marker.samples if self.marker is not None else 0
        # The live panel is the fragment that draws the run marker; its timer's
        # auto-reruns are the ticks (the Start button may sit inside it or outside).
        node = c.run_marker_node()
        panel = node.fragment_id if node is not None else ""
        self.ticks_sent = c.stats.auto_reruns_sent.get(panel, 0) if panel else 0
        self.tick_runs = sum(1 for run in c.runs.values()
                             if panel in run.fragment_ids and run.started >= self.t_start)
        self.tick_latencies = [r.duration for r in c.requests
                               if r.is_auto_rerun and r.fragment_id == panel
                               and r.duration is not None and r.sent >= self.t_start]

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()


# --------------------------------------------------------------------------- the observer
async def time_reruns(client: StreamlitClient, count: int | None, stop: asyncio.Event | None,
                      deadline: float, pause: float = 0.2, per_rerun_timeout: float = 60.0,
                      offset: int = 0,
                      reconnect: Callable[[], Awaitable[StreamlitClient]] | None = None,
                      ) -> tuple[list[float], int]:
    """Type indices into the Slicing page, one after another; time each rerun from the
    rerun_script to its script_finished. A rerun that does not finish in per_rerun_timeout
    counts with the time waited (a lower bound) and as a timeout. With `reconnect`, a lost
    connection (its replica was killed) is replaced by a fresh one, as the browser would."""
    durations, timeouts = [], 0
    i = 0
    while (count is None or i < count) and not (stop is not None and stop.is_set()):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        if client.closed and reconnect is not None:
            client = await reconnect()
        try:
            request = await client.set_value(SLICING_KEY, EXPRESSIONS[(i + offset) % len(EXPRESSIONS)])
            answered = await client.wait_request(request, min(per_rerun_timeout, remaining))
        except ProtocolError:
            if reconnect is None or not client.closed:
                raise
            continue                     # the replica died under this rerun: not a timing
        if answered:
            if request.status != SCRIPT_FINISHED.FINISHED_SUCCESSFULLY:
                client.errors.append(f"slicing rerun ended with status {request.status}")
            durations.append(request.duration)
        elif client.closed and reconnect is not None:
            continue
        else:
            timeouts += 1
            durations.append(time.perf_counter() - request.sent)
        i += 1
        await asyncio.sleep(pause)
    return durations, timeouts


def button_enabled(client: StreamlitClient, key: str) -> bool:
    """The button with user key `key` is drawn and not disabled."""
    node = client.find(key)
    return node is not None and not getattr(getattr(node.element, node.kind), "disabled", False)


PAUSE_EVERY_S = (2.0, 4.0)       # the pause probe lets its run train this long between two Pauses


async def probe_pauses(student: Student, stop: asyncio.Event, deadline: float,
                       every: tuple[float, float] = PAUSE_EVERY_S, timeout: float = 60.0,
                       rng: random.Random | None = None) -> tuple[list[float], int]:
    """--pause-probe: press Start, then until `stop` (the class is done) or the run ends:
    let it train `every` s, click Pause, time the click until the run marker says "paused"
    (a click that gets no "paused" within `timeout` counts as `timeout`, a lower bound, and as
    a timeout), click Resume. At the end the run is stopped; student.samples is what it
    trained. Returns (durations, timeouts)."""
    c, p = student.client, student.prefix
    rng = rng or random.Random(0)
    durations, timeouts = [], 0
    over = (*FINISHED_STATUSES,)

    def left() -> float:
        return max(0.0, deadline - time.perf_counter())

    async def rest(seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
            await asyncio.wait_for(stop.wait(), min(seconds, left()))

    student.t_start = time.perf_counter()
    await c.click(f"{p}_start")
    while not stop.is_set() and left() > 0:
        if not await c.wait_for(lambda cl: run_status(cl) == "running" or run_status(cl) in over,
                                left()) or run_status(c) in over:
            break
        await rest(rng.uniform(*every))
        if stop.is_set() or run_status(c) != "running" or c.closed:
            break
        t0 = time.perf_counter()
        await c.click(f"{p}_pause")
        answered = await c.wait_for(lambda cl: run_status(cl) == "paused"
                                    or run_status(cl) in over, min(timeout, left() or timeout))
        if run_status(c) == "paused":
            durations.append(time.perf_counter() - t0)
        elif not answered and not c.closed:
            timeouts += 1
            durations.append(time.perf_counter() - t0)
            continue
        else:
            break                                # the run ended under the click
        await c.wait_for(lambda cl: button_enabled(cl, f"{p}_start"), min(timeout, left()))
        await c.click(f"{p}_start")              # Resume
    student.t_end = time.perf_counter()
    marker = c.run_marker()
    student.samples = marker.samples if marker is not None else 0
    student.status = marker.status if marker is not None else None
    if student.status in ("running", "paused") and not c.closed:
        with contextlib.suppress(Exception):
            await c.click(f"{p}_stop")
    student.errors.extend(c.errors)
    return durations, timeouts


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


# --------------------------------------------------------------------------- the run
@dataclass
class Bench:
    """What the phases share: the options, the server, the RSS sampler, the observer."""
    args: argparse.Namespace
    url: str
    pid: int | None
    prefix: str
    rss: RssSampler
    observer: StreamlitClient
    say: Callable[..., None]
    phases: dict[str, float] = field(default_factory=dict)
    data_env: dict[str, str] | None = None       # the server's MNIST (data_env())

    def student(self, name: str) -> Student:
        return Student(name, self.url, self.args.page, self.prefix)

    async def prepare(self, student: Student) -> None:
        a = self.args
        await student.prepare(a.preset, a.engine, a.epochs, a.timeout)

    async def fresh_observer(self) -> StreamlitClient:
        """The observer's replica died (--kill-pid): a new tab on Slicing through the same
        URL, as the browser's reconnect gets (HAProxy sends it to a live replica)."""
        lost = self.observer
        self.observer = StreamlitClient(self.url, name="observer")
        self.observer.errors.extend(lost.errors)
        self.phases["observer_reconnects"] = self.phases.get("observer_reconnects", 0) + 1
        await self.observer.connect()
        await self.observer.open_page(SLICING_PAGE, self.args.timeout)
        return self.observer


@dataclass
class ClassRun:
    """The class phase's raw outcome."""
    students: list[Student]
    ready: list[Student]
    t_start: float                 # the barrier opened
    t_end: float
    loaded: list[float]
    loaded_timeouts: int
    peak_mb: float | None
    load_avg: tuple[float, float, float]
    cpu_s: float | None = None             # the server's process CPU time over the class
    probe: Student | None = None           # --pause-probe's student
    pauses: list[float] = field(default_factory=list)
    pause_timeouts: int = 0


async def warm_up(b: Bench) -> None:
    """A throwaway student trains one epoch, as the day's first student would: the server
    imports and warms TensorFlow (lib/core/server.py) before anything is measured. Then the
    observer opens Slicing, where it stays."""
    b.say("warm-up: one epoch by a throwaway student, then Slicing")
    t = time.perf_counter()
    first = b.student("warm-up")
    go = asyncio.Event()
    go.set()
    try:
        await first.prepare(b.args.preset, b.args.engine, 1, b.args.timeout)
        await first.train(go, time.perf_counter() + b.args.timeout)
    finally:
        await first.close()
    await b.observer.connect()
    await b.observer.open_page(SLICING_PAGE, b.args.timeout)
    b.phases["warmup_s"] = time.perf_counter() - t


async def solo_run(b: Bench) -> Student:
    """One student alone with the class's settings: the determinism reference."""
    b.say("solo: one student alone, the determinism reference")
    solo = b.student("solo")
    go = asyncio.Event()
    go.set()
    try:
        await b.prepare(solo)
        await solo.train(go, time.perf_counter() + b.args.timeout)
    finally:
        await solo.close()
    return solo


async def idle_reruns(b: Bench) -> tuple[list[float], int]:
    """Slicing reruns while nobody trains (TensorFlow imported by the solo run)."""
    b.say("idle reruns on Slicing")
    await time_reruns(b.observer, 2, None, time.perf_counter() + 120)      # not counted
    return await time_reruns(b.observer, b.args.reruns, None, time.perf_counter() + 300)


def bare_loop(b: Bench, summary: str) -> dict:
    """bench/training.py's compiled loop in a subprocess, with the run's learning rate and
    init as its page showed them (speed does not depend on them); never fatal."""
    b.say("bare compiled loop (subprocess)")
    lr = re.search(r"learning_rate ([\d.e+-]+)", summary)
    init = re.search(r"(\w+) init", summary)
    epochs = b.args.bare_epochs or (3 if b.args.data == "full" else 8)
    try:
        return measure_bare(epochs, float(lr.group(1)) if lr else 1e-3,
                            init.group(1) if init else "uniform", b.args.data, b.data_env)
    except Exception as exc:                      # report it, and still measure the class
        return {"samples_per_s": None, "error": f"{type(exc).__name__}: {exc}"[:500]}


async def class_run(b: Bench) -> ClassRun:
    """N students open the page and choose the settings; at the barrier they all press
    Start; the observer types into Slicing until every student is done or gave up."""
    b.say(f"class: {b.args.students} students open the page")
    t_open = time.perf_counter()
    students = [b.student(f"student{i + 1:02d}") for i in range(b.args.students)]
    probe = b.student("pause-probe") if b.args.pause_probe else None
    probe_ready = asyncio.create_task(b.prepare(probe)) if probe is not None else None
    outcomes = await asyncio.gather(*(b.prepare(s) for s in students), return_exceptions=True)
    if probe_ready is not None:
        try:
            await probe_ready
        except Exception as exc:                 # the class goes on without the probe
            probe.errors.append(f"could not prepare: {type(exc).__name__}: {exc}")
            probe = None
    for student, outcome in zip(students, outcomes):
        if isinstance(outcome, BaseException):
            student.errors.append(f"could not prepare: {type(outcome).__name__}: {outcome}")
    ready = [s for s, o in zip(students, outcomes) if not isinstance(o, BaseException)]
    b.phases["class_prepare_s"] = time.perf_counter() - t_open
    b.say(f"class: {len(ready)} ready; Start pressed together")

    go, stop_observer = asyncio.Event(), asyncio.Event()
    deadline = time.perf_counter() + b.args.timeout
    trainers = [asyncio.create_task(s.train(go, deadline)) for s in ready]
    cpu0 = b.rss.cpu_s()
    t_start = time.perf_counter()
    go.set()                                       # the barrier: everyone presses Start now
    prober = asyncio.create_task(probe_pauses(probe, stop_observer, deadline)) \
        if probe is not None else None
    observer = asyncio.create_task(time_reruns(
        b.observer, None, stop_observer, deadline, pause=b.args.observer_pause,
        reconnect=b.fresh_observer))    # a lost observer (a killed replica, or the server's
    #                                     keepalive timing out on a swamped machine) is replaced
    heartbeat = asyncio.create_task(report_progress(ready, b.say, t_start))
    killer = asyncio.create_task(kill_later(b)) if b.args.kill_pid else None
    await asyncio.gather(*trainers, return_exceptions=True)
    if killer is not None:
        await killer
    heartbeat.cancel()
    stop_observer.set()
    cpu1 = b.rss.cpu_s()
    loaded, loaded_timeouts = await observer
    pauses, pause_timeouts = [], 0
    if prober is not None:
        try:
            pauses, pause_timeouts = await prober
        except Exception as exc:
            probe.errors.append(f"pause probe: {type(exc).__name__}: {exc}")
    t_end = time.perf_counter()
    return ClassRun(students, ready, t_start, t_end, loaded, loaded_timeouts,
                    b.rss.peak_mb(since=t_open, until=t_end), os.getloadavg(),
                    cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None,
                    probe, pauses, pause_timeouts)


async def kill_later(b: Bench) -> None:
    """--kill-pid: SIGKILL one process (a replica behind HAProxy) --kill-after s into the
    class, as a crash would; who kept training is in the report."""
    await asyncio.sleep(b.args.kill_after)
    b.say(f"killing pid {b.args.kill_pid} {b.args.kill_after:g} s into the class")
    with contextlib.suppress(ProcessLookupError):
        os.kill(b.args.kill_pid, signal.SIGKILL)
    b.phases["killed_at_s"] = b.args.kill_after


async def leave(b: Bench, students: list[Student], ttl: int, wait: bool = True) -> dict:
    """Everyone disconnects; wait out the session TTL, make Streamlit drop the expired
    sessions, give the server --settle s to give memory back, read RSS."""
    b.say("leave: every client disconnects")
    await asyncio.gather(*(s.close() for s in students))
    await b.observer.close()
    t_left = time.perf_counter()
    out = {"rss_at_leave_mb": b.rss.now_mb(), "rss_after_mb": b.rss.now_mb(),
           "rss_after_waited_s": 0.0, "sessions_dropped": False}
    if b.pid is None or b.args.no_wait_ttl or not wait:
        return out
    b.say(f"waiting {ttl} s (server.disconnectedSessionTTL) for the sessions to expire, "
          f"then {b.args.settle:g} s")
    await asyncio.sleep(max(0.0, t_left + ttl + 1 - time.perf_counter()))
    # Streamlit drops an expired session lazily: its storage (a TTLCache in
    # runtime/memory_session_storage.py) reaps expired entries only when another session
    # is saved, i.e. when another websocket disconnects; a reaped session is not shut down,
    # only dereferenced. So one visitor connects and leaves (that reaps), and a second one
    # runs a page (with runner.postScriptGC on, Streamlit collects after that run, freeing
    # the sessions' reference cycles). A server that drops sessions itself needs neither
    # visit, and they cost it little.
    await _visit(b.url, None)
    await _visit(b.url, SLICING_PAGE)
    # Memory comes back when the server collects and trims, on its own schedule (a
    # janitor thread, malloc): give it --settle seconds, then read RSS.
    await asyncio.sleep(b.args.settle)
    out.update(rss_after_mb=b.rss.now_mb(), rss_after_waited_s=time.perf_counter() - t_left,
               sessions_dropped=True)
    return out


def figures(c: ClassRun, solo: Student, bare: dict) -> dict:
    """The class's figures from its raw outcome."""
    done = [s for s in c.ready if s.done]
    times = [s.time_to_done for s in done]
    t_first = min((s.t_start for s in c.ready if s.t_start), default=c.t_start)
    t_last = max((s.t_end for s in c.ready if s.t_end), default=c.t_end)
    wall = t_last - t_first
    probe_samples = c.probe.samples if c.probe is not None else 0
    total = sum(s.samples for s in c.students) + probe_samples
    aggregate = total / wall if wall > 0 else None
    bare_sps = bare.get("samples_per_s")
    bare_eval_sps = bare.get("samples_per_s_with_eval")
    throughputs = [s.throughput for s in c.ready if s.throughput is not None]
    fair = len(throughputs) == len(c.ready) and throughputs and min(throughputs) > 0
    ticks = [s.ticks_sent for s in c.ready]
    tick_latencies = [x for s in c.ready for x in s.tick_latencies]
    errors = [e for s in c.students for e in s.errors] + (c.probe.errors if c.probe else [])
    replicas = sorted({s.replica for s in c.students if s.replica})
    lost = [s for s in c.ready if s.lost_connection]
    lost_replicas = {s.replica for s in lost}
    others = [s for s in c.ready if s.replica not in lost_replicas] if lost else c.ready
    return {
        "students_per_replica": {r: sum(s.replica == r for s in c.students) for r in replicas},
        "lost_connection": len(lost),
        "others_done": sum(s.done for s in others),
        "others": len(others),
        "done": len(done),
        "time_to_done_s": {"min": _r(min(times, default=None)),
                           "median": _r(statistics.median(times) if times else None),
                           "max": _r(max(times, default=None))},
        "wall_s": _r(wall),
        "total_samples": total,
        "aggregate_samples_per_s": _r(aggregate, 0),
        "bare_samples_per_s": _r(bare_sps, 0),
        "aggregate_share_of_bare": _r(aggregate / bare_sps if aggregate and bare_sps else None, 3),
        "aggregate_share_of_bare_with_eval": _r(aggregate / bare_eval_sps
                                                if aggregate and bare_eval_sps else None, 3),
        "server_cpu_s": _r(c.cpu_s, 1),
        "server_cpu_us_per_sample": _r(1e6 * c.cpu_s / total if c.cpu_s and total else None, 1),
        "pause_probe": c.probe is not None,
        "pause_p50_s": _r(percentile(c.pauses, 50)),
        "pause_p95_s": _r(percentile(c.pauses, 95)),
        "pause_max_s": _r(max(c.pauses, default=None)),
        "pause_n": len(c.pauses), "pause_timeouts": c.pause_timeouts,
        "pause_probe_samples": probe_samples,
        "fairness_max_over_min": _r(max(throughputs) / min(throughputs) if fair else None, 2),
        "throughput_per_student": {"min": _r(min(throughputs, default=None), 0),
                                   "max": _r(max(throughputs, default=None), 0)},
        "ticks_per_student_median": statistics.median(ticks) if ticks else None,
        "tick_p50_s": _r(percentile(tick_latencies, 50)),
        "tick_p95_s": _r(percentile(tick_latencies, 95)),
        "peak_rss_mb": _r(c.peak_mb, 0),
        "rerun_p50_s_loaded": _r(percentile(c.loaded, 50)),
        "rerun_p95_s_loaded": _r(percentile(c.loaded, 95)),
        "rerun_n_loaded": len(c.loaded), "rerun_timeouts_loaded": c.loaded_timeouts,
        "class_errors": errors,
        "deterministic": bool(c.students) and len(done) == len(c.students)
        and solo.final_loss is not None and all(s.final_loss == solo.final_loss for s in done),
        "final_losses": sorted({s.final_loss for s in done if s.final_loss}),
        "loadavg_1m": _r(c.load_avg[0], 2), "loadavg_5m": _r(c.load_avg[1], 2),
        "per_student": [{"name": s.name, "done": s.done, "time_to_done_s": _r(s.time_to_done),
                         "samples": s.samples, "samples_per_s": _r(s.throughput, 0),
                         "final_loss": s.final_loss, "ticks": s.ticks_sent,
                         "tick_runs": s.tick_runs, "status": s.status,
                         "errors": len(s.errors), "note": s.note, "replica": s.replica}
                        for s in c.students],
    }


async def run_bench(args, url: str, pid: int | None, ttl: int, ttl_source: str) -> dict:
    """The six phases, in order; returns the JSON line's dict."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    say = (lambda *a: None) if args.json_only else \
        (lambda *a: print(*a, file=sys.stderr, flush=True))
    b = Bench(args, url, pid, args.key_prefix or KEY_PREFIX.get(args.page, args.page.split("_")[0]),
              RssSampler(pid), StreamlitClient(url, name="observer"), say,
              data_env=getattr(args, "data_env", None))
    b.rss.start()
    students: list[Student] = []
    rounds: list[dict] = []
    n_rounds = max(1, args.classes, args.repeat)
    try:
        await warm_up(b)
        solo = await solo_run(b)
        idle, idle_timeouts = await idle_reruns(b)
        bare = None
        for i in range(n_rounds):
            if i > 0:
                await reopen_observer(b)
            if bare is None or args.repeat > 1:
                bare = bare_loop(b, solo.summary)
            rss_before = b.rss.now_mb()
            c = await class_run(b)
            students = c.students + ([c.probe] if c.probe is not None else [])
            memory = await leave(b, students, ttl,
                                 wait=args.classes > 1 or i == n_rounds - 1)
            rounds.append(round_summary(i + 1, figures(c, solo, bare), bare, rss_before, memory))
            say(f"round {i + 1}/{n_rounds}: " + json.dumps(rounds[-1]))
        if args.class_mode:                  # issue 20: the keys bench/class_mode.py adds
            from bench import class_mode
            class_figures = await class_mode.run(b, solo, bare)
    finally:
        await b.rss.stop()
        for s in students:
            with contextlib.suppress(Exception):
                await s.close()
        with contextlib.suppress(Exception):
            await b.observer.close()

    result = {"bench": "classroom", "students": args.students, "page": args.page,
              "preset": args.preset, "engine": args.engine, "epochs": args.epochs,
              "url_given": bool(args.url), "session_ttl_s": ttl, "session_ttl_source": ttl_source,
              "solo": {"done": solo.done, "time_to_done_s": _r(solo.time_to_done),
                       "samples": solo.samples, "samples_per_s": _r(solo.throughput, 0),
                       "final_loss": solo.final_loss, "ticks": solo.ticks_sent,
                       "errors": solo.errors[:3]}}
    result.update(figures(c, solo, bare))
    result.update(summarize_rounds(rounds))
    result["rounds"] = rounds
    result["data"] = args.data
    result["observer_pause_s"] = args.observer_pause
    result.update(class_figures if args.class_mode else {})
    errors = result.pop("class_errors") + solo.errors + b.observer.errors
    rss_after, rss_at_leave = memory["rss_after_mb"], memory["rss_at_leave_mb"]
    result.update({
        "rss_before_mb": _r(rss_before, 0),
        "peak_rss_mb_whole_bench": _r(b.rss.peak_mb(), 0),
        "peak_rss_mb_by_server": {str(pid): _r(mb, 0) for pid, mb in b.rss.peak_by_server.items()},
        "rss_at_leave_mb": _r(rss_at_leave, 0),
        "rss_after_mb": _r(rss_after, 0),
        "rss_after_waited_s": _r(memory["rss_after_waited_s"], 1),
        "sessions_dropped": memory["sessions_dropped"],
        "rss_after_over_before": _r(rss_after / rss_before if rss_after and rss_before else None,
                                    3),
        "rerun_p50_s_idle": _r(percentile(idle, 50)),
        "rerun_p95_s_idle": _r(percentile(idle, 95)),
        "rerun_n_idle": len(idle), "rerun_timeouts_idle": idle_timeouts,
        "errors": len(errors),
        "error_messages": errors[:5],
        "solo_final_loss": solo.final_loss,
        "bare": bare,
        "phases_s": {k: _r(v, 1) for k, v in b.phases.items()},
        "timeout_s": args.timeout,
        "cpu_count": os.cpu_count(),
        "bench_cpu_s": _r(time.process_time() - cpu0, 1),
        "bench_wall_s": _r(time.perf_counter() - wall0, 1),
    })
    return result


async def reopen_observer(b: Bench) -> None:
    """A new observer tab on Slicing for the next class (leave() closed the last one)."""
    lost = b.observer
    b.observer = StreamlitClient(b.url, name="observer")
    b.observer.errors.extend(lost.errors)
    await b.observer.connect()
    await b.observer.open_page(SLICING_PAGE, b.args.timeout)


def round_summary(number: int, fig: dict, bare: dict, rss_before: float | None,
                  memory: dict) -> dict:
    """One class (and the bare loop measured before it) in a few numbers."""
    return {"round": number, "done": fig["done"], "errors": len(fig["class_errors"]),
            "first_error": (fig["class_errors"] or [None])[0], "wall_s": fig["wall_s"],
            "time_to_done_median_s": fig["time_to_done_s"]["median"],
            "aggregate_samples_per_s": fig["aggregate_samples_per_s"],
            "bare_samples_per_s": _r(bare.get("samples_per_s"), 0),
            "bare_samples_per_s_with_eval": _r(bare.get("samples_per_s_with_eval"), 0),
            "aggregate_share_of_bare": fig["aggregate_share_of_bare"],
            "aggregate_share_of_bare_with_eval": fig["aggregate_share_of_bare_with_eval"],
            "server_cpu_us_per_sample": fig["server_cpu_us_per_sample"],
            "bare_cpu_us_per_sample": _r(bare.get("cpu_us_per_sample"), 1),
            "fairness_max_over_min": fig["fairness_max_over_min"],
            "rerun_p95_s_loaded": fig["rerun_p95_s_loaded"],
            "pause_p95_s": fig["pause_p95_s"],
            "peak_rss_mb": fig["peak_rss_mb"], "rss_before_mb": _r(rss_before, 0),
            "rss_at_leave_mb": _r(memory["rss_at_leave_mb"], 0),
            "rss_after_mb": _r(memory["rss_after_mb"], 0),
            "sessions_dropped": memory["sessions_dropped"],
            "loadavg_1m": fig["loadavg_1m"]}


RSS_CREEP = 1.02     # from the third class on, each may add at most 2% to the RSS after it


def summarize_rounds(rounds: list[dict]) -> dict:
    """Across the rounds: every share and its median (wall and CPU), the RSS after each class
    (read after its sessions were dropped) and its growth from the third class on."""
    def all_of(key):
        return [r.get(key) for r in rounds]

    def median(values):
        values = [v for v in values if v is not None]
        return _r(statistics.median(values), 3) if values else None
    cpu_share = [_r(b / s, 3) if b and s else None
                 for b, s in zip(all_of("bare_cpu_us_per_sample"), all_of("server_cpu_us_per_sample"))]
    rss = [r["rss_after_mb"] if r.get("sessions_dropped") else None for r in rounds]
    growth = [_r(rss[i] / rss[i - 1], 3) if rss[i] and rss[i - 1] else None
              for i in range(2, len(rss))]
    return {"rounds_n": len(rounds),
            "aggregate_share_of_bare_all": all_of("aggregate_share_of_bare"),
            "aggregate_share_of_bare_median": median(all_of("aggregate_share_of_bare")),
            "aggregate_share_of_bare_with_eval_all": all_of("aggregate_share_of_bare_with_eval"),
            "aggregate_share_of_bare_with_eval_median":
                median(all_of("aggregate_share_of_bare_with_eval")),
            "server_cpu_us_per_sample_all": all_of("server_cpu_us_per_sample"),
            "bare_cpu_us_per_sample_all": all_of("bare_cpu_us_per_sample"),
            "cpu_share_of_bare_all": cpu_share,          # bare CPU per sample / the server's
            "cpu_share_of_bare_median": median(cpu_share),
            "rss_after_each_class_mb": rss,
            "rss_growth_after_second": growth,
            "rss_creeps": any(g is not None and g > RSS_CREEP for g in growth)}


async def report_progress(students: list[Student], say, t0: float, every: float = 30.0) -> None:
    """Every `every` s while the class trains: how many are done, and batches so far."""
    while True:
        await asyncio.sleep(every)
        markers = [s.client.run_marker() for s in students if s.client is not None]
        batches = sum(m.batch for m in markers if m is not None)
        done = sum(m is not None and m.status == "done" for m in markers)
        statuses = collections.Counter(m.status if m is not None else "no marker"
                                       for m in markers)
        closed = sum(s.client is not None and s.client.closed for s in students)
        timers = sum(bool(s.client.timers) for s in students if s.client is not None)
        say(f"  {time.perf_counter() - t0:5.0f} s: {done}/{len(students)} done, "
            f"{batches:,} batches between them ({dict(statuses)}; {timers} clients ticking, "
            f"{closed} closed)")


async def _visit(url: str, page: str | None) -> None:
    """Connect and leave (optionally after one run of `page`)."""
    client = StreamlitClient(url, name="visitor")
    try:
        await client.connect()
        if page is not None:
            with contextlib.suppress(Exception):
                await client.open_page(page, 60)
        else:
            await asyncio.sleep(0.5)
    finally:
        await client.close()
        await asyncio.sleep(0.5)


def _r(value, digits: int = 3):
    if value is None:
        return None
    return round(value, digits) if digits else round(value)


# --------------------------------------------------------------------------- output
def print_table(r: dict) -> None:
    def line(label: str, value) -> None:
        print(f"  {label:<44} {value}")
    t = r["time_to_done_s"]
    print(f"\nclassroom: {r['students']} students · page {r['page']} · preset {r['preset']} · "
          f"engine {r['engine']}" + (f" · {r['epochs']} epochs" if r["epochs"] else ""))
    line("finished (done / students)", f"{r['done']} / {r['students']}")
    line("time to done, min / median / max (s)", f"{t['min']} / {t['median']} / {t['max']}")
    line("solo student: time to done (s), samples/s",
         f"{r['solo']['time_to_done_s']}, {r['solo']['samples_per_s']}")
    line("aggregate samples/s (first Start -> last done)",
         f"{r['aggregate_samples_per_s']} over {r['wall_s']} s")
    line("bare compiled loop samples/s (same run)", r["bare_samples_per_s"])
    line("aggregate share of bare", r["aggregate_share_of_bare"])
    bare = r.get("bare") or {}
    line("bare with its per-epoch evaluation: samples/s, eval share",
         f"{_r(bare.get('samples_per_s_with_eval'), 0)}, {_r(bare.get('eval_share'), 3)}")
    line("aggregate share of bare with evaluation", r["aggregate_share_of_bare_with_eval"])
    line("CPU per sample: server in class / bare (us)",
         f"{r['server_cpu_us_per_sample']} / {_r(bare.get('cpu_us_per_sample'), 1)}")
    if r.get("pause_probe"):
        line("Pause click -> paused p50/p95/max (s)",
             f"{r['pause_p50_s']} / {r['pause_p95_s']} / {r['pause_max_s']} "
             f"(n={r['pause_n']}, {r['pause_timeouts']} timed out)")
    if r.get("rounds_n", 1) > 1:
        line("share of bare, every round (median)",
             f"{r['aggregate_share_of_bare_all']} ({r['aggregate_share_of_bare_median']})")
        line("share of bare with evaluation, every round (median)",
             f"{r['aggregate_share_of_bare_with_eval_all']} "
             f"({r['aggregate_share_of_bare_with_eval_median']})")
        line("CPU share of bare (bare CPU/sample / server's)",
             f"{r['cpu_share_of_bare_all']} ({r['cpu_share_of_bare_median']})")
        line("RSS after each class (MB), growth from the 3rd",
             f"{r['rss_after_each_class_mb']}, {r['rss_growth_after_second']}")
    line("fairness: max/min student samples/s", r["fairness_max_over_min"])
    line("ticks per student (median), tick p50/p95 (s)",
         f"{r['ticks_per_student_median']}, {r['tick_p50_s']} / {r['tick_p95_s']}")
    line("Slicing rerun p50/p95 idle (s)",
         f"{r['rerun_p50_s_idle']} / {r['rerun_p95_s_idle']} (n={r['rerun_n_idle']})")
    bound = ", timed-out ones count as the time waited: a lower bound" \
        if r["rerun_timeouts_loaded"] else ""
    line("Slicing rerun p50/p95 while training (s)",
         f"{r['rerun_p50_s_loaded']} / {r['rerun_p95_s_loaded']} (n={r['rerun_n_loaded']}, "
         f"{r['rerun_timeouts_loaded']} timed out{bound})")
    line("server RSS before / peak / at leave / after (MB)",
         f"{r['rss_before_mb']} / {r['peak_rss_mb']} / {r['rss_at_leave_mb']} / {r['rss_after_mb']}")
    line("RSS after: waited (s), sessions dropped",
         f"{r['rss_after_waited_s']}, {r['sessions_dropped']} (TTL {r['session_ttl_s']} s, "
         f"{r['session_ttl_source']})")
    line("errors", r["errors"])
    for message in r["error_messages"]:
        line("", f"- {message[:110]}")
    if r.get("server_log_tracebacks"):
        line("tracebacks in the server's log", r["server_log_tracebacks"])
        for message in r["server_log_errors"]:
            line("", f"- {message[:110]}")
    line("deterministic (every final loss == solo's)",
         f"{r['deterministic']} (solo {r['solo_final_loss']}, class {r['final_losses']})")
    line("load average 1 / 5 min, cores",
         f"{r['loadavg_1m']} / {r['loadavg_5m']}, {r['cpu_count']}")
    line("bench's own CPU / wall (s)", f"{r['bench_cpu_s']} / {r['bench_wall_s']}")
    not_done = [p for p in r["per_student"] if not p["done"]]
    for p in not_done[:5]:
        line(f"not done: {p['name']}", f"{p['status']} · {p['samples']} samples · {p['note']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--page", default="train_naive", help="url path of the training page")
    parser.add_argument("--preset", default="book", help="the page's preset selectbox value")
    parser.add_argument("--engine", default="compiled")
    parser.add_argument("--epochs", type=int, default=None, help="override the preset's epochs")
    parser.add_argument("--url", default=None, help="an already running server (no start)")
    parser.add_argument("--pid", type=int, default=None, help="with --url: its pid, for RSS")
    parser.add_argument("--timeout", type=float, default=None,
                        help="give up on the class (and on the solo run) after this many s")
    parser.add_argument("--reruns", type=int, default=15, help="idle Slicing reruns to time")
    parser.add_argument("--observer-pause", type=float, default=0.2,
                        help="s between the observer's Slicing reruns while the class trains "
                             "(0.2: one after another, as ever; a person typing: 2 or more)")
    parser.add_argument("--bare-epochs", type=int, default=None,
                        help="epochs of the bare loop (default 8 on the sample, 3 on full)")
    parser.add_argument("--classes", type=int, default=1,
                        help="K classes one after another on the same server, RSS after each")
    parser.add_argument("--repeat", type=int, default=1,
                        help="R times: the bare loop, then a class (interleaved)")
    parser.add_argument("--data", choices=("sample", "full"), default="sample",
                        help="full: a 60,000 / 10,000 set built from the sample, read through "
                             "the loader's Keras cache under a temporary KERAS_HOME")
    parser.add_argument("--pause-probe", action="store_true",
                        help="one more client clicks Pause/Resume during the class (pause p95)")
    parser.add_argument("--session-ttl", type=int, default=None,
                        help="server.disconnectedSessionTTL to start the server with (and wait)")
    parser.add_argument("--settle", type=float, default=40.0,
                        help="after the TTL and the reap, wait this long before reading RSS")
    parser.add_argument("--no-wait-ttl", action="store_true",
                        help="report rss_after right after everyone left")
    parser.add_argument("--key-prefix", default=None, help="widget key prefix of the page")
    parser.add_argument("--kill-pid", type=int, default=None,
                        help="SIGKILL this process (e.g. one replica) during the class")
    parser.add_argument("--kill-after", type=float, default=10.0,
                        help="with --kill-pid: seconds after Start")
    parser.add_argument("--json-only", action="store_true")
    from bench import class_mode             # --class-mode, --class-mode-pairs
    class_mode.add_arguments(parser)
    parser.add_argument("--bare-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare-lr", type=float, default=1e-3, help=argparse.SUPPRESS)
    parser.add_argument("--bare-init", default="uniform", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = DEFAULT_TIMEOUT_S * (4 if args.data == "full" else 1)
    if args.bare_only:
        bare_main(args.bare_epochs or 3, args.bare_lr, args.bare_init, args.data)
        return
    if args.data == "full" and args.url:
        parser.error("--data full starts its own server (its data lives in a temporary home)")

    ttl, ttl_source = session_ttl(args.session_ttl)
    with tempfile.TemporaryDirectory(prefix="classroom-") as tmp:
        log = None if args.url else Path(tmp) / "streamlit.log"
        keras_home = None
        if args.data == "full":
            keras_home = Path(tmp) / "keras-home"
            write_full_mnist(keras_home)
        args.data_env = data_env(args.data, keras_home)
        try:
            if args.url:
                url = args.url.rstrip("/")
                wait_healthy(url, timeout=30)
                server = contextlib.nullcontext((url, args.pid))
            else:
                server = streamlit_server(args.session_ttl, log, args.data_env)
            with server as (url, pid):
                result = asyncio.run(run_bench(args, url, pid, ttl, ttl_source))
        except Exception as exc:          # the bench itself broke: still one JSON line
            result = failed_result(args, f"{type(exc).__name__}: {exc}")
        if log is not None and log.exists():
            result.update(server_log_errors(log.read_text(errors="replace")))
    if not args.json_only and "error" not in result:
        print_table(result)
    print(json.dumps(result))


def server_log_errors(text: str) -> dict:
    """Tracebacks in the server's log (Streamlit colours them), and their first lines."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    errors = [line.strip() for line in plain.splitlines()
              if re.match(r"\s*[A-Za-z_.]*(Error|Exception|Warning)\b: ", line)]
    return {"server_log_tracebacks": len(re.findall(r"Traceback\s+\(most recent call last\)",
                                                    plain)),
            "server_log_errors": list(dict.fromkeys(errors))[:3]}


REQUIRED_KEYS = ("done", "aggregate_samples_per_s", "bare_samples_per_s",
                 "aggregate_share_of_bare", "fairness_max_over_min", "peak_rss_mb",
                 "rss_before_mb", "rss_after_mb", "rerun_p95_s_idle", "rerun_p95_s_loaded",
                 "errors", "deterministic")


def failed_result(args, error: str) -> dict:
    """The JSON line when the benchmark could not run to the end (server down...)."""
    print(f"classroom bench failed: {error}", file=sys.stderr)
    result = {"bench": "classroom", "students": args.students, "page": args.page,
              "preset": args.preset, "engine": args.engine, "error": error}
    result.update({key: None for key in REQUIRED_KEYS})
    result.update(done=0, errors=1, deterministic=False)
    return result


if __name__ == "__main__":
    main()

"""bench/classroom.py's observer outlives a killed replica (--kill-pid): a lost connection
is replaced by a fresh one and timing goes on; without a reconnect it is an error."""
from __future__ import annotations

import asyncio
import concurrent.futures
import types

import numpy as np
import pytest

from bench.classroom import time_reruns
from bench.stclient import SCRIPT_FINISHED, ProtocolError


def run(coroutine):
    """In a thread of its own: a worker that ran browser tests holds Playwright's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class FakeClient:
    """Answers every rerun at once; `dies_after` reruns in, its connection is lost."""

    def __init__(self, dies_after: int | None = None):
        self.dies_after, self.sent, self.closed, self.errors = dies_after, 0, False, []

    async def set_value(self, key, value):
        if self.closed:
            raise ProtocolError("not connected")
        self.sent += 1
        if self.dies_after is not None and self.sent > self.dies_after:
            self.closed = True
            return types.SimpleNamespace(sent=0.0, finished=None)
        return types.SimpleNamespace(sent=0.0, finished=1.0, duration=0.01,
                                     status=SCRIPT_FINISHED.FINISHED_SUCCESSFULLY)

    async def wait_request(self, request, timeout):
        if self.closed:
            raise ProtocolError("connection lost")
        return request.finished is not None


def test_a_lost_observer_is_replaced_and_timing_goes_on():
    fresh = []

    async def reconnect():
        fresh.append(FakeClient())
        return fresh[-1]

    durations, timeouts = run(time_reruns(FakeClient(dies_after=2), 5, None, 1e12,
                                                  pause=0, reconnect=reconnect))
    assert len(fresh) == 1 and fresh[0].sent == 3            # 2 before the death, 3 after
    assert durations == [0.01] * 5 and timeouts == 0


def test_without_a_reconnect_a_lost_observer_is_an_error():
    with pytest.raises(ProtocolError):
        run(time_reruns(FakeClient(dies_after=1), 3, None, 1e12, pause=0))


# --------------------------------------------------------------------------- the new flags
def test_full_mnist_is_written_where_the_loader_reads_keras_cache(tmp_path, monkeypatch):
    """--data full: 60,000 / 10,000 uint8 digits from the sample, read by the loader's real
    Keras-cache path under the temporary KERAS_HOME (no download, no fallback)."""
    from bench.classroom import data_env, write_full_mnist
    from lib.core.data import load_mnist

    home = tmp_path / "keras-home"
    path = write_full_mnist(home)
    env = data_env("full", home)
    assert path == home / "datasets" / "mnist.npz"
    assert env == {"MNIST_SOURCE": "keras", "KERAS_HOME": str(home)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("lib.core.data.download_with_keras",
                        lambda *a, **k: pytest.fail("no download may be tried"))
    data = load_mnist()
    assert data.source == "keras" and data.is_full
    assert data.train_images.shape == (60_000, 28, 28) and data.test_images.shape == (10_000, 28, 28)
    assert data.train_labels.shape == (60_000,) and data.test_labels.shape == (10_000,)
    for array in (data.train_images, data.train_labels, data.test_images, data.test_labels):
        assert array.dtype == np.uint8
    assert set(np.unique(data.train_labels)) == set(range(10))
    assert data_env("sample", None) == {"MNIST_SOURCE": "sample"}


def test_bare_figures_with_and_without_the_evaluation():
    """The plain bare loop is its best training epoch after the first; the page's same work
    adds the best evaluation; CPU per sample counts both."""
    from bench.classroom import bare_figures
    epochs = [{"train_s": 9.0, "eval_s": 1.0, "cpu_s": 20.0},        # tracing: left out
              {"train_s": 1.0, "eval_s": 0.25, "cpu_s": 2.5},
              {"train_s": 2.0, "eval_s": 0.25, "cpu_s": 4.5},
              {"train_s": 1.5, "eval_s": 0.5, "cpu_s": 3.5}]
    out = bare_figures(epochs, 1000)
    assert out["samples_per_s"] == 1000 / 1.0
    assert out["samples_per_s_median_epoch"] == 1000 / 1.5
    assert out["samples_per_s_with_eval"] == 1000 / 1.25
    assert out["eval_share"] == pytest.approx(0.25 / 1.25)
    assert out["cpu_us_per_sample"] == pytest.approx(1e6 * 10.5 / 3000)


def test_bare_epoch_timings_split_training_from_evaluation():
    from bench.classroom import bare_epoch_timings
    from lib.train.live import BatchEvent, EpochEvent

    def events():
        yield EpochEvent(0, None, None, None, None)                 # the untrained model
        for epoch in (1, 2):
            for batch in (1, 2):
                yield BatchEvent(2 * (epoch - 1) + batch, epoch, batch, 2, 1.0, 1.0, 10)
            yield EpochEvent(epoch, 1.0, 0.5, 0.5, None)
    out = bare_epoch_timings(events(), BatchEvent, EpochEvent)
    assert len(out) == 2
    assert all(set(e) == {"train_s", "eval_s", "cpu_s"} and min(e.values()) >= 0 for e in out)


def test_rounds_give_every_share_its_median_and_the_rss_growth():
    from bench.classroom import summarize_rounds
    rounds = [{"aggregate_share_of_bare": share, "aggregate_share_of_bare_with_eval": share and share + .1,
               "server_cpu_us_per_sample": 100.0, "bare_cpu_us_per_sample": 80.0,
               "rss_after_mb": rss, "sessions_dropped": True}
              for share, rss in ((0.5, 900), (0.7, 950), (0.6, 960), (None, 1000))]
    out = summarize_rounds(rounds)
    assert out["aggregate_share_of_bare_all"] == [0.5, 0.7, 0.6, None]
    assert out["aggregate_share_of_bare_median"] == 0.6                  # None left out
    assert out["aggregate_share_of_bare_with_eval_median"] == pytest.approx(0.7)
    assert out["cpu_share_of_bare_all"] == [0.8] * 4
    assert out["rss_after_each_class_mb"] == [900, 950, 960, 1000]
    assert out["rss_growth_after_second"] == [round(960 / 950, 3), round(1000 / 960, 3)]
    assert out["rss_creeps"] is True                     # 1000 / 960 > 1.02
    rounds[3]["sessions_dropped"] = False                # not read after the TTL: no figure
    assert summarize_rounds(rounds)["rss_after_each_class_mb"][3] is None
    assert summarize_rounds(rounds)["rss_creeps"] is False


class PausingClient:
    """A training page that pauses `pause_after` rerun messages after each Pause click and
    finishes after `runs_for` Resume clicks."""

    def __init__(self, runs_for: int = 3, never_pauses: bool = False):
        self.status, self.clicks, self.errors, self.closed = "idle", [], [], False
        self.runs_for, self.never_pauses, self.resumes = runs_for, never_pauses, 0
        self.changed = asyncio.Event()

    def run_marker(self):
        return types.SimpleNamespace(status=self.status, samples=10 * len(self.clicks))

    def find(self, key):
        element = types.SimpleNamespace(button=types.SimpleNamespace(disabled=False))
        return types.SimpleNamespace(element=element, kind="button")

    async def click(self, key):
        self.clicks.append(key.split("_")[-1])
        if key.endswith("start"):
            self.resumes += 1
            self.status = "done" if self.resumes > self.runs_for else "running"
        elif key.endswith("pause") and not self.never_pauses:
            self.status = "paused"
        elif key.endswith("stop"):
            self.status = "stopped"

    async def wait_for(self, predicate, timeout):
        return predicate(self)


def test_the_pause_probe_times_each_pause_until_the_run_ends():
    from bench.classroom import Student, probe_pauses
    student = Student("probe", "http://x", "train_naive", "naive", client=PausingClient(3))
    stop = asyncio.Event()
    durations, timeouts = run(probe_pauses(student, stop, 1e12, every=(0, 0)))
    assert student.client.clicks == ["start", "pause", "start", "pause", "start", "pause",
                                     "start"]
    assert len(durations) == 3 and timeouts == 0 and all(d >= 0 for d in durations)
    assert student.status == "done" and student.samples == 70


def test_the_pause_probe_counts_a_pause_that_never_comes_as_a_timeout():
    from bench.classroom import Student, probe_pauses
    client = PausingClient(never_pauses=True)
    student = Student("probe", "http://x", "train_naive", "naive", client=client)

    async def go():
        stop = asyncio.Event()

        async def stop_soon():
            while client.clicks.count("pause") < 2:
                await asyncio.sleep(0)
            stop.set()
        stopper = asyncio.create_task(stop_soon())
        out = await probe_pauses(student, stop, 1e12, every=(0, 0), timeout=0)
        await stopper
        return out
    durations, timeouts = run(go())
    assert timeouts == len(durations) >= 2
    assert client.clicks[-1] == "stop" and student.status == "running"

"""The pull-based live loop, driven by fake event generators (no TensorFlow)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from lib.train.live import BatchEvent, Diverged, EpochEvent, LiveRun


def fake_events(epochs=2, batches=3, log=None, diverge_at=None):
    """A tiny stand-in trainer: epoch 0, then batches and epochs, deterministic."""
    def factory():
        def gen():
            try:
                yield EpochEvent(0, None, 0.1, 0.1, None)
                step = 0
                for epoch in range(1, epochs + 1):
                    for batch in range(1, batches + 1):
                        step += 1
                        if diverge_at == step:
                            raise Diverged("loss became nan")
                        yield BatchEvent(step, epoch, batch, batches, 1.0 / step, 100.0, 8)
                    yield EpochEvent(epoch, 1.0 / epoch, 0.5, 0.5, None)
            finally:
                if log is not None:
                    log.append("closed")
        if log is not None:
            log.append("built")
        return gen()
    return factory


class FakeClock:
    """Every reading advances time by `tick` seconds."""
    def __init__(self, tick=0.1):
        self.t, self.tick = 0.0, tick

    def __call__(self):
        self.t += self.tick
        return self.t


def test_nothing_runs_until_started():
    log = []
    run = LiveRun(fake_events(log=log), total_steps=6)
    assert run.status == "idle"
    assert run.pull() == []
    assert log == [] and run.batches == []


def test_pull_respects_the_time_budget_and_runs_at_least_one_batch():
    run = LiveRun(fake_events(epochs=5, batches=10), total_steps=50, clock=FakeClock(0.1))
    run.start()
    events = run.pull(budget_s=0.25)     # each clock reading advances 0.1 s
    assert 2 <= len(events) <= 4
    assert isinstance(events[0], EpochEvent) and isinstance(events[1], BatchEvent)
    assert [type(e) for e in run.pull(budget_s=0.0)] == [BatchEvent]


def test_full_run_ends_done_with_all_events_recorded():
    run = LiveRun(fake_events(epochs=2, batches=3), total_steps=6)
    run.start()
    while run.status == "running":
        run.pull(10)
    assert run.status == "done"
    assert [b.step for b in run.batches] == [1, 2, 3, 4, 5, 6]
    assert [e.epoch for e in run.epochs] == [0, 1, 2]
    assert run.progress == 1.0 and run.eta_s is None


def test_pause_stops_progress_and_resume_continues():
    run = LiveRun(fake_events(epochs=3, batches=4), total_steps=12, clock=FakeClock(1.0))
    run.start()
    run.pull(0)
    before = len(run.batches) + len(run.epochs)
    run.pause()
    assert run.status == "paused"
    assert run.pull(10) == []
    assert len(run.batches) + len(run.epochs) == before
    run.resume()
    assert run.status == "running" and run.pull(0)


def test_step_runs_exactly_one_batch_and_leaves_the_run_paused():
    run = LiveRun(fake_events(epochs=2, batches=3), total_steps=6)
    events = run.step()                                    # from idle: epoch 0, then batch 1
    assert [type(e) for e in events] == [EpochEvent, BatchEvent]
    assert run.status == "paused" and run.steps_done == 1
    events = run.step()
    assert [type(e) for e in events] == [BatchEvent] and run.steps_done == 2
    events = run.step()                                    # batch 3 closes epoch 1...
    assert run.steps_done == 3
    events = run.step()                                    # ...so epoch 1's event comes first
    assert [type(e) for e in events] == [EpochEvent, BatchEvent]
    assert run.epochs[-1].epoch == 1 and run.steps_done == 4


def test_stop_closes_the_generator_and_keeps_history():
    log = []
    run = LiveRun(fake_events(log=log), total_steps=6)
    run.start()
    run.pull(0)
    run.stop()
    assert run.status == "stopped" and log == ["built", "closed"]
    assert run.pull() == [] and run.step() == []
    assert run.batches or run.epochs


def test_reset_forgets_everything_and_rebuilds_from_the_factory():
    log = []
    run = LiveRun(fake_events(log=log), total_steps=6)
    run.start()
    run.pull(0)
    run.reset()
    assert run.status == "idle" and run.batches == [] and run.epochs == []
    assert log == ["built", "closed"]
    run.start()
    run.pull(0)
    assert log[-1] == "built"


def test_start_after_done_begins_a_fresh_run():
    run = LiveRun(fake_events(epochs=1, batches=2), total_steps=2)
    run.start()
    while run.status == "running":
        run.pull(10)
    run.start()
    assert run.status == "running" and run.batches == []


def test_diverged_generator_sets_status_and_sentence():
    run = LiveRun(fake_events(diverge_at=3), total_steps=6)
    run.start()
    while run.status == "running":
        run.pull(10)
    assert run.status == "diverged"
    assert "nan" in run.message
    assert run.steps_done == 2


def test_progress_and_eta():
    run = LiveRun(fake_events(epochs=2, batches=5), total_steps=10, clock=FakeClock(0.5))
    run.start()
    run.step()
    run.step()
    assert run.progress == pytest.approx(0.2)
    assert run.eta_s is not None and run.eta_s > 0
    assert run.samples_per_s() == pytest.approx(100.0)


def test_a_busy_run_is_not_entered_twice():
    run = LiveRun(fake_events(), total_steps=6)
    run.start()
    run._lock.acquire()
    try:
        assert run.pull(1) == []
    finally:
        run._lock.release()
    assert run.pull(0)


def uninterrupted(epochs, batches):
    run = LiveRun(fake_events(epochs, batches), total_steps=epochs * batches)
    run.start()
    while run.status == "running":
        run.pull(10)
    return run.batches, run.epochs


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["pull", "step", "pause", "resume", "start"]), max_size=40))
def test_any_mix_of_controls_gives_the_same_events_as_one_uninterrupted_run(actions):
    clock = FakeClock(0.1)
    run = LiveRun(fake_events(3, 4), total_steps=12, clock=clock)
    for action in actions:
        if action == "pull":
            run.pull(0.15)
        else:
            getattr(run, action)()
    run.start()
    while run.status in ("running", "paused"):
        run.resume()
        run.pull(0.15)
    assert (run.batches, run.epochs) == uninterrupted(3, 4)


# ---------------------------------------------------------------- many runs on one server

def test_status_reads_as_its_word():
    from lib.train.live import Status
    run = LiveRun(fake_events(), total_steps=6)
    assert run.status == "idle" and f"{run.status}" == "idle" and str(Status.RUNNING) == "running"
    assert {"idle": 0}[run.status] == 0


def test_checkpoint_runs_between_batches_and_may_stop_a_burst():
    """The page redraws its status line from the checkpoint; when Streamlit stops the
    script there (a click), the batches so far are recorded and the run goes on later."""
    class Stop(BaseException):
        pass

    run = LiveRun(fake_events(epochs=5, batches=10), total_steps=50, clock=FakeClock(0.1),
                  shared=None)
    run.start()
    calls = []

    def checkpoint():
        calls.append(run.steps_done)
        if len(calls) == 2:
            raise Stop

    with pytest.raises(Stop):
        run.pull(budget_s=100, checkpoint=checkpoint, checkpoint_s=0.25)
    stopped_at = run.steps_done
    assert calls == sorted(calls) and stopped_at >= 2
    assert run.status == "running"
    run.pull(budget_s=0.0)                                 # the next tick goes on from there
    assert run.steps_done == stopped_at + 1


def test_shared_server_counts_runs_that_pulled_recently():
    from lib.train.live import SharedServer
    now = [0.0]
    shared = SharedServer(clock=lambda: now[0])
    runs = [LiveRun(fake_events(epochs=9), total_steps=27, shared=shared) for _ in range(3)]
    for run in runs:
        run.start()
        run.pull(budget_s=0.0)
    assert shared.busy_runs() == 3 and shared.busy_runs(besides=runs[0]) == 2
    runs[1].pause()
    assert shared.busy_runs() == 2                         # a paused run stops counting at once
    now[0] = 10.0                                          # the others' tabs closed: no pulls
    assert shared.busy_runs(window_s=3.0) == 0
    del runs
    assert shared.busy_runs() == 0


def test_bursts_grow_with_the_runs_sharing_the_cpu():
    from lib.train.live import burst_seconds
    assert burst_seconds(0.45, 1, cores=2) == 0.45
    assert burst_seconds(0.45, 2, cores=2) == 0.45
    assert burst_seconds(0.45, 6, cores=2) == pytest.approx(1.35)
    assert burst_seconds(0.45, 30, cores=2) == 3.0          # capped


def test_throughput_counts_wall_time_between_pulls():
    clock = FakeClock(0.1)
    run = LiveRun(fake_events(epochs=5, batches=10), total_steps=50, clock=clock, shared=None)
    run.start()
    run.pull(budget_s=0.0)
    clock.t += 0.5                                          # drawing and waiting between ticks
    run.pull(budget_s=0.0)
    rate = run.throughput()
    assert rate is not None and 0 < rate < 8 / 0.5            # 8 samples per batch


def test_per_epoch_builds_once_per_epoch_and_key():
    run = LiveRun(fake_events(epochs=3, batches=2), total_steps=6, shared=None)
    built = []
    build = lambda: built.append(1) or len(built)          # noqa: E731
    run.start()
    assert run.per_epoch("grid", build) == 1 and run.per_epoch("grid", build) == 1
    assert run.per_epoch("grid", build, "pick 3") == 2      # another key: built again
    run.pull(budget_s=100)                                  # to the end: new epochs
    assert run.per_epoch("grid", build, "pick 3") == 3


def test_turns_let_a_few_bursts_train_at_once_in_arrival_order():
    import threading

    from lib.train.live import Turns
    turns = Turns(2)
    tickets = [turns.join() for _ in range(4)]
    assert turns.wait(tickets[0], 0) and turns.wait(tickets[1], 0)      # two slots
    assert not turns.wait(tickets[3], 0.01)                             # not its turn
    assert turns.ahead(tickets[2]) == 0 and turns.ahead(tickets[3]) == 1
    assert not turns.wait(tickets[2], 0.01)                             # slots full
    turns.leave(tickets[0], trained=True)
    assert not turns.wait(tickets[3], 0.01)                             # first come first
    assert turns.wait(tickets[2], 0)
    turns.leave(tickets[3], trained=False)                              # gave up waiting
    turns.leave(tickets[1], trained=True)
    turns.leave(tickets[2], trained=True)
    late = turns.join()
    assert turns.wait(late, 0)

    order, lock = [], threading.Lock()

    def run(i):
        t = turns.join()
        while not turns.wait(t, 0.05):
            pass
        with lock:
            order.append(i)
        turns.leave(t, trained=True)

    turns.leave(late, trained=True)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(order) == list(range(8))


def test_a_run_waiting_for_its_turn_reports_it_and_can_be_stopped_by_a_click():
    from lib.train.live import Turns
    turns = Turns(1)
    busy = turns.join()
    assert turns.wait(busy, 0)                         # someone else trains
    run = LiveRun(fake_events(), total_steps=6, shared=None, turns=turns)
    run.start()

    class Click(BaseException):
        pass

    seen = []

    def checkpoint():
        seen.append(run.waiting_ahead)
        raise Click

    with pytest.raises(Click):
        run.pull(budget_s=1, checkpoint=checkpoint, checkpoint_s=0.01)
    assert seen == [0] and run.steps_done == 0 and run.waiting_ahead == 0
    turns.leave(busy, trained=True)
    run.pull(budget_s=0)                               # its turn now: it trains
    assert run.steps_done >= 1


@pytest.mark.parametrize("value, cores", [
    (None, 8), ("1", 1), ("3", 3), (" 2 ", 2), ("0", 8), ("-1", 8), ("1.5", 8), ("x", 8),
    ("99999", 8), ("1e3", 8), ("", 8), ("٣", 8)])
def test_a_replicas_share_of_the_cores_is_read_whole_and_bounded(value, cores):
    from lib.train.live import cores_for_this_process
    environ = {} if value is None else {"TENSORLAB_CORES": value}
    assert cores_for_this_process(environ, machine=8) == cores


def test_a_run_that_must_wait_for_a_turn_says_so_before_waiting_at_all():
    """The page draws what the first checkpoint says: 'waiting for a turn' must come at once,
    not after a first wait of `checkpoint_s` (an hour here: only the fix gets there in time)."""
    import threading

    from lib.train.live import Turns
    turns = Turns(1)
    busy = turns.join()
    assert turns.wait(busy, 0)                         # someone else trains
    run = LiveRun(fake_events(), total_steps=6, shared=None, turns=turns)
    run.start()
    seen, told = [], threading.Event()

    def checkpoint():
        if not told.is_set():
            seen.append((run.waiting, run.waiting_ahead, run.steps_done))
            told.set()

    puller = threading.Thread(target=run.pull, kwargs=dict(budget_s=0, checkpoint=checkpoint,
                                                           checkpoint_s=3600))
    puller.start()
    try:
        assert told.wait(60), "the waiting run said nothing before its first wait ended"
        assert seen == [(True, 0, 0)]
    finally:
        turns.leave(busy, trained=True)                # its turn now: it trains and returns
        puller.join(60)
    assert not puller.is_alive() and run.steps_done >= 1 and not run.waiting


def test_a_stop_from_another_script_run_ends_the_pull_quietly():
    """Stop (or Reset) clicked while the panel's fragment pulls, in another script run of the
    session: the pull ends without an error and records nothing more (it used to end with
    "TypeError: 'NoneType' object is not an iterator" from next(None))."""
    run = LiveRun(fake_events(epochs=3, batches=5), total_steps=15, clock=FakeClock(0.01))
    run.start()
    run.pull(budget_s=100, checkpoint=lambda: run.batches and run.stop(), checkpoint_s=0)
    assert run.status == "stopped" and not run.message
    assert len(run.batches) == 1

    holder = {}

    def factory():                  # the click lands while the generator itself is running
        def gen():
            yield BatchEvent(1, 1, 1, 2, 1.0, 100.0, 8)
            holder["run"].reset()
            yield BatchEvent(2, 1, 2, 2, 1.0, 100.0, 8)
        return gen()
    run = holder["run"] = LiveRun(factory, total_steps=2)
    run.start()
    run.pull(budget_s=100)
    assert run.status == "idle" and run.batches == [] and run.samples == 0

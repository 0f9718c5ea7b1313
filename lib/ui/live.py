"""The live-training panel shared by "Train the naive network" and "A first neural network"."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import streamlit as st

from lib.train.config import TRAIN_ACC_SUBSET
from lib.train.live import (DIVERGED, DONE, FINISHED, IDLE, PAUSED, RUNNING, SHARED, STOPPED, TURNS,
                            LiveRun, burst_seconds)
from lib.ui.nav import came_back
from lib.ui.widgets import fragment

NAIVE_RUN = "naive_run"          # session-state keys of the two training pages' runs
QUICKSTART_RUN = "quickstart_run"


@dataclass
class RunState:
    """A training page's run in the session: the settings it was built with, the object
    that trains (a Trainer or a QuickStart) and the LiveRun that drives it."""
    config: Any
    owner: Any
    run: LiveRun
    extra: dict = field(default_factory=dict)     # what the page computes from the run, cached


RUN_LOST = ("The server process that held your training run has stopped (a replica of "
            "the class server restarted, or the server itself), so this is a fresh session and "
            "the run is lost. Your settings came back with the link: press **Start** to train "
            "again.")


def current_run(state_key: str, config: Any,
                build: Callable[[Any], tuple[Any, LiveRun]]) -> RunState:
    """This session's run for a page. Built from `config` the first time; rebuilt when the
    run is idle and the settings changed; otherwise new settings wait for Reset, and the
    page says so. A run left running while the student was on another page is paused
    (nothing trained meanwhile) and the page says that too.

    While a run is in progress the URL carries f"{state_key}=1". A session that finds it
    there but has no run was started anew after the server process went away (the browser
    reconnects, and keeps its URL): the page says the run was lost, plainly."""
    state = st.session_state.get(state_key)
    if state is None and state_key in st.query_params:
        st.warning(RUN_LOST, icon="🔌")
    if state is not None and came_back() and state.run.status == RUNNING:
        state.run.pause()
        st.info("Training paused while you were on another page. Press **Resume** to go on.",
                icon="⏸️")
    if state is None or (state.run.status == IDLE and state.config != config):
        owner, run = build(config)
        state = st.session_state[state_key] = RunState(config, owner, run)
    elif state.config != config:
        st.caption("⚙️ The settings differ from this run's. Press **Reset** to use them.")
    _mark_in_progress(state_key, state.run.status in (RUNNING, PAUSED))
    return state


def _mark_in_progress(state_key: str, in_progress: bool) -> None:
    """Keep f"{state_key}=1" in the URL exactly while a run is running or paused."""
    if in_progress and st.query_params.get(state_key) != "1":
        st.query_params[state_key] = "1"
    elif not in_progress and state_key in st.query_params:
        del st.query_params[state_key]

# A LiveRun (lib/train/live.py) sits in st.session_state. The controls sit outside the fragment:
# a click changes the run's status in its callback, before the page runs, so one full rerun
# draws the page and registers the fragment with the right tick (or none). While running, the
# fragment ticks every LIVE_EVERY_S: it trains for a burst (longer when many runs share the
# server, see lib.train.live.burst_seconds), then redraws with fixed keys. Bursts last at least
# one tick, so the next tick is already queued when a burst ends and the CPU never idles.
# Every 0.25 s of a burst (or of waiting for a turn) the panel checks in with Streamlit, which
# is where a click stops the burst; it redraws the status line there only when the line
# changed and at most every LIVE_REDRAW_S, and otherwise only reads the session state, which is
# enough for Streamlit to stop the run for a click (every session-state access is a yield point
# of the script runner, as every element call is) without sending anything. Why: with 30
# students on one server, 26 of them wait for a turn at any moment; each redraw is two
# elements (progress, marker), each a message through the server's event loop, and four
# redraws a second from each waiting run took ~10% of the interpreter lock during a class
# (py-spy --gil), lock the training threads wait for.

LIVE_EVERY_S = 0.4
LIVE_BUDGET_S = 0.45
LIVE_REDRAW_S = 1.0
TICK_HOOKS: list[Callable[[], None]] = []     # called on each tick of a run in progress


def on_tick(hook: Callable[[], None]) -> None:
    """Have `hook()` called on every tick of a live panel whose run is in progress (after
    its burst, inside the fragment: it may st.rerun(scope="app")). Class mode uses it so a
    training student's class card need not tick on its own (lib/ui/classroom.py)."""
    if hook not in TICK_HOOKS:
        TICK_HOOKS.append(hook)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def live_status_line(run, others: int = 0) -> str:
    """One sentence: where the run is (batch, epoch), how fast it goes, who shares the CPU."""
    last = run.batches[-1] if run.batches else None
    total = run.total_steps or 0
    waiting = None
    if run.status == RUNNING and run.waiting:
        waiting = (f"⏳ waiting for a turn ({run.waiting_ahead} ahead)" if run.waiting_ahead
                   else "⏳ waiting for a turn (next in line)")
    if last is not None:
        epochs = max(1, total // max(last.batches_per_epoch, 1))
        where = (f"batch {last.step:,} of {total:,} · epoch {last.epoch} of {epochs} "
                 f"(batch {last.batch}/{last.batches_per_epoch})")
    elif waiting:            # pressed Start while the server's training turns are all taken
        where, waiting = f"{waiting}: other runs are training on this server", None
    elif run.status == RUNNING:           # the first burst: Start was pressed a moment ago
        where = "starting: building the model, then its first batch"
    else:
        where = "not started"
    icon = {IDLE: "⚪", RUNNING: "🟢", PAUSED: "⏸️", DONE: "✅", STOPPED: "⏹️",
            DIVERGED: "💥"}[run.status]
    parts = [f"{icon} **{run.status}** · {where}"]
    speed = run.throughput() if run.status == RUNNING else None
    speed = speed or run.samples_per_s()
    if speed:
        parts.append(f"{speed:,.0f} samples/s")
    if run.status == RUNNING and others > 0:
        parts.append(f"sharing this server with {others} other run{'s' if others > 1 else ''}")
    if waiting:
        parts.append(waiting)
    if run.status in (RUNNING, PAUSED) and run.eta_s is not None:
        parts.append(f"ETA {_clock(run.eta_s)}")
    return " · ".join(parts)


def run_marker(run, where=st) -> None:
    """The status line for programs (bench/classroom.py over Streamlit's protocol, browser tests
    in the page): a hidden element whose attributes say the status and how far the run got, so
    nothing parses the sentence above, whose words may change. Redrawn with it, mid-burst too."""
    where.html(f'<span data-run-status="{run.status}" data-batch="{run.steps_done}" '
               f'data-batches="{run.total_steps or 0}" data-samples="{run.samples}" hidden></span>')


def yield_to_clicks() -> None:
    """Let Streamlit stop this script run here if a click asked for a new one, without
    drawing: reading the session state is a yield point of Streamlit's script runner
    (SafeSessionState calls its execution-control check on every access)."""
    "_" in st.session_state                      # noqa: B015  (the access is the point)


def _start_or_resume(run) -> None:
    run.resume() if run.status == PAUSED else run.start()


def _control(column, label: str, key: str, disabled: bool, on_click, args=(),
             primary: bool = False) -> None:
    """One control button, drawn as a one-button form's submit button. Why: Streamlit's
    browser code loads each kind of element's code on first use and shows a grey skeleton
    until it has (the `stSkeleton` test id); `st.button`'s is one of those, and on a fresh tab
    it stayed grey 0.1-15 s after the page's script was done, while the 4.7 MB Plotly bundle
    was being evaluated (measured, issue 18 #7). A form's submit button is drawn by the main
    bundle: it shows its label, enabled or disabled, from the first frame. The click acts in
    `on_click` exactly as a button's does (a full rerun, nothing else in the form)."""
    with column, st.form(f"{key}_form", border=False, enter_to_submit=False):
        st.form_submit_button(label, key=key, type="primary" if primary else "secondary",
                              width="stretch", disabled=disabled, on_click=on_click, args=args)


def live_controls(run, key: str) -> None:
    """Start/Resume · Pause · Step one batch · Stop · Reset, always in the same places.
    Each acts in its callback, before the page reruns."""
    status = run.status
    cols = st.columns(5)
    first = "▶️ Resume" if status == PAUSED else ("🔁 Start again" if status in FINISHED
                                                    else "▶️ Start")
    _control(cols[0], first, f"{key}_start", status == RUNNING, _start_or_resume, (run,),
             primary=True)
    _control(cols[1], "⏸️ Pause", f"{key}_pause", status != RUNNING, run.pause)
    _control(cols[2], "⏭️ Step one batch", f"{key}_step", status in FINISHED,
             run.step)
    _control(cols[3], "⏹️ Stop", f"{key}_stop", status not in (RUNNING, PAUSED), run.stop)
    _control(cols[4], "🔄 Reset", f"{key}_reset", status == IDLE, run.reset)


def live_panel(run, key: str, draw, every: float = LIVE_EVERY_S,
               budget_s: float = LIVE_BUDGET_S) -> None:
    """Controls, then a fragment with the progress bar and `draw(run)` that trains a burst
    on every tick while the run is running."""
    live_controls(run, key)
    drawn_as = run.status

    def _panel() -> None:
        if run.status != drawn_as:   # a click inside the panel changed the run (the training
            st.rerun(scope="app")    # page's preset offer resets it): redraw the whole page
        # the hidden marker goes last: as an element of its own it takes a gap of the column's
        # (1rem, 22.4 px on a projector) and would push the charts down by that much
        line, body, mark = st.empty(), st.container(), st.empty()
        others = SHARED.busy_runs(besides=run)
        drawn = {"text": None, "at": 0.0}

        def show(force: bool = True) -> None:   # the status line; mid-burst (force=False) it is
            text = live_status_line(run, others)  # where a click stops the burst
            now = time.perf_counter()
            if force or (text != drawn["text"] and now - drawn["at"] >= LIVE_REDRAW_S):
                line.progress(run.progress, text=text)
                run_marker(run, mark)
                drawn.update(text=text, at=now)
            else:
                yield_to_clicks()

        show()       # before any training: the run after a click on Start says "starting" (or
        #              "waiting for a turn") at once, not the old status until a batch is done
        if run.status == RUNNING:
            first = run.steps_done == 0
            if first:           # the first batch on screen as soon as it is trained (Start ->
                run.pull(0.0, lambda: show(force=False))   # first batch), then the rest of
                show()                                      # the first burst
            run.pull(budget_s if first else
                     burst_seconds(budget_s, min(others + 1, TURNS.slots)),
                     lambda: show(force=False))
            if run.status != RUNNING:
                st.rerun(scope="app")    # finished (done / diverged): stop ticking
            for hook in TICK_HOOKS:
                hook()
            others = SHARED.busy_runs(besides=run)
            show()
        with body:
            if run.status == DIVERGED:
                st.error(run.message, icon="💥")
            draw(run)

    # Two fragments, not one with a changing run_every: Streamlit names a fragment after its
    # function and place, and the browser's timer keeps asking for the ticking one until the
    # page that stopped it reaches the browser. With one name, every such stale tick reran the
    # panel of a finished run (all its charts, no training), 2.5 times a second per student.
    # On a swamped server (load 16-38) the pages that said "done" took longer than a tick to
    # reach the browsers, so the finished students' tabs kept ticking, their redraws piled up
    # in the server's event loop (200-550 unsent messages in every session's browser queue,
    # sent one per turn of a loop lagging 0.5 s), and the students still training saw no
    # message for minutes: a class froze with 2-14 of 30 done, their runs long finished.
    # Under its own name the ticking fragment is gone from the session once a run stops, and
    # Streamlit drops a tick for it before any script runs.
    if run.status == RUNNING:
        @fragment(run_every=every)
        def _ticking_panel() -> None:
            _panel()
        _ticking_panel()
    else:
        @fragment
        def _still_panel() -> None:
            _panel()
        _still_panel()


def training_metrics(run, latest) -> None:
    """Four numbers under the charts: last batch loss, test and train accuracy, speed."""
    metrics = st.columns(4)
    metrics[0].metric("loss (last batch)", f"{run.batches[-1].loss:.3f}" if run.batches else "–")
    metrics[1].metric("test accuracy", f"{100 * latest.test_acc:.1f}%" if latest else "–",
                      help="after the last finished epoch, on digits the network never trains on")
    metrics[2].metric("train accuracy", f"{100 * latest.train_acc:.1f}%" if latest else "–",
                      help=f"on the first {TRAIN_ACC_SUBSET:,} digits it trains on, after the "
                           "last finished epoch")
    speed = run.samples_per_s()
    metrics[3].metric("samples / second", f"{speed:,.0f}" if speed else "–",
                      help="while a batch trains; the status line above gives what this run "
                           "gets over time, drawing and other students' runs included")

"""The live panel on a shared server: a session that lost its run to a server restart says
so, and the URL marks a run in progress exactly while it runs or is paused."""
from streamlit.testing.v1 import AppTest

from lib.ui.live import NAIVE_RUN, RUN_LOST
from tests.app.helpers import ROOT, open_page  # noqa: F401

PAGE = "pages/train_naive.py"


def test_a_fresh_session_with_a_run_in_its_url_says_the_run_was_lost():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params[NAIVE_RUN] = "1"                 # what the browser keeps across a restart
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert any(RUN_LOST in w.value for w in at.warning)
    assert at.session_state[NAIVE_RUN].run.status == "idle"


def test_a_fresh_session_without_it_says_nothing():
    at = open_page(PAGE, timeout=120)
    assert not any(RUN_LOST in w.value for w in at.warning)


def test_the_url_marks_a_run_in_progress():
    at = open_page(PAGE, timeout=120)
    at.select_slider(key="naive_size").set_value(500)
    at.number_input(key="naive_epochs").set_value(1).run()
    assert NAIVE_RUN not in at.query_params
    at.button(key="naive_step").click().run()                 # one batch: paused
    assert at.query_params.get(NAIVE_RUN) in ("1", ["1"])
    at.button(key="naive_reset").click().run()
    assert NAIVE_RUN not in at.query_params


def test_the_status_line_answers_start_at_once_and_says_when_it_waits():
    """What the live panel draws before a run's first batch (issue 18 #9): never the idle
    "not started" once Start is pressed; "waiting for a turn" when the turns are all taken."""
    from lib.train.live import BatchEvent, LiveRun, Turns
    from lib.ui.live import live_status_line

    run = LiveRun(lambda: iter([BatchEvent(1, 1, 1, 2, 2.3, 100.0, 8)]), total_steps=2,
                  shared=None, turns=Turns(1))
    assert "not started" in live_status_line(run)
    run.start()
    assert "not started" not in live_status_line(run)
    assert "starting" in live_status_line(run)
    run.waiting, run.waiting_ahead = True, 0
    assert "waiting for a turn (next in line)" in live_status_line(run)
    assert "not started" not in live_status_line(run) and "starting" not in live_status_line(run)
    run.waiting_ahead = 2
    assert "waiting for a turn (2 ahead)" in live_status_line(run)
    run.waiting, run.waiting_ahead = False, 0
    run.pull(budget_s=0)
    assert "batch 1 of 2" in live_status_line(run)


def test_the_controls_are_drawn_by_code_the_browser_already_has():
    """Issue 18 #7: st.button's browser code loads on first use, grey until then; a form's
    submit button is in Streamlit's main bundle. Each control is one, alone in its form."""
    at = open_page(PAGE, timeout=120)
    for name in ("start", "pause", "step", "stop", "reset"):
        button = at.button(key=f"naive_{name}")
        assert button.proto.is_form_submitter and button.proto.form_id == f"naive_{name}_form"


def test_a_stopped_run_panel_is_not_the_fragment_the_browser_ticks(monkeypatch):
    """A class froze (2-14 of 30 done, the rest showing "running" for minutes): the browser's
    timer asks for the ticking panel until the page that stopped it arrives, and while the
    panel of a finished run had the same fragment identity (Streamlit names a fragment after
    its function's module.qualname and its place), each stale tick redrew that whole panel,
    on a swamped server faster than the pages could be sent. The panel of a run that is not
    running must be another fragment, one without a timer, so Streamlit drops those ticks."""
    import streamlit

    seen = []                                    # (qualname, run_every) of lib.ui.live's fragments
    real = streamlit.fragment

    def recording(func=None, *, run_every=None, **kwargs):
        def wrap(f):
            if f.__module__ == "lib.ui.live":
                seen.append((f.__qualname__, run_every))
            return real(f, run_every=run_every, **kwargs)
        return wrap(func) if func is not None else wrap

    monkeypatch.setattr(streamlit, "fragment", recording)
    at = open_page(PAGE, timeout=120)
    at.select_slider(key="naive_size").set_value(500)
    at.number_input(key="naive_epochs").set_value(1).run()
    assert seen and all(every is None for _, every in seen)          # idle: no timer
    still = {name for name, _ in seen}
    seen.clear()
    at.button(key="naive_start").click().run()      # the panel ticks; the run may end in this
    ticking = {name for name, every in seen if every}   # click's run (then the page is redrawn)
    assert ticking                                       # the Start run drew a ticking panel
    assert {name for name, every in seen if not every} <= still
    assert not ticking & still, (ticking, still)

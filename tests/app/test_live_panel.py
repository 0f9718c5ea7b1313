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

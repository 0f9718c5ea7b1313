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

"""lib/ui/widgets.py under AppTest: the shared rows of shape badges."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def badges_script():
    from lib.ui.widgets import shape_badges

    shape_badges(("x.shape", (3, 2)), ("y.shape", (6,), "one axis"),
                 ("elements", "6", "never changes"))
    shape_badges(("scalar", ()))


def test_shape_badges_draw_one_metric_per_column_in_order():
    at = AppTest.from_function(badges_script).run()
    assert not at.exception, at.exception
    assert [(m.label, m.value, m.help) for m in at.metric] == [
        ("x.shape", "(3, 2)", ""), ("y.shape", "(6,)", "one axis"),
        ("elements", "6", "never changes"), ("scalar", "()", "")]
    assert [len(row.children) for row in at.main.children.values()] == [3, 1]   # two rows
    assert [(column.weight, [m.label for m in column.metric]) for column in at.columns] == [
        (1 / 3, ["x.shape"]), (1 / 3, ["y.shape"]), (1 / 3, ["elements"]), (1.0, ["scalar"])]


def settings_row_script():
    import streamlit as st

    from lib.site.settings import PageSettings, Setting
    from lib.ui.bound import settings_expander, settings_row

    settings = PageSettings((
        Setting("epochs", "t_epochs", 5, "epochs", "number", min_value=1, max_value=20, step=1),
        Setting("batch", "t_batch", 128, "batch_size", "select_slider", (32, 128, 512)),
        Setting("seed", "t_seed", 0, "seed", "number", min_value=0, max_value=9, step=1),
        Setting("digit", "t_digit", 0, "digit", "slider", min_value=0, max_value=9, step=1)))
    st.session_state["row"] = settings_row(settings, ("epochs", "batch", "seed"),
                                           defaults=st.session_state.get("defaults"))
    if st.session_state.get("also_expander"):
        st.session_state["folded"] = settings_expander(settings, [["digit"]], "⚙️ more")


def test_settings_row_draws_its_settings_side_by_side_and_reads_them_all():
    at = AppTest.from_function(settings_row_script).run()
    assert not at.exception, at.exception
    assert at.session_state["row"] == {"epochs": 5, "batch": 128, "seed": 0, "digit": 0}
    assert [c.weight for c in at.columns] == [1 / 3] * 3
    assert [len(c.children) for c in at.columns] == [1, 1, 1]
    at.number_input(key="t_epochs").set_value(7).run()
    assert at.session_state["row"]["epochs"] == 7


def test_settings_row_starts_from_the_page_defaults_and_shares_the_expanders_widgets():
    at = AppTest.from_function(settings_row_script)
    at.session_state["defaults"] = {"epochs": 3, "batch": 512}
    at.session_state["also_expander"] = True
    at.run()
    assert not at.exception, at.exception
    assert at.number_input(key="t_epochs").value == 3
    assert at.select_slider(key="t_batch").value == 512
    assert at.session_state["row"] == {"epochs": 3, "batch": 512, "seed": 0, "digit": 0}
    assert at.session_state["folded"] == at.session_state["row"]
    assert at.expander[0].label == "⚙️ more" and at.slider(key="t_digit").value == 0

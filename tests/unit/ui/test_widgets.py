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

"""lib/ui/class_runs.py's checks against the train page's declaration (TRAIN_NAIVE): what a
group of a split may write into a student's widgets, and what the teacher's form may send."""
import pytest

from lib.site.views import TRAIN_NAIVE
from lib.train.config import PRESETS
from lib.ui.class_runs import NOT_SET, group_values, groups_from_form


def test_a_preset_brings_its_settings_and_the_groups_own_go_over_them():
    values = group_values(TRAIN_NAIVE, {"preset": "faster: lr 0.1", "epochs": 3})
    assert values == {**PRESETS["faster: lr 0.1"], "preset": "faster: lr 0.1", "epochs": 3}
    assert group_values(TRAIN_NAIVE, {"learning_rate": 1e-3}) == {"learning_rate": 1e-3}


@pytest.mark.parametrize("group", [{"preset": "fastest"}, {"learning_rate": 0.2},
                                   {"batch_size": 100}, {"epochs": 51}, {"engine": "gpu"},
                                   {"init": "zeros"}, {"nickname": "x"}])
def test_a_value_the_page_does_not_declare_is_refused(group):
    with pytest.raises(ValueError):
        group_values(TRAIN_NAIVE, group)


def test_the_form_drops_empty_groups_and_checks_the_rest():
    empty = {"preset": NOT_SET, "learning_rate": NOT_SET, "batch_size": NOT_SET,
             "epochs": NOT_SET}
    groups = groups_from_form([{**empty, "learning_rate": 1e-3},
                               {**empty, "learning_rate": 0.1, "epochs": 3}, empty])
    assert groups == [{"learning_rate": 1e-3}, {"learning_rate": 0.1, "epochs": 3}]
    with pytest.raises(ValueError, match="2 to 3 groups"):
        groups_from_form([{**empty, "learning_rate": 0.1}, empty, empty])
    with pytest.raises(ValueError, match="Group 2"):
        groups_from_form([{**empty, "learning_rate": 0.1}, {**empty, "learning_rate": 0.2}])

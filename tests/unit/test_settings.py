"""lib/site/settings.py: a page's settings declared once; values from outside checked against it."""
import math

import pytest
from hypothesis import given, strategies as st

from lib.site.settings import MAX_TEXT, PageSettings, Setting
from lib.rules.shapes import parse_shape

SETTINGS = PageSettings((
    Setting("rate", "p_rate", 0.1, "rate", "select_slider", (0.01, 0.1, 1.0)),
    Setting("epochs", "p_epochs", 5, "epochs", "number", min_value=1, max_value=50, step=1),
    Setting("shape", "p_shape", "(32, 10)", "x.shape", "text", parse=parse_shape),
    Setting("size", "p_size", None, "size", "select_slider", (100, 1000)),
    Setting("fast", "p_fast", False, "fast", "toggle"),
))


def test_missing_values_take_their_defaults_silently():
    values, notes = SETTINGS.read({})
    assert values == {"rate": 0.1, "epochs": 5, "shape": "(32, 10)", "size": 1000, "fast": False}
    assert notes == []


def test_run_time_options_replace_declared_ones_and_set_a_none_default():
    values, _ = SETTINGS.read({}, {"size": (10, 20, 30)})
    assert values["size"] == 30
    values, notes = SETTINGS.read({"p_size": 1000}, {"size": (10, 20, 30)})
    assert values["size"] == 30 and "not one of the choices" in notes[0]


@pytest.mark.parametrize("key, bad", [
    ("p_rate", 0.5), ("p_rate", "0.1"), ("p_epochs", 0), ("p_epochs", 51), ("p_epochs", math.nan),
    ("p_epochs", True), ("p_epochs", "5"), ("p_shape", "__import__('os')"),
    ("p_shape", "(" + "2, " * 1000 + ")"), ("p_shape", 12), ("p_fast", "yes")])
def test_bad_values_fall_back_to_the_default_with_a_note(key, bad):
    values, notes = SETTINGS.read({key: bad})
    assert values == SETTINGS.defaults() | {"size": 1000}
    assert len(notes) == 1 and "using the default" in notes[0]


@given(st.text(max_size=2 * MAX_TEXT))
def test_any_text_is_either_accepted_by_the_parser_or_refused(text):
    values, notes = SETTINGS.read({"p_shape": text})
    if notes:
        assert values["shape"] == "(32, 10)"
    else:
        assert values["shape"] == text and len(text) <= MAX_TEXT
        parse_shape(text)


def test_numbers_keep_the_type_of_their_default():
    values, _ = SETTINGS.read({"p_epochs": 7.0})
    assert values["epochs"] == 7 and isinstance(values["epochs"], int)


def test_state_for_maps_names_to_widget_keys_through_the_declaration():
    """What a preset or an example button writes: only declared settings, only values their
    declaration allows (a page never writes a raw session key)."""
    assert SETTINGS.state_for({"rate": 1.0, "epochs": 9}) == {"p_rate": 1.0, "p_epochs": 9}
    with pytest.raises(KeyError, match="unknown"):
        SETTINGS.state_for({"rate": 1.0, "unknown": 1})
    with pytest.raises(ValueError):
        SETTINGS.state_for({"epochs": 10_000})


def test_declarations_are_checked():
    with pytest.raises(ValueError, match="unknown widget"):
        Setting("a", "a", 1, "a", "dial")
    with pytest.raises(ValueError, match="needs options"):
        Setting("a", "a", 1, "a", "radio")
    with pytest.raises(ValueError, match="unique"):
        PageSettings((Setting("a", "k", 1, "a", "number"), Setting("b", "k", 1, "b", "number")))


def test_the_training_pages_declarations_hold_their_own_defaults():
    from lib.site.views import FIRST_NETWORK, TRAIN_NAIVE
    from lib.train.config import TrainConfig, config_from
    from lib.train.quickstart import QuickStartConfig

    for settings in (TRAIN_NAIVE, FIRST_NETWORK):
        for s in settings:
            assert s.check(s.default_for()) == s.default_for()
    values, _ = TRAIN_NAIVE.read({}, {"train_size": (500, 4000)})
    assert config_from(values, 4000) == TrainConfig()      # the view's own settings stay out
    values, _ = FIRST_NETWORK.read({})
    assert QuickStartConfig(values["epochs"], values["batch_size"], values["seed"]) == \
        QuickStartConfig()

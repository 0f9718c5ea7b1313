"""The presets, and the sentence that ends a run which took small steps and learned little."""
from __future__ import annotations

import pytest

from lib.train.config import LARGER_STEP, PRESETS, TrainConfig, larger_step_offer


def test_the_larger_step_offer_names_the_cause_and_the_preset():
    book = TrainConfig(**PRESETS["book"])
    said = larger_step_offer(book, 0.24, 320, 4000)
    assert said.startswith("This run ended at 24% test accuracy")
    for words in ("learning rate 0.001", "10 epochs over 4,000 digits", "320 such steps",
                  f"'{LARGER_STEP}'", "100 times larger"):
        assert words in said
    assert said.count(". ") == 0 and said.endswith(".")            # one sentence


@pytest.mark.parametrize("config, test_acc", [
    (TrainConfig(**PRESETS["book"]), 0.9),                     # it learned
    (TrainConfig(**PRESETS["book"]), None),                    # no epoch finished
    (TrainConfig(**PRESETS[LARGER_STEP]), 0.3),                # the step was not small
    (TrainConfig(learning_rate=0.03), 0.3),
])
def test_no_offer_when_it_learned_or_the_step_was_not_small(config, test_acc):
    assert larger_step_offer(config, test_acc, 320, 4000) is None


def test_the_offered_preset_exists_and_takes_a_larger_step():
    assert PRESETS[LARGER_STEP]["learning_rate"] >= 100 * PRESETS["book"]["learning_rate"]

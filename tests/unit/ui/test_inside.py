"""lib/ui/inside.py under AppTest: the quick start's predictions panel reads the run's latest
epoch (the other panels run in tests/app/test_first_network.py and test_train_naive.py)."""
from __future__ import annotations

import types

import numpy as np
from streamlit.testing.v1 import AppTest

from lib.train.live import EpochEvent
from lib.train.quickstart import prediction_printout


def predictions_script():
    import numpy as np
    import streamlit as st

    from lib.ui.inside import predictions_panel

    images = np.arange(12 * 28 * 28, dtype=np.uint32).reshape(12, 28, 28) % 256
    predictions_panel(st.session_state["run"], images.astype(np.uint8),
                      np.arange(12) % 10, "t")


def open_with(latest) -> AppTest:
    at = AppTest.from_function(predictions_script)
    at.session_state["run"] = types.SimpleNamespace(latest_epoch=latest)
    at.run()
    assert not at.exception, at.exception
    return at


def test_before_the_model_exists_it_says_so():
    at = open_with(None)
    assert "predictions of the untrained model appear first" in at.info[0].value
    assert not at.get("plotly_chart") and not at.code


def test_it_shows_the_latest_epochs_ten_prediction_vectors_and_the_printout():
    probs = np.random.default_rng(0).dirichlet(np.ones(10), size=10).astype(np.float32)
    at = open_with(EpochEvent(2, 0.4, 0.9, 0.88, probs))
    (chart,) = at.get("plotly_chart")
    assert chart.proto.id.endswith("-t_predictions")                # the page's key
    assert at.code[0].value == prediction_printout(2, probs[0], 0)
    assert "after epoch 2" in at.code[0].value
    assert f"# {int(np.argmax(probs[0]))}" in at.code[0].value
    assert "ten probabilities that add up to 1" in at.caption[0].value

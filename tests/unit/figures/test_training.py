"""lib/figures/training.py: the live figures are built without Plotly's validation (they are
rebuilt on every tick, for every student), so check here that they would pass it."""
import numpy as np
import plotly.graph_objects as go
import pytest

from lib.figures.training import (MAX_RAW_POINTS, accuracy_figure, loss_figure, prediction_bars,
                                  prediction_grid)


def validated(fig) -> dict:
    return go.Figure(fig.to_dict()).to_dict()


@pytest.mark.parametrize("n", [0, 1, 50, 3 * MAX_RAW_POINTS])
def test_loss_figure_is_valid_and_thinned(n):
    losses = np.linspace(2.3, 0.3, n)
    spec = validated(loss_figure(np.arange(1, n + 1), losses, 32, 10, [1, 2], [1.0, 0.5],
                                 other=("naive", [1, 2], [2.3, 2.2], 32)))
    per_batch = [t for t in spec["data"] if t.get("name") == "per batch"]
    assert (len(per_batch[0]["x"]) <= MAX_RAW_POINTS) if n else not per_batch


def test_a_spike_turns_the_loss_axis_logarithmic():
    spec = validated(loss_figure([1, 2, 3], [2.3, 500.0, 2.0], 32, 1))
    assert spec["layout"]["yaxis"]["type"] == "log"


def test_accuracy_figure_is_valid():
    spec = validated(accuracy_figure([0, 1, 2], [0.1, 0.5, None], [0.1, 0.6, 0.7], 10))
    assert [t["name"] for t in spec["data"]] == ["train", "test"]


def test_prediction_grid_and_bars_are_valid_and_coloured():
    images = np.zeros((16, 784), np.float32)
    labels = np.arange(16) % 10
    probs = np.eye(10)[labels]                          # every guess right
    grid = validated(prediction_grid(images, labels, probs, selected=3))
    assert len(grid["layout"]["annotations"]) == 16
    assert {a["font"]["color"] for a in grid["layout"]["annotations"]} == {"#16a34a"}
    bars = validated(prediction_bars(probs[0], 0))
    assert bars["data"][0]["marker"]["color"][0] == "#16a34a"

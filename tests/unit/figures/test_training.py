"""lib/figures/training.py: the live figures are built without Plotly's validation (they are
rebuilt on every tick, for every student), so check here that they would pass it."""
import numpy as np
import plotly.graph_objects as go
import pytest

from lib.figures.inside import accuracy_curves, run_accuracy_curves
from lib.figures.training import (MAX_RAW_POINTS, accuracy_figure, loss_figure, prediction_bars,
                                  prediction_grid, run_loss_figure)
from lib.train.live import BatchEvent, EpochEvent


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


def test_one_prediction_bars_builder_with_or_without_a_label():
    """The training page (a test digit, its label known) and the drawn digit (no label) draw
    the same figure; only the guess's colour and the label's outline differ."""
    probs = np.array([0.05, 0.0, 0.1, 0.6, 0.0, 0.05, 0.0, 0.2, 0.0, 0.0])
    right, wrong, drawn = (validated(prediction_bars(probs, 3)), validated(prediction_bars(probs, 7)),
                           validated(prediction_bars(probs[None, :], height=300)))   # (1, 10)
    colours = [spec["data"][0]["marker"]["color"] for spec in (right, wrong, drawn)]
    assert [c[3] for c in colours] == ["#16a34a", "#dc2626", "#2563eb"]   # green, red, blue
    assert all(set(c[:3] + c[4:]) == {"#94a3b8"} for c in colours)      # the rest grey
    outlines = [spec["data"][0]["marker"]["line"]["color"] for spec in (right, wrong, drawn)]
    assert [[k for k, c in enumerate(o) if c == "#2563eb"] for o in outlines] == [[3], [7], []]
    assert drawn["data"][0]["text"] == [f"{p:.2f}" for p in probs]
    assert drawn["layout"]["height"] == 300 and right["layout"]["height"] == 330
    for spec in (right, wrong, drawn):
        assert spec["layout"]["yaxis"]["range"] == [0, 1.15]
        assert spec["layout"]["xaxis"]["dtick"] == 1



# --------------------------------------------------------------------------- a run's events

def events(epochs: int = 2, per_epoch: int = 3, bpe: int | None = None):
    """A finished run's events: EpochEvent 0 (before training), then per epoch its batches
    and its EpochEvent, as lib.train.live delivers them."""
    batches, ends = [], [EpochEvent(0, None, None, 0.1, None)]
    for epoch in range(1, epochs + 1):
        for batch in range(1, per_epoch + 1):
            step = (epoch - 1) * per_epoch + batch
            batches.append(BatchEvent(step, epoch, batch, bpe or per_epoch, 2.3 / step, 100.0,
                                      accuracy=0.1 * epoch + 0.01 * batch))
        ends.append(EpochEvent(epoch, 2.3 / epoch, 0.3 * epoch, 0.25 * epoch, None))
    return batches, ends


def trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_run_loss_figure_draws_every_batch_and_each_trained_epoch():
    batches, ends = events()
    fig = run_loss_figure(batches, ends, 5, height=300)
    expected = loss_figure([b.step for b in batches], [b.loss for b in batches], 3, 5,
                           [1, 2], [2.3, 1.15], height=300)
    assert validated(fig) == validated(expected)
    assert np.allclose(trace(fig, "per batch").y, [b.loss for b in batches])
    assert np.allclose(trace(fig, "per batch").x, [s / 3 for s in range(1, 7)])   # in epochs
    assert list(trace(fig, "epoch mean").x) == [1, 2]          # epoch 0 has no loss: left out
    assert fig.layout.height == 300 and list(fig.layout.xaxis.range) == [0, 5]


def test_run_loss_figure_before_the_first_batch_and_beside_another_run():
    assert run_loss_figure([], [EpochEvent(0, None, None, 0.1, None)], 5).data == ()
    batches, _ = events()
    naive, _ = events(epochs=1, per_epoch=4)
    fig = run_loss_figure(batches, (), 5, other=("naive, SGD", naive))
    validated(fig)
    assert np.allclose(trace(fig, "naive, SGD").x, [s / 4 for s in range(1, 5)])  # its epochs
    assert not [t for t in fig.data if t.name == "epoch mean"]


def test_run_accuracy_curves_draw_the_running_accuracy_and_every_epoch():
    batches, ends = events(bpe=4)
    fig = run_accuracy_curves(batches, ends, 3, height=280)
    expected = accuracy_curves([b.step for b in batches], [b.accuracy for b in batches], 4, 3,
                               [0, 1, 2], [None, 0.3, 0.6], [0.1, 0.25, 0.5], height=280)
    assert validated(fig) == validated(expected)
    running = trace(fig, "per batch (running)")
    assert np.allclose(running.x, [s / 4 for s in range(1, 7)])
    assert np.allclose(running.y, [100 * b.accuracy for b in batches])
    assert list(trace(fig, "test (epoch)").x) == [0, 1, 2]         # epoch 0 included
    assert list(trace(fig, "train (epoch)").x) == [1, 2]           # no train accuracy at 0
    assert run_accuracy_curves([], [], 3).data == ()

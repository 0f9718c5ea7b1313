"""The Keras quick start: the callback turns Keras's hooks into live-loop events, in order."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

from lib.core.data import load_mnist
from lib.train.metrics import confusion_matrix
from lib.train.code import format_prediction_vector
from lib.train.quickstart import (build_model, evaluation_due, evaluation_report,
                                  evaluation_sentence, fit_log, last_train_accuracy, layer_table,
                                  make_callback, prediction_printout,
                                  quickstart_events, summary_table, total_steps)
from lib.train.live import BatchEvent, EpochEvent, LiveRun
from lib.train.trainer import prepare_data


@pytest.fixture(scope="module")
def data():
    d = prepare_data(load_mnist("sample"))               # what the quick start page trains on
    return d.train_images, d.train_labels, d.test_images, d.test_labels


def assert_in_order(events, epochs, steps_per_epoch):
    """EpochEvent(0), then per epoch: its batches 1..steps in order, then its EpochEvent."""
    assert isinstance(events[0], EpochEvent) and events[0].epoch == 0
    expected_step = 1
    i = 1
    for epoch in range(1, epochs + 1):
        for batch in range(1, steps_per_epoch + 1):
            e = events[i]
            assert isinstance(e, BatchEvent), (i, e)
            assert (e.epoch, e.batch, e.step, e.batches_per_epoch) == \
                (epoch, batch, expected_step, steps_per_epoch)
            expected_step += 1
            i += 1
        assert isinstance(events[i], EpochEvent) and events[i].epoch == epoch
        i += 1
    assert i == len(events)


def test_the_pages_data_is_the_books_reshape_and_scale():
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28) % 256
    dataset = SimpleNamespace(train_images=images.astype(np.uint8), train_labels=np.array([0, 1]),
                              test_images=images.astype(np.uint8), test_labels=np.array([0, 1]))
    out = prepare_data(dataset).train_images
    assert out.shape == (2, 784) and out.dtype == np.float32
    assert out.min() == 0 and out.max() == 1
    assert np.allclose(out[0], images[0].reshape(784) / 255.0, atol=1e-7)


def test_layer_table_has_the_books_parameter_counts():
    rows = layer_table()
    assert [r.params for r in rows] == [401_920, 5_130]
    assert [r.output_shape for r in rows] == [(None, 512), (None, 10)]


def test_built_model_matches_the_table():
    model = build_model(seed=0)
    assert [layer.count_params() for layer in model.layers] == [r.params for r in layer_table()]
    assert model.count_params() == 407_050


def test_generator_delivers_batch_and_epoch_events_in_order(data):
    train_images, train_labels, test_images, test_labels = data
    n, epochs, batch_size = 600, 2, 128                       # 5 batches, the last one of 88
    model = build_model(seed=1)
    events = list(quickstart_events(model, train_images[:n], train_labels[:n], test_images,
                                    test_labels, epochs=epochs, batch_size=batch_size))
    steps = math.ceil(n / batch_size)
    assert_in_order(events, epochs, steps)
    batches = [e for e in events if isinstance(e, BatchEvent)]
    assert [e.batch_size for e in batches[:steps]] == [128, 128, 128, 128, 88]
    # the per-batch losses recovered from Keras's running means average back to the epoch's
    for epoch_event in (e for e in events if isinstance(e, EpochEvent) and e.epoch > 0):
        mine = [b for b in batches if b.epoch == epoch_event.epoch]
        weighted = sum(b.loss * b.batch_size for b in mine) / n
        assert weighted == pytest.approx(epoch_event.mean_loss, rel=1e-4)
        assert epoch_event.extra["confusion"].sum() == len(test_labels)
        assert epoch_event.predictions.shape == (10, 10)


def test_the_same_callback_works_inside_model_fit(data):
    train_images, train_labels, test_images, test_labels = data
    n, epochs, batch_size = 512, 2, 128
    model = build_model(seed=2)
    callback = make_callback(test_images, test_labels, n, batch_size)
    history = model.fit(train_images[:n], train_labels[:n], epochs=epochs, batch_size=batch_size,
                        callbacks=[callback], verbose=0, shuffle=False)
    events = callback.drain()
    assert_in_order(events, epochs, n // batch_size)
    epoch_events = [e for e in events if isinstance(e, EpochEvent)][1:]
    assert [e.mean_loss for e in epoch_events] == pytest.approx(history.history["loss"])
    assert [e.train_acc for e in epoch_events] == pytest.approx(history.history["accuracy"])
    assert all(np.isfinite(e.loss) for e in events if isinstance(e, BatchEvent))


def test_live_run_pulls_it_and_keras_learns(data):
    train_images, train_labels, test_images, test_labels = data
    model = build_model(seed=0)
    run = LiveRun(lambda: quickstart_events(model, train_images, train_labels, test_images,
                                            test_labels, epochs=1),
                  total_steps=total_steps(len(train_images), 1))
    run.step()                                            # exactly one batch, then paused
    assert run.status == "paused" and len(run.batches) == 1
    assert run.pull() == []                               # paused: nothing runs
    run.resume()
    while run.status == "running":
        run.pull(0.2)
    assert run.status == "done" and len(run.batches) == 32 and run.progress == 1.0
    assert run.epochs[-1].test_acc >= 0.85                 # one epoch of Adam on 4,000 digits
    log = fit_log(run.batches, 1)
    assert log.startswith("Epoch 1/1\n32/32 ━━━━━━━━━━━━━━━━━━━━") and "accuracy:" in log


def test_confusion_matrix_counts():
    cm = confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2])
    assert cm.shape == (10, 10) and cm.sum() == 4 and cm[1, 2] == 1 and np.trace(cm) == 3


def test_importing_the_page_modules_does_not_import_tensorflow():
    import subprocess
    import sys
    code = ("import sys; import lib.train.quickstart, lib.figures.inside, lib.train.digit_draw, "
            "lib.train.numpy_engine; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_evaluation_sentence_quotes_the_books_figures_and_says_which_way_the_gap_goes():
    from lib.train.quickstart import evaluation_sentence
    gap = evaluation_sentence(0.95, 0.93, 1000)
    assert "**95.0%**" in gap and "**93.0%**" in gap and "overfitting" in gap
    assert "98.9% on the training set and 97.9% on the test set" in gap
    assert "0.9897 and 0.9790" in gap and "97.8" not in gap
    none = evaluation_sentence(0.90, 0.95, 1000)
    assert "No gap here" in none and "overfitting" not in none


# ------------------------------------------------------------ what the page prints

def test_summary_table_is_the_layer_table_column_by_column():
    table = summary_table(layer_table())
    assert table == {"layer": ["dense", "dense_1"],
                     "output shape": ["(None, 512)", "(None, 10)"],
                     "parameters": ["401,920", "5,130"],
                     "where they come from": ["784 × 512 weights + 512 biases",
                                              "512 × 10 weights + 10 biases"]}
    # the same numbers Keras counts: a Dense layer holds fan_in * units + units
    assert [int(p.replace(",", "")) for p in table["parameters"]] == [784 * 512 + 512,
                                                                    512 * 10 + 10]
    assert summary_table([]) == {"layer": [], "output shape": [], "parameters": [],
                                 "where they come from": []}


@pytest.mark.parametrize("epoch, when", [(0, "before training"), (3, "after epoch 3")])
def test_prediction_printout_says_what_numpy_gives(epoch, when):
    probs = np.random.default_rng(epoch).dirichlet(np.ones(10)).astype(np.float32)   # (10,)
    lines = prediction_printout(epoch, probs, np.uint8(7)).splitlines()
    assert lines[0] == f"predictions[0]            # (10,), {when}"
    assert "\n".join(lines[1:-2]) == format_prediction_vector(probs)
    assert lines[-2] == f"predictions[0].argmax()   # {int(np.argmax(probs))}"
    assert lines[-1] == "test_labels[0]            # 7"


@pytest.mark.parametrize("has_model, status, stored, due", [
    (False, "done", None, None),                 # no model yet
    (True, "idle", None, None), (True, "running", None, None),
    (True, "done", None, "now"), (True, "stopped", None, "now"),
    (True, "paused", None, "on request"),        # behind a button while paused
    (True, "done", (32, 0.3, 0.9), None),        # already evaluated at this step
    (True, "done", (16, 0.5, 0.8), "now"),       # evaluated earlier: stale
    (True, "paused", (16, 0.5, 0.8), "on request"),
    (True, "paused", (32, 0.3, 0.9), None),
])
def test_evaluation_due(has_model, status, stored, due):
    assert evaluation_due(has_model, status, 32, stored) == due


def epoch_event(epoch, train_acc):
    return EpochEvent(epoch, None if epoch == 0 else 0.5, train_acc, 0.9, None)


def test_last_train_accuracy_and_the_evaluation_report():
    assert last_train_accuracy([]) is None
    assert last_train_accuracy([epoch_event(0, None)]) is None          # before training
    assert last_train_accuracy([epoch_event(0, None), epoch_event(1, 0.95123)]) == 0.95123
    numbers, sentence = evaluation_report((5, 0.123456, 0.91), [epoch_event(0, None)], 1000)
    assert numbers == [("test_loss", "0.1235"), ("test_acc", "0.9100")] and sentence is None
    numbers, sentence = evaluation_report((32, 0.25, 0.93),
                                          [epoch_event(0, None), epoch_event(1, 0.95)], 1000)
    assert numbers == [("test_loss", "0.2500"), ("test_acc", "0.9300"),
                       ("train accuracy (last epoch)", "0.9500")]
    assert sentence == evaluation_sentence(0.95, 0.93, 1000)

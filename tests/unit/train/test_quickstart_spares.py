"""The quick start's spare models (lib/train/quickstart.py `Spares`): a run that starts from
a spare, already traced and trained on other data, gives exactly the numbers a run from a
freshly built model gives; and making the optimizer's slots at build time changes nothing."""
import numpy as np
import pytest

from lib.core.data import load_mnist
from lib.core.tf import keras
from lib.train import quickstart
from lib.train.live import BatchEvent, EpochEvent
from lib.train.quickstart import QuickStart, Spares, build_model, quickstart_events
from lib.train.trainer import prepare_data

N = 600           # 4 full batches of 128 and a short one of 88: both shapes of a real run


@pytest.fixture(scope="module")
def data():
    d = prepare_data(load_mnist("sample"))
    return d.train_images[:N], d.train_labels[:N], d.test_images[:200], d.test_labels[:200]


def numbers(model, data, epochs=2, batch_size=128):
    """Every number a run shows (losses, accuracies, predictions) and the final weights."""
    shown = []
    for event in quickstart_events(model, *data, epochs=epochs, batch_size=batch_size):
        if isinstance(event, BatchEvent):
            shown.append(("batch", event.step, event.loss, event.accuracy))
        else:
            assert isinstance(event, EpochEvent)
            shown.append(("epoch", event.epoch, event.mean_loss, event.test_acc,
                          event.predictions.tobytes()))
    return shown, [w.tobytes() for w in model.get_weights()]


def test_a_run_from_a_spare_gives_a_fresh_models_numbers(data):
    spares = Spares()
    spare = spares.fill()
    spare.train_on_batch(data[0][:50], data[1][:50])      # used: its weights moved, Adam counted
    assert spares.ready() == 1
    taken = spares.take(seed=3)
    assert taken is spare and spares.ready() == 0 and spares.take(seed=3) is None
    fresh = build_model(seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), taken.get_weights()))
    assert numbers(taken, data) == numbers(fresh, data)


def test_another_batch_size_from_a_spare_gives_the_same_numbers(data):
    spares = Spares()
    spares.fill()
    assert numbers(spares.take(seed=0), data, epochs=1, batch_size=64) == \
        numbers(build_model(seed=0), data, epochs=1, batch_size=64)


def test_optimizer_slots_made_at_build_change_nothing(data):
    """build_model makes Adam's slots before the first batch (one trace, not two): the same
    numbers as the book's model built without that line."""
    k = keras()

    def books_model(seed):
        model = k.Sequential([
            k.layers.Dense(512, activation="relu",
                           kernel_initializer=k.initializers.GlorotUniform(seed=seed)),
            k.layers.Dense(10, activation="softmax",
                           kernel_initializer=k.initializers.GlorotUniform(seed=seed + 1)),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.build((None, 28 * 28))
        return model

    assert numbers(build_model(seed=1), data, epochs=1) == numbers(books_model(1), data, epochs=1)


def test_a_quick_start_takes_the_spare_and_a_new_one_is_made_after_its_first_batch(data,
                                                                                monkeypatch):
    spares = Spares()
    spare = spares.fill()
    monkeypatch.setattr(quickstart, "SPARES", spares)
    qs = QuickStart(*data, epochs=1)
    events = qs.events()
    assert isinstance(next(events), EpochEvent) and qs.model is spare
    assert spares.ready() == 0
    assert isinstance(next(events), BatchEvent)
    assert spares.ready() == 0               # made once the run goes on past its first batch
    next(events)
    spares.join(timeout=300)                 # in a thread of its own
    assert spares.ready() == 1
    list(events)

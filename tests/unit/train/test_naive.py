"""The book's hand-built network (lib/train/naive.py): shapes, one step, batches, fit."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lib.train.naive import BatchGenerator  # noqa: E402  (imports TensorFlow once for the module)
from lib.train import naive
from lib.data import load_mnist
from lib.train.config import initial_weights
from lib.train.trainer import prepare_data


@pytest.fixture(scope="module")
def data():
    return prepare_data(load_mnist())


def model_with(weights):
    model = naive.build_model()
    for variable, value in zip(model.weights, weights):
        variable.assign(value)
    return model


def test_forward_pass_shapes_and_probabilities(data):
    model = naive.build_model()
    assert [tuple(w.shape) for w in model.weights] == [(784, 512), (512,), (512, 10), (10,)]
    probs = np.asarray(model(data.test_images[:5]))
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_naive_dense_starts_like_the_book():
    layer = naive.NaiveDense(784, 512, activation=None)
    W, b = np.asarray(layer.W), np.asarray(layer.b)
    assert W.min() >= 0.0 and W.max() < 0.1 and W.std() > 0.02
    assert np.all(b == 0)


def test_one_step_lowers_the_loss_on_a_fixed_batch(data):
    model = model_with(initial_weights(0))
    images, labels = data.train_images[:128], data.train_labels[:128]

    def update(gradients, weights):
        naive.update_weights(gradients, weights, learning_rate=1e-3)

    first = float(naive.one_training_step(model, images, labels, update))
    second = float(naive.one_training_step(model, images, labels, update))
    assert second < first


def test_manual_update_equals_optimizers_sgd(data):
    images, labels = data.train_images[:64], data.train_labels[:64]
    a, b = model_with(initial_weights(1, "glorot")), model_with(initial_weights(1, "glorot"))

    def manual(gradients, weights):
        naive.update_weights(gradients, weights, learning_rate=0.05)

    by_optimizer = naive.make_optimizer_update(b.weights, learning_rate=0.05)
    for _ in range(3):
        naive.one_training_step(a, images, labels, manual)
        naive.one_training_step(b, images, labels, by_optimizer)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(np.asarray(wa), np.asarray(wb), rtol=1e-6, atol=1e-7)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 700), batch_size=st.integers(1, 300))
def test_batch_generator_covers_every_sample_once_including_the_short_last_batch(n, batch_size):
    images = np.arange(n * 2).reshape(n, 2)
    labels = np.arange(n)
    generator = BatchGenerator(images, labels, batch_size=batch_size)
    assert generator.num_batches == math.ceil(n / batch_size)
    seen = []
    for i in range(generator.num_batches):
        images_batch, labels_batch = generator.next()
        assert len(images_batch) == len(labels_batch)
        expected = batch_size if i < generator.num_batches - 1 else n - batch_size * i
        assert len(labels_batch) == expected
        np.testing.assert_array_equal(images_batch[:, 1] // 2, labels_batch)
        seen.extend(labels_batch.tolist())
    assert seen == list(range(n))


def test_fit_honours_batch_size(monkeypatch, data, capsys):
    sizes = []

    def spy(model, images_batch, labels_batch, update):
        sizes.append(len(images_batch))
        return 0.0

    monkeypatch.setattr(naive, "one_training_step", spy)
    naive.fit(None, data.train_images[:1000], data.train_labels[:1000], epochs=2, batch_size=300)
    assert sizes == [300, 300, 300, 100] * 2
    assert "Epoch 1" in capsys.readouterr().out


def test_fit_and_evaluate_learn_something(data):
    model = model_with(initial_weights(0, "glorot"))
    naive.fit(model, data.train_images, data.train_labels, epochs=1, batch_size=128,
              learning_rate=0.1)
    assert naive.evaluate(model, data.test_images, data.test_labels) > 0.6


@pytest.mark.parametrize("compiled", [False, True])
def test_tape_engine_meets_the_engine_contract(data, compiled):
    engine = naive.TapeEngine(initial_weights(2), learning_rate=1e-3, compiled=compiled)
    loss = engine.train_step(data.train_images[:32], data.train_labels[:32])
    assert isinstance(loss, float) and math.isfinite(loss)
    probs = engine.predict(data.test_images[:7])
    assert isinstance(probs, np.ndarray) and probs.shape == (7, 10)
    assert [w.shape for w in engine.weights()] == [(784, 512), (512,), (512, 10), (10,)]
    assert all(isinstance(w, np.ndarray) for w in engine.weights())


def test_unknown_update_rule_is_refused():
    with pytest.raises(ValueError):
        naive.TapeEngine(initial_weights(0), 1e-3, update_rule="adam")

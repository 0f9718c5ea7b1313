"""The notebook's hand-built network (lib/train/naive.py): its cells as the notebook has them
(names, signatures, globals, initializer, printouts), batches, and the engine wrapper."""
from __future__ import annotations

import inspect
import math
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorflow as tf
from keras import ops

from lib.train.naive import BatchGenerator  # noqa: E402  (imports TensorFlow once for the module)
from lib.train import naive
from lib.core.data import load_mnist
from lib.train.config import TrainConfig, initial_weights
from lib.train.live import BatchEvent, EpochEvent
from lib.train.trainer import Trainer, evaluation_printout, fit_printout, prepare_data


@pytest.fixture(scope="module")
def data():
    return prepare_data(load_mnist())


def model_with(weights, cells=naive):
    model = cells.build_model()
    for variable, value in zip(model.weights, weights):
        variable.assign(value)
    return model


def test_forward_pass_shapes_and_probabilities(data):
    model = naive.build_model()
    assert [tuple(w.shape) for w in model.weights] == [(784, 512), (512,), (512, 10), (10,)]
    probs = np.asarray(model(data.test_images[:5]))
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_naive_dense_starts_like_the_notebook_with_kerass_uniform():
    """initializer="uniform" is Keras's RandomUniform(-0.05, 0.05); b starts at 0."""
    import keras
    assert keras.initializers.get("uniform").get_config()["minval"] == -0.05
    assert keras.initializers.get("uniform").get_config()["maxval"] == 0.05
    layer = naive.NaiveDense(784, 512, activation=None)
    W, b = np.asarray(layer.W), np.asarray(layer.b)
    assert -0.05 <= W.min() < -0.049 and 0.049 < W.max() <= 0.05
    assert abs(W.mean()) < 1e-3 and W.std() == pytest.approx(0.1 / math.sqrt(12), rel=0.02)
    assert np.all(b == 0)
    assert 'initializer="uniform"' in inspect.getsource(naive.NaiveDense.__init__)


def test_the_cells_have_the_notebooks_names_and_signatures():
    params = lambda f: list(inspect.signature(f).parameters)          # noqa: E731
    assert params(naive.one_training_step) == ["model", "images_batch", "labels_batch"]
    assert params(naive.update_weights_manual) == ["gradients", "weights"]
    assert params(naive.update_weights) == ["gradients", "weights"]
    assert params(naive.fit) == ["model", "images", "labels", "epochs", "batch_size"]
    assert naive.learning_rate == 1e-3
    assert float(naive.optimizer.learning_rate) == pytest.approx(1e-3)
    assert "w.assign(w - g * learning_rate)" in inspect.getsource(naive.update_weights_manual)
    assert "optimizer.apply_gradients(zip(gradients, weights))" in inspect.getsource(
        naive.update_weights)
    assert "update_weights_manual(gradients, model.weights)" in inspect.getsource(
        naive.one_training_step)


def test_one_step_lowers_the_loss_on_a_fixed_batch(data):
    model = model_with(initial_weights(0))
    images, labels = data.train_images[:128], data.train_labels[:128]
    cells = naive.notebook_cells(0.1)
    first = float(cells.one_training_step(model, images, labels))
    second = float(cells.one_training_step(model, images, labels))
    assert second < first


def gradients_of(model, images, labels):
    with tf.GradientTape() as tape:
        loss = ops.mean(ops.sparse_categorical_crossentropy(labels, model(images)))
    return tape.gradient(loss, model.weights)


def test_the_module_cell_uses_the_notebooks_global_learning_rate(data):
    images, labels = data.train_images[:64], data.train_labels[:64]
    model = model_with(initial_weights(3))
    before = [np.asarray(w).copy() for w in model.weights]
    gradients = gradients_of(model, images, labels)
    naive.update_weights_manual(gradients, model.weights)
    for b, g, w in zip(before, gradients, model.weights):
        np.testing.assert_allclose(np.asarray(w), b - 1e-3 * np.asarray(g), rtol=1e-6, atol=1e-8)


def test_manual_update_equals_the_optimizer_cell(data):
    images, labels = data.train_images[:64], data.train_labels[:64]
    manual, by_optimizer = naive.notebook_cells(0.05), naive.notebook_cells(0.05, "optimizer")
    a, b = model_with(initial_weights(1, "glorot"), manual), model_with(initial_weights(1, "glorot"),
                                                                        by_optimizer)
    for _ in range(3):
        manual.one_training_step(a, images, labels)
        by_optimizer.one_training_step(b, images, labels)
    assert int(by_optimizer.optimizer.iterations) == 3 and int(manual.optimizer.iterations) == 0
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(np.asarray(wa), np.asarray(wb), rtol=1e-6, atol=1e-7)


def test_each_run_has_its_own_learning_rate_and_the_notebooks_stays(data):
    """Two students, two learning rates, one process: their globals never mix."""
    images, labels = data.train_images[:32], data.train_labels[:32]
    results = {}

    def train(lr):
        cells = naive.notebook_cells(lr)
        model = model_with(initial_weights(0), cells)
        start = np.asarray(model.weights[3]).copy()                 # b2 starts at 0
        g = np.asarray(gradients_of(model, images, labels)[3])
        cells.one_training_step(model, images, labels)
        results[lr] = (np.asarray(model.weights[3]) - start, g)

    threads = [threading.Thread(target=train, args=(lr,)) for lr in (0.1, 0.001)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for lr, (moved, g) in results.items():
        np.testing.assert_allclose(moved, -lr * g, rtol=1e-4, atol=1e-9)
    assert naive.learning_rate == 1e-3


def test_unknown_update_rule_is_refused():
    with pytest.raises(ValueError):
        naive.notebook_cells(1e-3, "adam")
    with pytest.raises(ValueError):
        naive.TapeEngine(initial_weights(0), 1e-3, update_rule="adam")


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


def test_fit_honours_batch_size_unlike_the_notebook(monkeypatch, data, capsys):
    sizes = []

    def spy(model, images_batch, labels_batch):
        sizes.append(len(images_batch))
        return 0.0

    monkeypatch.setattr(naive, "one_training_step", spy)
    naive.fit(None, data.train_images[:1000], data.train_labels[:1000], epochs=2, batch_size=300)
    assert sizes == [300, 300, 300, 100] * 2
    out = capsys.readouterr().out.splitlines()
    assert out == ["Epoch 0", "loss at batch 0: 0.00", "Epoch 1", "loss at batch 0: 0.00"]
    assert "our fix" in inspect.getsource(naive.fit)                # the change is marked


def test_the_pages_printout_is_what_the_notebooks_fit_prints(data, capsys):
    """Same seed, same settings: the trainer's events printed the notebook's way equal what
    `fit` itself prints, line for line, and the evaluation cell prints the trainer's accuracy."""
    images, labels = data.train_images[:3000], data.train_labels[:3000]
    cells = naive.notebook_cells(0.01)
    model = model_with(initial_weights(4), cells)
    cells.fit(model, images, labels, epochs=2, batch_size=16)       # 188 batches: 0 and 100 print
    printed = capsys.readouterr().out.strip()
    accuracy = cells.evaluate(model, data.test_images, data.test_labels)
    printed_accuracy = capsys.readouterr().out.strip()

    trainer = Trainer(TrainConfig(learning_rate=0.01, epochs=2, batch_size=16, seed=4,
                                  engine="eager", train_size=3000), data)
    events = list(trainer.events())
    batches = [e for e in events if isinstance(e, BatchEvent)]
    assert fit_printout(batches) == printed
    assert [line.split(":")[0] for line in printed.splitlines()] == [
        "Epoch 0", "loss at batch 0", "loss at batch 100", "Epoch 1", "loss at batch 0",
        "loss at batch 100"]
    last = [e for e in events if isinstance(e, EpochEvent)][-1]
    assert last.test_acc == pytest.approx(accuracy, abs=1e-9)
    assert evaluation_printout(last) == printed_accuracy == f"accuracy: {accuracy:.2f}"


def test_fit_and_evaluate_learn_something(data, capsys):
    cells = naive.notebook_cells(0.1)
    model = model_with(initial_weights(0), cells)
    cells.fit(model, data.train_images, data.train_labels, epochs=1, batch_size=128)
    assert cells.evaluate(model, data.test_images, data.test_labels) > 0.6
    assert capsys.readouterr().out.startswith("Epoch 0\nloss at batch 0: 2.30\n")


@pytest.mark.parametrize("compiled", [False, True])
def test_tape_engine_meets_the_engine_contract(data, compiled):
    engine = naive.TapeEngine(initial_weights(2), learning_rate=1e-3, compiled=compiled)
    loss = engine.train_step(data.train_images[:32], data.train_labels[:32])
    assert isinstance(loss, float) and math.isfinite(loss)
    probs = engine.predict(data.test_images[:7])
    assert isinstance(probs, np.ndarray) and probs.shape == (7, 10)
    assert [w.shape for w in engine.weights()] == [(784, 512), (512,), (512, 10), (10,)]
    assert all(isinstance(w, np.ndarray) for w in engine.weights())


def test_the_engine_starts_from_the_seeded_weights_not_the_layers_own_draw():
    engine = naive.TapeEngine(initial_weights(9), learning_rate=1e-3)
    for ours, start in zip(engine.weights(), initial_weights(9)):
        np.testing.assert_array_equal(ours, start)

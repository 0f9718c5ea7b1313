"""The hand-written NumPy engine: its gradients are GradientTape's, and it learns."""
import numpy as np
import pytest

from lib.core.data import load_mnist
from lib.train.config import initial_weights as init_weights
from lib.train.numpy_engine import (NumpyEngine, loss_and_gradients,
                              tape_gradient_check)


@pytest.fixture(scope="module")
def sample():
    data = load_mnist("sample")
    train_images = data.train_images.reshape(-1, 784).astype("float32") / 255   # (4000, 784)
    test_images = data.test_images.reshape(-1, 784).astype("float32") / 255     # (1000, 784)
    return train_images, data.train_labels.astype(np.int64), test_images, data.test_labels


@pytest.mark.parametrize("init", ["uniform", "old_uniform", "glorot"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_tape_on_random_mnist_batches(sample, init, seed):
    train_images, train_labels, _, _ = sample
    rng = np.random.default_rng(seed)
    batch = rng.choice(len(train_images), size=int(rng.integers(1, 129)), replace=False)
    check = tape_gradient_check(init_weights(seed, init), train_images[batch], train_labels[batch])
    assert check.shapes == ((784, 512), (512,), (512, 10), (10,))
    assert check.worst <= 1e-5, check
    assert check.numpy_loss == pytest.approx(check.tape_loss, rel=1e-5)


@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_tape_on_random_dense_batches(seed):
    """Random pixels everywhere push |dW2| above 10: the 1e-5 bound scales with it."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 129))
    images = rng.random((n, 784), dtype=np.float32)
    labels = rng.integers(0, 10, n)
    for init in ("uniform", "old_uniform", "glorot"):
        check = tape_gradient_check(init_weights(seed, init), images, labels)
        assert check.passed(1e-5), check


def test_gradients_after_some_training_still_match(sample):
    train_images, train_labels, _, _ = sample
    engine = NumpyEngine(init_weights(3, "glorot"), learning_rate=0.1)
    for start in range(0, 1280, 128):
        engine.train_step(train_images[start:start + 128], train_labels[start:start + 128])
    check = tape_gradient_check(engine.weights(), train_images[:64], train_labels[:64])
    assert check.worst <= 1e-5, check


def test_one_epoch_at_lr_0_1_reaches_80_percent(sample):
    train_images, train_labels, test_images, test_labels = sample
    engine = NumpyEngine(init_weights(0, "glorot"), learning_rate=0.1)
    order = np.random.default_rng(0).permutation(len(train_images))
    batch_size = 32
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        engine.train_step(train_images[batch], train_labels[batch])
    accuracy = (engine.predict(test_images).argmax(axis=1) == test_labels).mean()
    assert accuracy >= 0.80


def test_a_step_lowers_the_loss_on_a_fixed_batch(sample):
    train_images, train_labels, _, _ = sample
    engine = NumpyEngine(init_weights(0), 1e-3)               # the notebook's ±0.05 init and lr
    first = engine.train_step(train_images[:128], train_labels[:128])
    second, _ = loss_and_gradients(*engine.weights(), train_images[:128], train_labels[:128])
    assert second < first


def test_engine_interface_shapes_and_privacy():
    engine = NumpyEngine(init_weights(5))
    W1, b1, W2, b2 = engine.weights()
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((784, 512), (512,), (512, 10), (10,))
    assert all(w.dtype == np.float32 for w in (W1, b1, W2, b2))
    W1[:] = 0                                     # a copy: the engine's own weights are untouched
    assert engine.weights()[0].any()
    probs = engine.predict(np.zeros((3, 784), np.float32))
    assert probs.shape == (3, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_same_start_same_run_whichever_update_rule(sample):
    train_images, train_labels, _, _ = sample
    a = NumpyEngine(init_weights(7), learning_rate=0.05)
    b = NumpyEngine(a.weights(), learning_rate=0.05, update_rule="optimizer")
    for engine in (a, b):
        engine.train_step(train_images[:128], train_labels[:128])
    assert all(np.array_equal(x, y) for x, y in zip(a.weights(), b.weights()))


def test_huge_learning_rate_gives_nan_or_inf_not_a_crash(sample):
    train_images, train_labels, _, _ = sample
    engine = NumpyEngine(init_weights(0), learning_rate=1e6)
    losses = []
    with np.errstate(all="ignore"):
        for start in range(0, 1280, 128):
            losses.append(engine.train_step(train_images[start:start + 128], train_labels[start:start + 128]))
    assert not np.isfinite(losses).all() or losses[-1] > 10


def test_unknown_init_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown init"):
        init_weights(0, "zeros")

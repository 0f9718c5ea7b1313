"""The notebook's 784-512-10 network trained with plain NumPy: forward AND backward by hand.

No autodiff. Every gradient below is the chain rule written out, the very numbers
`tf.GradientTape` computes for `NaiveSequential` (checked by `tape_gradient_check`).
Pure NumPy: importing this module never imports TensorFlow.

One detail matters for an exact match: when Keras's crossentropy receives the output of
a softmax, the TensorFlow backend reaches back to the logits and computes log-softmax
directly (no clipping of tiny probabilities). So we do the same.
"""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

import numpy as np



def forward(W1, b1, W2, b2, images):
    """images (batch, 784) -> what the backward pass needs: z1, h and the logits."""
    z1 = images @ W1 + b1                     # (batch, 784) @ (784, 512) + (512,) -> (batch, 512)
    h = np.maximum(z1, 0.0)                   # relu, (batch, 512)
    logits = h @ W2 + b2                      # (batch, 512) @ (512, 10) + (10,) -> (batch, 10)
    return z1, h, logits


def log_softmax(logits):
    """log(softmax(logits)), computed without overflow; (batch, 10)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def loss_and_gradients(W1, b1, W2, b2, images, labels):
    """Sparse categorical crossentropy (batch mean) and d loss / d [W1, b1, W2, b2]."""
    batch = len(images)
    z1, h, logits = forward(W1, b1, W2, b2, images)
    log_probs = log_softmax(logits)           # (batch, 10)
    loss = -log_probs[np.arange(batch), labels].mean()
    # softmax + crossentropy together: d loss / d logits = (probs - one_hot) / batch
    d_logits = np.exp(log_probs)              # probs, (batch, 10)
    d_logits[np.arange(batch), labels] -= 1.0
    d_logits /= batch
    dW2 = h.T @ d_logits                      # (512, batch) @ (batch, 10) -> (512, 10)
    db2 = d_logits.sum(axis=0)                # (10,)
    d_h = d_logits @ W2.T                     # (batch, 10) @ (10, 512) -> (batch, 512)
    d_z1 = d_h * (z1 > 0)                     # relu passes the gradient where z1 > 0
    dW1 = images.T @ d_z1                     # (784, batch) @ (batch, 512) -> (784, 512)
    db1 = d_z1.sum(axis=0)                    # (512,)
    return float(loss), [dW1, db1, dW2, db2]


def sgd_update(weights, gradients, learning_rate):
    """w <- w - learning_rate * g, in place (the notebook's update_weights_manual)."""
    for w, g in zip(weights, gradients):
        w -= learning_rate * g


@functools.cache
def _blas_controller():
    """threadpoolctl's controller, if installed (it ships with scikit-learn), else None."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread.

    A (128, 784) @ (784, 512) product is ~0.1 GFLOP: one thread does it in about a
    millisecond. On 2 cores shared with TensorFlow's thread pools and the server,
    OpenBLAS's second thread mostly waits for a core: measured 10 ms/step with it
    against 2 ms/step without (bench/quickstart.py)."""
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


class NumpyEngine:
    """The trainer's engine contract (see lib/train/trainer.py): train_step, predict, weights.

    Same constructor as naive.TapeEngine. update_rule "manual" and "optimizer" are the
    same plain SGD here (Keras's SGD without momentum is exactly w - lr * g).
    """

    def __init__(self, initial_weights, learning_rate=1e-3, update_rule="manual"):
        if update_rule not in ("manual", "optimizer"):
            raise ValueError(f"unknown update rule {update_rule!r}")
        self._weights = [np.array(w, dtype=np.float32) for w in initial_weights]   # copies
        self.learning_rate = float(learning_rate)

    def train_step(self, images, labels) -> float:
        """One SGD step on a batch; images (batch, 784) float32 in [0, 1], labels (batch,) ints."""
        images = np.asarray(images, dtype=np.float32)
        labels = np.asarray(labels, dtype=np.int64)
        with one_blas_thread():
            loss, gradients = loss_and_gradients(*self._weights, images, labels)
            sgd_update(self._weights, gradients, self.learning_rate)
        return loss

    def predict(self, images) -> np.ndarray:
        """(n, 784) -> probabilities (n, 10)."""
        with one_blas_thread():
            logits = forward(*self._weights, np.asarray(images, dtype=np.float32))[2]
            return np.exp(log_softmax(logits))

    def weights(self) -> list[np.ndarray]:
        """[W1, b1, W2, b2] (copies; the engine's own arrays stay private)."""
        return [w.copy() for w in self._weights]


def build_engine(config, initial_weights) -> NumpyEngine:
    """Engine "numpy" for lib/train/trainer.py's registry."""
    return NumpyEngine(initial_weights, config.learning_rate, config.update_rule)


@dataclass(frozen=True)
class GradientCheck:
    names: tuple[str, ...]          # "W1", "b1", "W2", "b2"
    shapes: tuple[tuple[int, ...], ...]
    max_abs_diff: tuple[float, ...] # |numpy - tape|, largest entry per tensor
    max_abs_grad: tuple[float, ...] # largest |gradient| entry, for scale
    numpy_loss: float
    tape_loss: float

    @property
    def worst(self) -> float:
        return max(self.max_abs_diff)

    def passed(self, tolerance: float = 1e-5) -> bool:
        """Every entry within `tolerance`, scaled up for tensors whose gradients exceed 1
        (float32 keeps ~7 significant digits, so |g| = 17 carries rounding near 1e-6)."""
        return all(d <= tolerance * max(1.0, g)
                   for d, g in zip(self.max_abs_diff, self.max_abs_grad))


def tape_gradients(weights, images, labels):
    """The same loss, differentiated by tf.GradientTape (imports TensorFlow)."""
    from lib.core.tf import keras, tensorflow
    tf, ops, losses = tensorflow(), keras().ops, keras().losses

    variables = [tf.Variable(w) for w in weights]
    W1, b1, W2, b2 = variables
    with tf.GradientTape() as tape:
        h = ops.relu(ops.matmul(images, W1) + b1)
        probs = ops.softmax(ops.matmul(h, W2) + b2)
        loss = ops.mean(losses.sparse_categorical_crossentropy(labels, probs))
    grads = tape.gradient(loss, variables)
    return float(loss), [g.numpy() for g in grads]


def tape_gradient_check(weights, images, labels) -> GradientCheck:
    """Compare our hand-written gradients with GradientTape's on one batch."""
    images = np.asarray(images, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.int64)
    numpy_loss, ours = loss_and_gradients(*weights, images, labels)
    tape_loss, theirs = tape_gradients(weights, images, labels)
    return GradientCheck(
        names=("W1", "b1", "W2", "b2"),
        shapes=tuple(tuple(g.shape) for g in ours),
        max_abs_diff=tuple(float(np.abs(a - b).max()) for a, b in zip(ours, theirs)),
        max_abs_grad=tuple(float(np.abs(b).max()) for b in theirs),
        numpy_loss=numpy_loss, tape_loss=tape_loss,
    )

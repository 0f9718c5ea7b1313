"""The chapter notebook's network rebuilt by hand, cell by cell: NaiveDense, NaiveSequential,
BatchGenerator, the two weight updates, one_training_step, fit and the evaluation cell.

This is the code the "Train the naive network" page shows (read from this file) AND runs, so
it keeps the notebook's names, signatures and globals (Keras 3 `ops` on the TensorFlow
backend). Where we differ from the notebook, on purpose, the line says so:
- `fit()` passes `batch_size` on to `BatchGenerator` (the notebook leaves it out, so its
  batches are always 128 whatever `fit` is given).

How a live run plugs in is our business and sits below the cells (`notebook_cells`,
`TapeEngine`): each run gets its own copy of the cells' globals (`learning_rate`,
`optimizer`), as if every student had a Jupyter kernel of their own, so two students can train
with different learning rates in one server process.

Importing this module imports TensorFlow (5-7 s): only training code imports it. The
notebook's `import keras` / `import tensorflow as tf` lines are the owner's (lib/core/tf.py):
the modules come from it, once the server's warm-up is over.
"""
from __future__ import annotations

import math
import types

import numpy as np

from lib.core.tf import keras as _keras, tensorflow as _tensorflow

keras = _keras()                                            # import keras
tf = _tensorflow()                                          # import tensorflow as tf
ops, optimizers = keras.ops, keras.optimizers               # from keras import ops, optimizers


# --------------------------------------------------------------------------- the notebook's cells

class NaiveDense:
    """One dense layer: output = activation(inputs @ W + b)."""

    def __init__(self, input_size, output_size, activation=None):
        self.activation = activation
        self.W = keras.Variable(
            shape=(input_size, output_size), initializer="uniform"   # U(-0.05, 0.05)
        )
        self.b = keras.Variable(shape=(output_size,), initializer="zeros")

    def __call__(self, inputs):
        x = ops.matmul(inputs, self.W)                       # (batch, 784) @ (784, 512) -> (batch, 512)
        x = x + self.b                                       # + (512,) broadcast over the batch
        if self.activation is not None:
            x = self.activation(x)
        return x

    @property
    def weights(self):
        return [self.W, self.b]


class NaiveSequential:
    """Chain layers: the output of one is the input of the next."""

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, inputs):
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    @property
    def weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.weights
        return weights


def build_model():
    """The notebook's `model = NaiveSequential([...])` cell: 784 -> 512 (relu) -> 10 (softmax)."""
    model = NaiveSequential([
        NaiveDense(input_size=28 * 28, output_size=512, activation=ops.relu),
        NaiveDense(input_size=512, output_size=10, activation=ops.softmax),
    ])
    assert len(model.weights) == 4                           # W1, b1, W2, b2
    return model


class BatchGenerator:
    """Hand out the data in consecutive slices of batch_size; the last one may be shorter."""

    def __init__(self, images, labels, batch_size=128):
        assert len(images) == len(labels)
        self.index = 0
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.num_batches = math.ceil(len(images) / batch_size)

    def next(self):
        images = self.images[self.index : self.index + self.batch_size]   # (batch, 784)
        labels = self.labels[self.index : self.index + self.batch_size]   # (batch,)
        self.index += self.batch_size
        return images, labels


learning_rate = 1e-3


def update_weights_manual(gradients, weights):
    """SGD by hand: move every weight a small step against its gradient."""
    for g, w in zip(gradients, weights):
        w.assign(w - g * learning_rate)


optimizer = optimizers.SGD(learning_rate=1e-3)


def update_weights(gradients, weights):
    """The same step, done by a Keras optimizer."""
    optimizer.apply_gradients(zip(gradients, weights))


def one_training_step(model, images_batch, labels_batch):
    """Forward pass under the tape, loss, gradients, update. Returns the batch's mean loss."""
    with tf.GradientTape() as tape:
        predictions = model(images_batch)                    # (batch, 10)
        loss = ops.sparse_categorical_crossentropy(labels_batch, predictions)  # (batch,)
        average_loss = ops.mean(loss)                        # ()
    gradients = tape.gradient(average_loss, model.weights)   # one gradient per weight, same shapes
    update_weights_manual(gradients, model.weights)
    return average_loss


def fit(model, images, labels, epochs, batch_size=128):
    """The notebook's training loop: print the loss of every 100th batch."""
    for epoch_counter in range(epochs):
        print(f"Epoch {epoch_counter}")
        # our fix: the notebook leaves batch_size out here, so its batches always hold 128
        batch_generator = BatchGenerator(images, labels, batch_size)
        for batch_counter in range(batch_generator.num_batches):
            images_batch, labels_batch = batch_generator.next()
            loss = one_training_step(model, images_batch, labels_batch)
            if batch_counter % 100 == 0:
                print(f"loss at batch {batch_counter}: {loss:.2f}")


def evaluate(model, test_images, test_labels):
    """The notebook's evaluation cell (in a function so it can be called): prints and returns
    the share of test digits whose most probable class is the label."""
    predictions = model(test_images)                         # (n, 10)
    predicted_labels = ops.argmax(predictions, axis=1)       # (n,)
    matches = predicted_labels == test_labels                # (n,) True / False
    print(f"accuracy: {ops.mean(matches):.2f}")
    return float(ops.mean(matches))


# --------------------------------------------------------------------------- one run's copy

NOTEBOOK_FUNCTIONS = ("update_weights_manual", "update_weights", "one_training_step", "fit",
                      "evaluate")


def notebook_cells(learning_rate, update_rule="manual"):
    """The cells above with one run's own globals, like a fresh Jupyter kernel per student.

    `learning_rate` and `optimizer` are globals in the notebook. Here they are set in a copy
    of this module's namespace, and the functions that read them are rebound to that copy, so
    every run keeps the notebook's signatures while its learning rate stays its own.
    update_rule "optimizer" makes `one_training_step` call the notebook's other update cell,
    `update_weights` (optimizers.SGD), where it calls `update_weights_manual`.
    """
    if update_rule not in ("manual", "optimizer"):
        raise ValueError(f"unknown update rule {update_rule!r}")
    namespace = dict(globals())
    namespace["learning_rate"] = learning_rate
    namespace["optimizer"] = optimizers.SGD(learning_rate=learning_rate)
    for name in NOTEBOOK_FUNCTIONS:
        f = globals()[name]
        namespace[name] = types.FunctionType(f.__code__, namespace, f.__name__, f.__defaults__)
    if update_rule == "optimizer":
        namespace["update_weights_manual"] = namespace["update_weights"]
    return types.SimpleNamespace(**{k: namespace[k] for k in (
        "learning_rate", "optimizer", "build_model", *NOTEBOOK_FUNCTIONS)})


# --------------------------------------------------------------------------- engine wrapper

class TapeEngine:
    """The notebook's model behind the trainer's engine contract (see lib/train/trainer.py).

    The model is built by the notebook's cells, then set to the run's seeded start (the same
    numbers for every engine, see lib/train/config.py `initial_weights`). compiled=False runs
    one_training_step as written (eager); compiled=True wraps the very same step in
    tf.function once, with the model's variables captured, so each batch is one call into
    TensorFlow's graph runtime.
    """

    def __init__(self, initial_weights, learning_rate, update_rule="manual", compiled=False):
        self.cells = notebook_cells(learning_rate, update_rule)   # this run's globals
        self.model = self.cells.build_model()
        for variable, value in zip(self.model.weights, initial_weights):
            variable.assign(value)                           # the run's seeded start
        if update_rule == "optimizer":
            self.cells.optimizer.build(self.model.weights)   # its state exists before tf.function
        step = lambda images_batch, labels_batch: self.cells.one_training_step(  # noqa: E731
            self.model, images_batch, labels_batch)
        if compiled:
            # autograph=False: the step has no Python control flow on tensors to convert, and
            # autograph parses the source it converts (220 ast.parse calls at the first trace
            # in a process: the server's warm-up thread, while pages parse students' input).
            # On CPython 3.11 two parses at once can raise "SystemError: AST constructor
            # recursion depth mismatch" (lib/core/pyast.py).
            step = tf.function(step, autograph=False, input_signature=[
                tf.TensorSpec((None, 28 * 28), tf.float32),
                tf.TensorSpec((None,), tf.int32),
            ])
        self._step = step

    def train_step(self, images, labels) -> float:
        return float(self._step(images, labels))

    def predict(self, images) -> np.ndarray:
        return ops.convert_to_numpy(self.model(images))       # (n, 10)

    def weights(self) -> list[np.ndarray]:
        return [ops.convert_to_numpy(w) for w in self.model.weights]


def build_eager_engine(config, initial_weights):
    """Engine "eager": the notebook's step, op by op."""
    return TapeEngine(initial_weights, config.learning_rate, config.update_rule, compiled=False)


def build_compiled_engine(config, initial_weights):
    """Engine "compiled": the same step inside tf.function."""
    return TapeEngine(initial_weights, config.learning_rate, config.update_rule, compiled=True)

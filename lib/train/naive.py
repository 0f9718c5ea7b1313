"""The book's network rebuilt by hand: NaiveDense, NaiveSequential, BatchGenerator,
one_training_step (tf.GradientTape) and two ways to update the weights.

This is the code the "Train the naive network" page shows (with inspect.getsource)
AND runs, so it stays close to the book: same names, same structure, Keras 3 `ops`
on the TensorFlow backend. Differences, on purpose and small:
- `fit()` passes `batch_size` on to `BatchGenerator` (the slip in our notes drops it);
- the learning rate is an argument, not a global, so every run can pick its own;
- `TapeEngine` wraps a model for the live trainer (lib/train/trainer.py), in two flavours:
  `eager` (the step as written) and `compiled` (the same step inside tf.function).

Importing this module imports TensorFlow (5-7 s): only training code imports it.
"""
from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops, optimizers


class NaiveDense:
    """One dense layer: output = activation(inputs @ W + b)."""

    def __init__(self, input_size, output_size, activation=None):
        self.activation = activation
        w_shape = (input_size, output_size)                  # (784, 512)
        w_initial_value = keras.random.uniform(w_shape, minval=0, maxval=1e-1)
        self.W = keras.Variable(w_initial_value)
        b_shape = (output_size,)                             # (512,)
        self.b = keras.Variable(ops.zeros(b_shape))

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
    """The book's two-layer network: 784 -> 512 (relu) -> 10 (softmax)."""
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


def one_training_step(model, images_batch, labels_batch, update_weights):
    """Forward pass under the tape, loss, gradients, update. Returns the batch's mean loss."""
    with tf.GradientTape() as tape:
        predictions = model(images_batch)                    # (batch, 10)
        loss = ops.sparse_categorical_crossentropy(labels_batch, predictions)  # (batch,)
        average_loss = ops.mean(loss)                        # ()
    gradients = tape.gradient(average_loss, model.weights)   # one gradient per weight, same shapes
    update_weights(gradients, model.weights)
    return average_loss


def update_weights(gradients, weights, learning_rate=1e-3):
    """Plain SGD by hand: move every weight a small step against its gradient."""
    for g, w in zip(gradients, weights):
        w.assign(w - g * learning_rate)


def make_optimizer_update(weights, learning_rate=1e-3):
    """The same update, done by a Keras optimizer: optimizers.SGD."""
    optimizer = optimizers.SGD(learning_rate=learning_rate)
    optimizer.build(weights)                                 # create its state before any tf.function

    def update_weights_with_optimizer(gradients, weights):
        optimizer.apply_gradients(zip(gradients, weights))

    return update_weights_with_optimizer


def fit(model, images, labels, epochs, batch_size=128, learning_rate=1e-3):
    """The book's training loop (printing the loss every 100 batches)."""
    def update(gradients, weights):
        update_weights(gradients, weights, learning_rate)

    for epoch_counter in range(epochs):
        print(f"Epoch {epoch_counter}")
        batch_generator = BatchGenerator(images, labels, batch_size=batch_size)
        for batch_counter in range(batch_generator.num_batches):
            images_batch, labels_batch = batch_generator.next()
            loss = one_training_step(model, images_batch, labels_batch, update)
            if batch_counter % 100 == 0:
                print(f"loss at batch {batch_counter}: {float(loss):.2f}")


def evaluate(model, images, labels):
    """Test accuracy as in the book: argmax of the predictions against the labels."""
    predictions = model(images)                              # (n, 10)
    predicted_labels = ops.argmax(predictions, axis=1)       # (n,)
    matches = ops.convert_to_numpy(predicted_labels) == labels
    return float(np.mean(matches))


# --------------------------------------------------------------------------- engine wrapper

class TapeEngine:
    """The naive model behind the trainer's engine contract (see lib/train/trainer.py).

    compiled=False runs one_training_step as written (eager); compiled=True wraps the
    very same step in tf.function once, with the model's variables captured (not
    passed), so each batch is one call into TensorFlow's graph runtime.
    """

    def __init__(self, initial_weights, learning_rate, update_rule="manual", compiled=False):
        self.model = build_model()
        for variable, value in zip(self.model.weights, initial_weights):
            variable.assign(value)
        if update_rule == "optimizer":
            self.update = make_optimizer_update(self.model.weights, learning_rate)
        elif update_rule == "manual":
            def update(gradients, weights):
                update_weights(gradients, weights, learning_rate)
            self.update = update
        else:
            raise ValueError(f"unknown update rule {update_rule!r}")
        step = lambda images_batch, labels_batch: one_training_step(     # noqa: E731
            self.model, images_batch, labels_batch, self.update)
        if compiled:
            step = tf.function(step, input_signature=[
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
    """Engine "eager": the book's step, op by op."""
    return TapeEngine(initial_weights, config.learning_rate, config.update_rule, compiled=False)


def build_compiled_engine(config, initial_weights):
    """Engine "compiled": the same step inside tf.function."""
    return TapeEngine(initial_weights, config.learning_rate, config.update_rule, compiled=True)

"""The book's Keras quick start, run live: build, compile, prepare, fit, predict, evaluate.

`fit` is driven by the same pull-based live loop as the naive trainer (lib/train/live.py):
`quickstart_events(...)` trains batch by batch with `model.train_on_batch` and calls a
real Keras callback's hooks with the same logs `model.fit` would give it; the callback
turns them into `BatchEvent` / `EpochEvent`. The very same callback works inside
`model.fit(..., callbacks=[cb])`.

Keras comes from lib/core/tf.py inside the functions that need it (once the server's
warm-up is over), never at import.
"""
from __future__ import annotations

import functools
import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from lib.rules import BOOK_BATCH_SIZE
from lib.train.live import DONE, PAUSED, STOPPED, BatchEvent, Diverged, EpochEvent
from lib.train.code import format_prediction_vector
from lib.train.metrics import confusion_matrix
from lib.core.tf import keras

EPOCHS = 5
MAX_EPOCHS = 20                  # one run: QuickStart's check and the page's epochs box
BATCH_SIZE = BOOK_BATCH_SIZE     # the book's model.fit(..., batch_size=128)
BATCH_SIZES = (32, 64, BOOK_BATCH_SIZE, 256, 512)   # offered on the page
N_SHOWN = 10                     # the book predicts on test_images[0:10]

# The code cards on the page: the book's steps, with our names and shape comments.
MODEL_CODE = '''\
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(512, activation="relu"),    # -> (batch, 512)
    layers.Dense(10, activation="softmax"),  # -> (batch, 10)
])'''

COMPILE_CODE = '''\
model.compile(optimizer="adam",
              loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])'''

PREPARE_CODE = '''\
train_images = train_images.reshape(({n_train}, 28 * 28))   # ({n_train}, 28, 28) -> ({n_train}, 784)
train_images = train_images.astype("float32") / 255     # uint8 0..255 -> float32 0..1
test_images = test_images.reshape(({n_test}, 28 * 28))      # ({n_test}, 28, 28) -> ({n_test}, 784)
test_images = test_images.astype("float32") / 255'''

FIT_CODE = '''\
model.fit(train_images, train_labels, epochs={epochs}, batch_size={batch_size})'''

PREDICT_CODE = '''\
test_digits = test_images[0:10]                 # (10, 784)
predictions = model.predict(test_digits)        # (10, 10): one probability per class
predictions[0].argmax()                         # the most probable digit
test_labels[0]                                  # the true label'''

EVALUATE_CODE = '''\
test_loss, test_acc = model.evaluate(test_images, test_labels)
print(f"test_acc: {test_acc}")'''


@dataclass(frozen=True)
class LayerRow:
    name: str
    output_shape: tuple
    params: int
    formula: str


def layer_table(input_dim: int = 784, units=(512, 10)) -> list[LayerRow]:
    """The model summary without building the model (no TensorFlow needed)."""
    rows, fan_in = [], input_dim
    for i, n in enumerate(units):
        rows.append(LayerRow("dense" if i == 0 else f"dense_{i}", (None, n), fan_in * n + n,
                             f"{fan_in} × {n} weights + {n} biases"))
        fan_in = n
    return rows


def summary_table(rows: list[LayerRow]) -> dict[str, list[str]]:
    """The model card's table, column by column as st.table takes it: each layer's name,
    output shape, parameter count (with thousands separators) and where that comes from."""
    return {"layer": [r.name for r in rows],
            "output shape": [str(r.output_shape) for r in rows],
            "parameters": [f"{r.params:,}" for r in rows],
            "where they come from": [r.formula for r in rows]}


def _kernel_initializers(seed: int) -> list:
    """Each Dense layer's seeded kernel initializer (a seeded Keras initializer gives the
    same values on every call)."""
    initializers = keras().initializers                          # waits for the warm-up
    return [initializers.GlorotUniform(seed=seed), initializers.GlorotUniform(seed=seed + 1)]


def build_model(seed: int = 0):
    """The book's model, compiled. The seed fixes the initial weights and nothing else.

    Each layer gets its own seeded initializer (Keras's defaults for Dense: Glorot uniform
    kernel, zero bias) rather than `keras.utils.set_random_seed(seed)`: that seeds Python,
    NumPy and TensorFlow for the whole process, and two students building a model at the
    same moment would draw from each other's sequence.

    The optimizer's slots are made here, not by the first batch: a train step that creates
    variables is traced twice by TensorFlow, so a fresh model's first batch traced its
    train step twice (1-3 s here with the interpreter lock held). A run usually gets a model
    already traced (`SPARES`)."""
    layers = keras().layers
    first, second = _kernel_initializers(seed)
    model = keras().Sequential([
        layers.Dense(512, activation="relu", kernel_initializer=first),
        layers.Dense(10, activation="softmax", kernel_initializer=second),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.build((None, 28 * 28))
    model.optimizer.build(model.trainable_variables)
    return model


class Spares:
    """Compiled models whose train step is already traced, kept for the next Start.

    Keras traces a model's train step on its first batch, and the trace belongs to that
    model: 1-3 s with the interpreter lock held, which was most of the quick start's
    Start -> first batch. A spare was built and traced beforehand (the first by the server's
    warm-up, lib/train/warm.py; each next one in the background once a run that took one has
    trained its first batch) on two batch sizes, so its traced step takes any batch size.
    `take(seed)` puts it back in the state `build_model(seed)` starts in: the seeded
    weights, the optimizer's slots and step count as they were before any batch, the metrics
    reset; a run from it gives the same numbers as one from a fresh model (tested)."""

    def __init__(self, keep: int = 1):
        self.keep = keep
        self._lock = threading.Lock()
        self._ready: list[tuple[object, list[np.ndarray]]] = []
        self._filling = False
        self._thread: threading.Thread | None = None

    def fill(self):
        """Build one spare and trace its train step, in the calling thread; returns it (it
        stays a spare)."""
        model = build_model(0)
        fresh = [np.array(v.numpy()) for v in model.optimizer.variables]    # before any batch
        images = np.zeros((BATCH_SIZE, 28 * 28), np.float32)
        labels = np.zeros((BATCH_SIZE,), np.int32)
        model.train_on_batch(images, labels)
        model.train_on_batch(images[:1], labels[:1])    # a second shape: any batch size now
        with self._lock:
            self._ready.append((model, fresh))
        return model

    def take(self, seed: int):
        """A traced model in `build_model(seed)`'s starting state, or None when none is ready."""
        with self._lock:
            if not self._ready:
                return None
            model, fresh = self._ready.pop()
        for layer, initializer in zip(model.layers, _kernel_initializers(seed)):
            layer.kernel.assign(initializer(tuple(layer.kernel.shape), dtype=layer.kernel.dtype))
            layer.bias.assign(np.zeros(tuple(layer.bias.shape), np.float32))
        for variable, value in zip(model.optimizer.variables, fresh):
            variable.assign(value)
        model.reset_metrics()
        model.stop_training = False
        return model

    def refill_soon(self) -> None:
        """Make a spare in a background thread, unless one is ready or being made."""
        with self._lock:
            if self._filling or len(self._ready) >= self.keep:
                return
            self._filling = True
        # Not a daemon: a thread still inside TensorFlow when the interpreter exits can
        # abort it (lib/core/tf.py); the exit waits the second this takes.
        self._thread = threading.Thread(target=self._refill, name="tensor-lab-spare-model")
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a spare being made in the background (tests, benches)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _refill(self) -> None:
        try:
            self.fill()
        except Exception:           # no spare: the next run builds its own, as before
            pass
        finally:
            with self._lock:
                self._filling = False

    def ready(self) -> int:
        with self._lock:
            return len(self._ready)


SPARES = Spares()


def first_layer_weights(model) -> np.ndarray:
    """W1, (784, 512): column j holds the 784 weights into hidden unit j."""
    return np.asarray(model.layers[0].kernel.numpy())


def predict_probs(model, images: np.ndarray, chunk: int = 2000) -> np.ndarray:
    """(n, 784) -> (n, 10) probabilities, in chunks (cheaper than model.predict's setup)."""
    out = [np.asarray(model(images[i:i + chunk], training=False)) for i in range(0, len(images), chunk)]
    return np.concatenate(out) if out else np.zeros((0, 10), np.float32)


def crossentropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean sparse categorical crossentropy of probabilities (clipped like Keras's)."""
    p = probs[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(p, 1e-7, 1 - 1e-7)).mean())


def test_report(probs: np.ndarray, labels: np.ndarray) -> dict:
    """What an epoch event carries about the test set."""
    predicted = probs.argmax(axis=1)
    return {
        "test_loss": crossentropy(probs, labels),
        "test_acc": float((predicted == labels).mean()),
        "test_predicted": predicted.astype(np.uint8),          # (n_test,)
        "confusion": confusion_matrix(labels, predicted),        # (10, 10)
    }


def _batch_value(running_now, running_before, seen_now, seen_before):
    """Keras logs running means over the epoch; recover this batch's own value."""
    if running_now is None:
        return None
    if running_before is None or seen_before == 0:
        return float(running_now)
    return float((running_now * seen_now - running_before * seen_before) / (seen_now - seen_before))


@functools.cache
def live_callback_class():
    """The callback class, made on first use so importing this module skips Keras."""

    class LiveCallback(keras().callbacks.Callback):
        """Turns Keras's batch and epoch hooks into live-loop events, queued in `events`.

        Keras passes running means over the epoch in `logs` (what its progress bar
        shows); each BatchEvent carries the batch's own loss, recovered from them, and
        the running accuracy. At each epoch's end (and once before training) the test
        set is scored so the page can show accuracy, confusion and predictions.
        """

        def __init__(self, test_images, test_labels, train_size, batch_size):
            super().__init__()
            self.test_images = test_images                   # (n_test, 784) float32
            self.test_labels = np.asarray(test_labels)
            self.train_size = int(train_size)
            self.batch_size = int(batch_size)
            self.steps_per_epoch = math.ceil(self.train_size / self.batch_size)
            self.events: list = []
            self.step = 0
            self.train_seconds = 0.0

        def drain(self) -> list:
            events, self.events = self.events, []
            return events

        def _epoch_event(self, epoch, mean_loss, train_acc):
            probs = predict_probs(self.model, self.test_images)
            report = test_report(probs, self.test_labels)
            self.events.append(EpochEvent(
                epoch=epoch, mean_loss=mean_loss, train_acc=train_acc,
                test_acc=report["test_acc"], predictions=probs[:N_SHOWN],
                seconds=self.train_seconds, extra=report))

        def on_train_begin(self, logs=None):
            self._epoch_event(0, None, None)                 # the untrained model

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch + 1
            self._seen, self._loss, self._acc = 0, None, None

        def on_train_batch_begin(self, batch, logs=None):
            self._started = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            logs = logs or {}
            took = max(time.perf_counter() - self._started, 1e-9)
            self.train_seconds += took
            size = min(self.batch_size, self.train_size - batch * self.batch_size)
            seen = self._seen + size
            loss = _batch_value(logs.get("loss"), self._loss, seen, self._seen)
            self.step += 1
            self.events.append(BatchEvent(
                step=self.step, epoch=self.epoch, batch=batch + 1,
                batches_per_epoch=self.steps_per_epoch, loss=loss,
                samples_per_s=size / took, batch_size=size,
                accuracy=logs.get("accuracy"),
                extra={"running_loss": logs.get("loss"),
                       "batch_accuracy": _batch_value(logs.get("accuracy"), self._acc,
                                                      seen, self._seen)}))
            self._seen, self._loss, self._acc = seen, logs.get("loss"), logs.get("accuracy")
            if loss is not None and not math.isfinite(loss):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            self._epoch_event(epoch + 1, logs.get("loss"), logs.get("accuracy"))

    return LiveCallback


def make_callback(test_images, test_labels, train_size, batch_size=BATCH_SIZE):
    return live_callback_class()(test_images, test_labels, train_size, batch_size)


def quickstart_events(model, train_images, train_labels, test_images, test_labels,
                      epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, seed: int = 0,
                      callback=None):
    """Train like `model.fit(..., epochs, batch_size)`, one batch per step, yielding events.

    Data are shuffled each epoch (as fit does) with a fixed seed. The callback's hooks
    get the logs fit would give them: running means of loss and accuracy over the epoch.
    """
    n = len(train_images)
    callback = callback or make_callback(test_images, test_labels, n, batch_size)
    callback.set_model(model)
    steps = math.ceil(n / batch_size)
    callback.set_params({"epochs": epochs, "steps": steps, "verbose": 0})
    rng = np.random.default_rng(seed)
    callback.on_train_begin()
    yield from callback.drain()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        order = rng.permutation(n)
        seen, loss_sum, hit_sum = 0, 0.0, 0.0
        logs = {}
        for batch in range(steps):
            idx = order[batch * batch_size:(batch + 1) * batch_size]
            callback.on_train_batch_begin(batch)
            out = model.train_on_batch(train_images[idx], train_labels[idx], return_dict=True)
            size = len(idx)                                  # the last batch may be short
            seen += size
            loss_sum += out["loss"] * size
            hit_sum += out["accuracy"] * size
            logs = {"loss": loss_sum / seen, "accuracy": hit_sum / seen}   # running means
            callback.on_train_batch_end(batch, logs)
            yield from callback.drain()
            if not math.isfinite(out["loss"]):
                raise Diverged("The loss became NaN or infinite: the steps were too big. "
                               "Reset and try again.")
        callback.on_epoch_end(epoch, logs)
        yield from callback.drain()
    callback.on_train_end()


def total_steps(train_size: int, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE) -> int:
    return epochs * math.ceil(train_size / batch_size)


@dataclass(frozen=True)
class QuickStartConfig:
    """One quick-start run's settings."""
    epochs: int = EPOCHS
    batch_size: int = BATCH_SIZE
    seed: int = 0


class QuickStart:
    """One quick-start run: `events()` builds a fresh model (same seed, same start) and
    trains it; `model` is the live model (None before the first pull), for the page's
    predict / evaluate / look-inside panels. Drive with `LiveRun(qs.events, qs.total_steps)`."""

    def __init__(self, train_images, train_labels, test_images, test_labels,
                 epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, seed: int = 0):
        if not 1 <= int(epochs) <= MAX_EPOCHS:
            raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}")
        if not 1 <= int(batch_size) <= 8192:
            raise ValueError("batch_size must be between 1 and 8192")
        self.train_images, self.train_labels = train_images, train_labels   # (n, 784), (n,)
        self.test_images, self.test_labels = test_images, test_labels       # (m, 784), (m,)
        self.epochs, self.batch_size, self.seed = int(epochs), int(batch_size), int(seed)
        self.total_steps = total_steps(len(train_images), self.epochs, self.batch_size)
        self.model = None
        self.initial_W1 = None

    def events(self):
        self.model = SPARES.take(self.seed) or build_model(self.seed)
        self.initial_W1 = first_layer_weights(self.model)
        refilled = False
        for event in quickstart_events(self.model, self.train_images, self.train_labels,
                                       self.test_images, self.test_labels, self.epochs,
                                       self.batch_size, self.seed):
            yield event
            if not refilled and isinstance(event, BatchEvent):   # after the first batch is
                refilled = True                                    # out: a spare for the next
                SPARES.refill_soon()

    def predict(self, images) -> np.ndarray:
        """(n, 784) -> (n, 10) with the model as it is now."""
        return predict_probs(self.model, np.asarray(images, dtype=np.float32))


def make_run(config: QuickStartConfig, train_images, train_labels, test_images, test_labels):
    """A LiveRun driving a fresh QuickStart; returns (quick start, run)."""
    from lib.train.live import LiveRun
    qs = QuickStart(train_images, train_labels, test_images, test_labels, config.epochs,
                    config.batch_size, config.seed)
    return qs, LiveRun(qs.events, qs.total_steps)


def progress_line(last: BatchEvent, epoch_seconds: float, epochs: int, width: int = 20) -> str:
    """One epoch of Keras's progress output: `Epoch 2/5` then `469/469 ━━━━ 4s 9ms/step - ...`."""
    filled = int(round(width * last.batch / last.batches_per_epoch))
    bar = "━" * filled + "─" * (width - filled)
    per_step = epoch_seconds / max(last.batch, 1)
    left = last.batches_per_epoch - last.batch
    time_part = f"{per_step * left:.0f}s" if left else f"{epoch_seconds:.0f}s"
    acc = f"accuracy: {last.accuracy:.4f} - " if last.accuracy is not None else ""
    running = last.extra.get("running_loss", last.loss)
    steps = str(last.batches_per_epoch)
    return (f"Epoch {last.epoch}/{epochs}\n"
            f"{last.batch:>{len(steps)}}/{steps} {bar} {time_part} {per_step * 1000:.0f}ms/step"
            f" - {acc}loss: {running:.4f}")


def fit_log(batches: list[BatchEvent], epochs: int) -> str:
    """What `model.fit(verbose=1)` would have printed so far, one block per epoch."""
    blocks, seconds, last = [], 0.0, None
    for event in batches:
        if last is not None and event.epoch != last.epoch:
            blocks.append(progress_line(last, seconds, epochs))
            seconds = 0.0
        seconds += event.batch_size / event.samples_per_s if event.samples_per_s else 0.0
        last = event
    if last is not None:
        blocks.append(progress_line(last, seconds, epochs))
    return "\n".join(blocks)


BOOK_TRAIN_ACC, BOOK_TEST_ACC = 0.9897, 0.9790     # the book's quick start on full MNIST


def evaluation_sentence(train_acc: float, test_acc: float, n_test: int) -> str:
    """Train against test accuracy after the last epoch, in words. Keras's training figure is
    the running accuracy over that epoch's batches (what `fit` prints), not a fresh test."""
    said = (f"During its last epoch the model got **{train_acc:.1%}** of its training digits "
            f"right (the running accuracy `fit` prints); on {n_test:,} digits it never saw, "
            f"**{test_acc:.1%}**. ")
    if train_acc > test_acc:
        return said + ("That gap is **overfitting**: the model does a little better on data it "
                       "has seen than on new data. The book's run on full MNIST shows it too: "
                       "98.9% on the training set and 97.9% on the test set (its log says "
                       f"{BOOK_TRAIN_ACC:.4f} and {BOOK_TEST_ACC:.4f}).")
    return said + ("No gap here: the test score is at least as high. (The training figure is a "
                   "mean over the whole epoch, so early on it lags behind what the model can do "
                   "by the epoch's end.)")


def prediction_printout(epoch: int, probs: np.ndarray, label: int) -> str:
    """The predict card's lines for the first test digit, with what each gives: its
    prediction vector (10 probabilities) before training or after `epoch`, the most
    probable digit, and the true label."""
    when = "before training" if epoch == 0 else f"after epoch {epoch}"
    return (f"predictions[0]            # (10,), {when}\n{format_prediction_vector(probs)}\n"
            f"predictions[0].argmax()   # {int(np.argmax(probs))}\n"
            f"test_labels[0]            # {int(label)}")


EVALUABLE = (DONE, STOPPED, PAUSED)     # run states in which the model can be evaluated (not FINISHED:
                                        # a paused run is not over, but its model can be evaluated)


def evaluation_due(has_model: bool, status: str, steps_done: int,
                   stored: tuple | None) -> str | None:
    """Whether the page runs `model.evaluate` now: "now" when a run has finished or been
    stopped, "on request" (behind a button) while it is paused, None when there is no
    model, it is running or idle, or `stored` (steps_done, loss, accuracy) is already the
    result for this many steps (a rerun does not evaluate again)."""
    if not has_model or status not in EVALUABLE:
        return None
    if stored is not None and stored[0] == steps_done:
        return None
    return "on request" if status == PAUSED else "now"


def last_train_accuracy(epochs: list[EpochEvent]) -> float | None:
    """The training accuracy of the last epoch, the running accuracy `fit` printed; None
    before the first epoch ends (epoch 0, before training, has none)."""
    return epochs[-1].train_acc if epochs else None


def evaluation_report(stored: tuple, epochs: list[EpochEvent], n_test: int
                      ) -> tuple[list[tuple[str, str]], str | None]:
    """The evaluate card for `stored` = (steps_done, test_loss, test_acc): its numbers as
    (label, value), and the sentence comparing train and test accuracy; the training
    accuracy and the sentence only once an epoch has ended."""
    _, test_loss, test_acc = stored
    metrics = [("test_loss", f"{test_loss:.4f}"), ("test_acc", f"{test_acc:.4f}")]
    train_acc = last_train_accuracy(epochs)
    if train_acc is None:
        return metrics, None
    return ([*metrics, ("train accuracy (last epoch)", f"{train_acc:.4f}")],
            evaluation_sentence(train_acc, test_acc, n_test))


def evaluate(model, test_images, test_labels) -> tuple[float, float]:
    """The book's `model.evaluate`: (test_loss, test_acc)."""
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    return float(test_loss), float(test_acc)

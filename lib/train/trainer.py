"""The naive network's trainer: a generator of events that can stop between any two batches.

Contract
- `TrainConfig` (lib/train/config.py) holds one run's settings.
- `Trainer(config, data).events()` is the book's `fit()` loop turned into a
  generator: it yields `EpochEvent(epoch=0)` (the untrained model), then a
  `BatchEvent` after every batch and an `EpochEvent` after every epoch (see
  lib/train/live.py). A NaN or infinite loss raises `Diverged` with a sentence for the
  student. Drive it with `LiveRun(trainer.events, trainer.total_steps)`.
  Each call of `events()` starts from scratch: same seed -> same initial weights
  and same batch order -> same weights, however the run was paused.
- Engines are chosen by name from `lib.train.engines.ENGINES`; `trainer.engine` is the
  live engine (None before the first pull) so look-inside panels can read weights.
- TensorFlow is imported only when a run starts (its initial weights are Keras's draws, and
  the TF engines live in lib/train/naive.py; both get it from lib/core/tf.py), never by
  importing this module.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

import numpy as np

from lib.train.config import (DIVERGED_LOSS, HIDDEN_SIZE, INPUT_SIZE, N_FIXED_DIGITS,
                              TRAIN_ACC_SUBSET, TrainConfig, initial_weights)
from lib.train.engines import ENGINES, Engine
from lib.train.live import BatchEvent, Diverged, EpochEvent


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class TrainData:
    """MNIST as the network eats it: flat float32 in [0, 1], int32 labels. Read-only."""
    train_images: np.ndarray        # (n, 784) float32
    train_labels: np.ndarray        # (n,) int32
    test_images: np.ndarray         # (m, 784) float32
    test_labels: np.ndarray         # (m,) int32
    fixed_index: np.ndarray         # (16,) indices into the test set
    source: str = ""

    @property
    def fixed_images(self) -> np.ndarray:
        return self.test_images[self.fixed_index]           # (16, 784)

    @property
    def fixed_labels(self) -> np.ndarray:
        return self.test_labels[self.fixed_index]           # (16,)


def fixed_digit_indices(labels: np.ndarray, n: int = N_FIXED_DIGITS) -> np.ndarray:
    """n test digits chosen once: the first 0, 1, ..., 9, then the next 0, 1, ... again."""
    labels = np.asarray(labels)
    chosen: list[int] = []
    used = np.zeros(len(labels), dtype=bool)
    for k in range(n):
        candidates = np.flatnonzero((labels == k % 10) & ~used)
        if len(candidates) == 0:
            candidates = np.flatnonzero(~used)
        if len(candidates) == 0:
            break
        chosen.append(int(candidates[0]))
        used[candidates[0]] = True
    return np.array(chosen, dtype=np.int64)


def _flat_float(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    out = images.reshape((len(images), INPUT_SIZE)).astype("float32") / 255   # (n, 784) in [0, 1]
    out.setflags(write=False)
    return out


_PREPARED: dict[int, tuple[Any, TrainData]] = {}


def prepare_data(dataset: Any) -> TrainData:
    """The book's preprocessing, done once per dataset object (shared by all sessions)."""
    key = id(dataset.train_images)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is dataset.train_images:
        return hit[1]
    train_labels = np.asarray(dataset.train_labels).astype(np.int32)
    test_labels = np.asarray(dataset.test_labels).astype(np.int32)
    train_labels.setflags(write=False)
    test_labels.setflags(write=False)
    data = TrainData(_flat_float(dataset.train_images), train_labels,
                     _flat_float(dataset.test_images), test_labels,
                     fixed_digit_indices(test_labels), getattr(dataset, "source", ""))
    if len(_PREPARED) >= 2:
        _PREPARED.clear()
    _PREPARED[key] = (dataset.train_images, data)
    return data


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def predict_in_chunks(engine: Engine, images: np.ndarray, chunk: int = 5000) -> np.ndarray:
    return np.concatenate([engine.predict(images[i:i + chunk]) for i in range(0, len(images), chunk)])


# --------------------------------------------------------------------------- the trainer

class Trainer:
    """One run's engine and data; `events()` is the training loop as a generator."""

    def __init__(self, config: TrainConfig, data: TrainData):
        self.config = config.validated()
        self.data = data
        n = len(data.train_images)
        self.train_size = n if config.train_size is None else min(int(config.train_size), n)
        self.batches_per_epoch = math.ceil(self.train_size / config.batch_size)
        self.total_steps = self.batches_per_epoch * config.epochs
        self.engine: Engine | None = None

    def build_engine(self) -> Engine:
        config = self.config
        return ENGINES[config.engine].build(config, initial_weights(config.seed, config.init))

    def evaluate(self, epoch: int, losses: list[float] | None, seconds: float) -> EpochEvent:
        """Accuracy on the test set and on the first TRAIN_ACC_SUBSET training images, and the
        16 fixed test digits' predictions."""
        data, engine = self.data, self.engine
        test_probs = predict_in_chunks(engine, data.test_images)                 # (m, 10)
        k = min(self.train_size, TRAIN_ACC_SUBSET)
        train_probs = predict_in_chunks(engine, data.train_images[:k])          # (k, 10)
        test_predicted = np.argmax(test_probs, axis=1).astype(np.uint8)
        return EpochEvent(
            epoch=epoch,
            mean_loss=float(np.mean(losses)) if losses else None,
            train_acc=accuracy(train_probs, data.train_labels[:k]),
            test_acc=float(np.mean(test_predicted == data.test_labels)),
            predictions=test_probs[data.fixed_index],                           # (16, 10)
            seconds=seconds,
            extra={"test_predicted": test_predicted},
        )

    def events(self) -> Iterator[BatchEvent | EpochEvent]:
        """The book's fit() loop, with a `yield` after every batch and every epoch."""
        config, data = self.config, self.data
        self.engine = self.build_engine()        # first: waits for TensorFlow (lib/core/tf.py)
        from lib.train.naive import BatchGenerator      # pure Python, but lives with the book's code

        images = data.train_images[:self.train_size]                           # (n, 784)
        labels = data.train_labels[:self.train_size]                           # (n,)
        clock = time.perf_counter
        start = clock()
        yield self.evaluate(0, None, 0.0)
        seconds, step = clock() - start, 0
        for epoch in range(1, config.epochs + 1):
            batch_generator = BatchGenerator(images, labels, batch_size=config.batch_size)
            losses = []
            for batch in range(1, batch_generator.num_batches + 1):
                images_batch, labels_batch = batch_generator.next()           # (batch, 784), (batch,)
                t0 = clock()
                loss = self.engine.train_step(images_batch, labels_batch)
                dt = clock() - t0
                seconds += dt
                step += 1
                if not math.isfinite(loss) or loss > DIVERGED_LOSS:
                    raise Diverged(diverged_sentence(loss, epoch, batch, config.learning_rate))
                losses.append(loss)
                yield BatchEvent(step, epoch, batch, batch_generator.num_batches, loss,
                                 len(labels_batch) / max(dt, 1e-9), len(labels_batch))
            t0 = clock()
            event = self.evaluate(epoch, losses, seconds)
            seconds += clock() - t0
            yield replace(event, seconds=seconds)


def diverged_sentence(loss: float, epoch: int, batch: int, learning_rate: float) -> str:
    what = f"{loss:,.0f}" if math.isfinite(loss) else str(loss)
    return (f"Diverged: the loss became {what} at batch {batch} of epoch {epoch}. With a learning "
            f"rate of {learning_rate:g} each step jumps so far past the minimum that the weights "
            f"grow without bound. Reset and try a smaller learning rate (the notebook uses 1e-3; "
            f"0.1 is fast and still stable here).")


STUCK_ACCURACY = 0.15       # test accuracy at or below this after an epoch: near chance (10%)
FLAT_PROBABILITY = 0.2      # a mean top probability below this: ten nearly equal probabilities
# Test images the diagnosis runs forward to read the hidden units. The book preset on the
# bundled sample stays near chance for its first epochs, and each of those epochs of every
# student's run made one such pass: with 1,000 images, 6% of the server's samples in a class
# of 30 (py-spy, which slowed the class, so an upper bound). 256 images tell a unit that
# never fires, or fires for all, as well: the verdicts need 90% of the 512 units either way.
DIAGNOSIS_IMAGES = 256
SPIKE_LOSS = 2 * math.log(10)   # an epoch's mean loss above this: the steps overshot
SMALL_LEARNING_RATE = 0.01


def diagnosis(epochs: list[EpochEvent], weights: Callable[[], list[np.ndarray]] | None,
              images: np.ndarray, learning_rate: float | None = None) -> str | None:
    """A sentence when test accuracy is still near chance after an epoch, saying what the
    network does and the likely cause, read from its weights and loss. `weights` is called
    (e.g. engine.weights) only then; `images` are flat test images, (m, 784) float32."""
    trained = [e for e in epochs if e.epoch >= 1]
    if not trained or trained[-1].test_acc is None or trained[-1].test_acc > STUCK_ACCURACY:
        return None
    predicted = trained[-1].extra.get("test_predicted")
    answers = ""
    if predicted is not None and len(predicted):
        counts = np.bincount(np.asarray(predicted, dtype=np.int64), minlength=10)
        answers = (f"It answers {int(counts.argmax())} for {counts.max() / len(predicted):.0%} "
                   "of the test digits. ")
    stuck = f"Test accuracy is still near chance (10%). {answers}"
    if weights is None:
        return stuck + "Try the preset 'faster: lr 0.1'."
    from lib.train.numpy_engine import forward, log_softmax     # pure NumPy
    z1, _, logits = forward(*weights(), images[:DIAGNOSIS_IMAGES])   # (256, 512), _, (256, 10)
    dead = int(np.sum(np.all(z1 <= 0, axis=0)))              # hidden units that never fire
    always = int(np.sum(np.all(z1 > 0, axis=0)))             # ... that fire for every image
    top_probability = float(np.exp(log_softmax(logits)).max(axis=1).mean())
    spike = max(trained, key=lambda e: e.mean_loss or 0.0)
    if dead >= HIDDEN_SIZE * 0.9:
        return (f"{dead} of the {HIDDEN_SIZE} hidden units never fire (relu gives 0 for every "
                f"image), so no gradient reaches them: the network is stuck at guessing. "
                f"{answers}A large step pushed their weights far negative. Reset with a smaller "
                f"learning rate.")
    if always >= HIDDEN_SIZE * 0.9:
        return (stuck + f"{always} of the {HIDDEN_SIZE} hidden units fire for every image, as "
                f"they do when every weight starts positive (the [0, 0.1) start): all digits "
                f"then light up nearly the same units, one output wins for all of them, and "
                f"small steps take many epochs to undo it. Reset with the notebook's uniform "
                f"±0.05 start.")
    if (spike.mean_loss or 0.0) > SPIKE_LOSS:
        return (stuck + f"The steps were too large for this start: in epoch {spike.epoch} the "
                f"mean loss jumped to {spike.mean_loss:,.0f} (a healthy run starts near "
                f"ln 10 ≈ 2.30 and goes down), and the network came out of it giving nearly "
                f"the same answer to every digit. It may recover, slowly; a smaller learning "
                f"rate or the notebook's ±0.05 start avoids the jump.")
    if top_probability < FLAT_PROBABILITY and (learning_rate or 0.0) <= SMALL_LEARNING_RATE:
        return (stuck + "The network gives every digit almost the same ten probabilities, "
                "close to 0.1 each, which is why the loss sits near ln 10 ≈ 2.30: its outputs "
                "are still small and nearly equal, and a small learning rate moves them only a "
                "little per step. It is learning (the loss creeps down), just slowly: with the "
                "notebook's ±0.05 start and learning rate 1e-3 on the 4,000-digit sample, test "
                "accuracy passes 15% after 3 to 5 epochs. The preset 'faster: lr 0.1' takes "
                + (f"steps {0.1 / learning_rate:,.0f} times larger." if learning_rate else
                   "much larger steps."))
    return stuck + ("The steps have not yet pulled the digits apart. Try the preset "
                    "'faster: lr 0.1'.")


def fit_printout(batches: list[BatchEvent], every: int = 100) -> str:
    """What the notebook's `fit()` prints for these batches: `Epoch k` at the start of each
    epoch and the loss of every 100th batch, both counted from 0 as its loops count."""
    lines = []
    for event in batches:
        epoch_counter, batch_counter = event.epoch - 1, event.batch - 1
        if batch_counter == 0:
            lines.append(f"Epoch {epoch_counter}")
        if batch_counter % every == 0:
            lines.append(f"loss at batch {batch_counter}: {event.loss:.2f}")
    return "\n".join(lines)


def evaluation_printout(epoch: EpochEvent | None) -> str:
    """What the notebook's evaluation cell prints for the model after this epoch."""
    return "" if epoch is None or epoch.test_acc is None else f"accuracy: {epoch.test_acc:.2f}"


def make_run(config: TrainConfig, data: TrainData):
    """A LiveRun driving a fresh Trainer; returns (trainer, run)."""
    from lib.train.live import LiveRun
    trainer = Trainer(config, data)
    return trainer, LiveRun(trainer.events, trainer.total_steps)

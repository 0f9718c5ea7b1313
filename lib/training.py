"""The naive network's trainer: a generator of events that can stop between any two batches.

Contract
- `TrainConfig` holds one run's settings (book defaults: lr 1e-3, batch 128,
  10 epochs, uniform init in [0, 0.1), manual SGD).
- `Trainer(config, data).events()` is the book's `fit()` loop turned into a
  generator: it yields `EpochEvent(epoch=0)` (the untrained model), then a
  `BatchEvent` after every batch and an `EpochEvent` after every epoch (see
  lib/live.py). A NaN or infinite loss raises `Diverged` with a sentence for the
  student. Drive it with `LiveRun(trainer.events, trainer.total_steps)`.
  Each call of `events()` starts from scratch: same seed -> same initial weights
  and same batch order -> same weights, however the run was paused.
- Engines are chosen by name from `ENGINES`. An engine is any object with
      train_step(images (batch, 784) float32, labels (batch,) int32) -> float mean loss
      predict(images (n, 784) float32) -> (n, 10) float32 probabilities
      weights() -> [W1 (784, 512), b1 (512,), W2 (512, 10), b2 (10,)] as NumPy arrays
  built by `builder(config, initial_weights)`, where `builder` is a callable or a
  "module:function" string imported on first use. `trainer.engine` is the live
  engine (None before the first pull) so look-inside panels can read weights.
- TensorFlow is imported only when a TF engine is built (lib/naive.py), never by
  importing this module.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import math
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from lib.live import BatchEvent, Diverged, EpochEvent

INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE = 28 * 28, 512, 10
FLOPS_PER_SAMPLE = 6 * (INPUT_SIZE * HIDDEN_SIZE + HIDDEN_SIZE * OUTPUT_SIZE)  # fwd 2x + bwd 4x ≈ 2.44 M
N_FIXED_DIGITS = 16
TRAIN_ACC_SUBSET = 10_000        # train accuracy is measured on at most this many training images
from lib.server import WARMUP_THREAD as PREWARM_THREAD  # the router's warm-up thread
DIVERGED_LOSS = 1e6              # a mean crossentropy this large means the logits have blown up

INITS = {
    "uniform": "the book's: W uniform in [0, 0.1), b = 0",
    "glorot": "Keras's Dense default: W uniform in ±sqrt(6 / (fan_in + fan_out)), b = 0",
}
UPDATE_RULES = {
    "manual": "w.assign(w - g * learning_rate)",
    "optimizer": "optimizers.SGD(learning_rate).apply_gradients(...)",
}


class Engine(Protocol):
    def train_step(self, images: np.ndarray, labels: np.ndarray) -> float: ...
    def predict(self, images: np.ndarray) -> np.ndarray: ...
    def weights(self) -> list[np.ndarray]: ...


@dataclass(frozen=True)
class EngineSpec:
    name: str
    label: str
    builder: str | Callable[["TrainConfig", list[np.ndarray]], Engine]
    blurb: str = ""
    source: tuple[str, ...] = ()    # "module:qualname" of the code the page shows for this engine

    def build(self, config: "TrainConfig", initial_weights: list[np.ndarray]) -> Engine:
        wait_for_tensorflow_prewarm()
        builder = self.builder
        if isinstance(builder, str):
            module, _, attr = builder.partition(":")
            builder = getattr(importlib.import_module(module), attr)
        return builder(config, initial_weights)

    def source_code(self) -> str:
        """The source of this engine's `source` entries (read from disk, nothing imported)."""
        return "\n\n".join(source_of(entry) for entry in self.source)


def source_of(entry: str) -> str:
    """Source text of "module:Name" or "module:Class.method", read from the module's file
    without importing it (so showing lib/naive.py's code does not import TensorFlow).
    It is the text of the very definitions that run."""
    module, _, qualname = entry.partition(":")
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"no module {module!r}")
    text = open(spec.origin, encoding="utf-8").read()
    nodes = ast.parse(text).body
    node = None
    for name in qualname.split("."):
        node = next((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                     and n.name == name), None)
        if node is None:
            raise ValueError(f"no {qualname!r} in {module}")
        nodes = node.body
    segment = ast.get_source_segment(text, node, padded=True)
    return textwrap.dedent(segment)


def wait_for_tensorflow_prewarm(timeout: float = 120.0) -> None:
    """Wait for the router's background `import tensorflow` (thread "prewarm-tensorflow")
    to finish. Importing keras while another thread is half-way through importing
    TensorFlow breaks both imports (a partly initialised module), so we never race it."""
    for thread in threading.enumerate():
        if thread.name == PREWARM_THREAD and thread is not threading.current_thread():
            thread.join(timeout)


ENGINES: dict[str, EngineSpec] = {}


def register_engine(spec: EngineSpec) -> None:
    ENGINES[spec.name] = spec


register_engine(EngineSpec(
    "eager", "eager (the book's code as written)", "lib.naive:build_eager_engine",
    "one_training_step runs op by op in Python, exactly as printed",
    ("lib.naive:TapeEngine", "lib.naive:build_eager_engine")))
register_engine(EngineSpec(
    "compiled", "compiled (same step in tf.function)", "lib.naive:build_compiled_engine",
    "the same one_training_step traced once into a TensorFlow graph; each batch is one call",
    ("lib.naive:TapeEngine", "lib.naive:build_compiled_engine")))
register_engine(EngineSpec(
    "numpy", "numpy (forward and backward by hand)", "lib.numpy_engine:build_engine",
    "no autodiff: the chain rule written out in NumPy; same gradients as the tape, fastest on a CPU",
    ("lib.numpy_engine:forward", "lib.numpy_engine:log_softmax",
     "lib.numpy_engine:loss_and_gradients", "lib.numpy_engine:sgd_update")))


@dataclass(frozen=True)
class TrainConfig:
    learning_rate: float = 1e-3
    epochs: int = 10
    batch_size: int = 128
    seed: int = 0
    init: str = "uniform"
    engine: str = "compiled"
    train_size: int | None = None   # None = every training image
    update_rule: str = "manual"

    def validated(self) -> "TrainConfig":
        """Raise ValueError with a plain message when a setting is out of range."""
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate <= 1e6
                and math.isfinite(self.learning_rate)):
            raise ValueError("the learning rate must be a positive number (at most 1e6)")
        if not 1 <= int(self.epochs) <= 100:
            raise ValueError("epochs must be between 1 and 100")
        if not 1 <= int(self.batch_size) <= 8192:
            raise ValueError("batch_size must be between 1 and 8192")
        if not 0 <= int(self.seed) < 2**32:
            raise ValueError("the seed must be between 0 and 2**32 - 1")
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; pick one of {sorted(INITS)}")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; pick one of {sorted(ENGINES)}")
        if self.update_rule not in UPDATE_RULES:
            raise ValueError(f"unknown update rule {self.update_rule!r}")
        if self.train_size is not None and not 1 <= int(self.train_size):
            raise ValueError("the training-set size must be at least 1")
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS: dict[str, dict[str, Any]] = {
    "book": dict(learning_rate=1e-3, batch_size=128, epochs=10, init="uniform", update_rule="manual"),
    "faster: lr 0.1": dict(learning_rate=0.1, batch_size=128, epochs=10, init="uniform",
                           update_rule="manual"),
    "faster still: lr 0.1 + Glorot init": dict(learning_rate=0.1, batch_size=128, epochs=10,
                                               init="glorot", update_rule="manual"),
}


def apply_preset(config: TrainConfig, name: str) -> TrainConfig:
    return replace(config, **PRESETS[name])


def initial_weights(seed: int, init: str = "uniform") -> list[np.ndarray]:
    """[W1 (784, 512), b1 (512,), W2 (512, 10), b2 (10,)] as float32, from the seed alone."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in ((INPUT_SIZE, HIDDEN_SIZE), (HIDDEN_SIZE, OUTPUT_SIZE)):
        if init == "uniform":
            W = rng.uniform(0.0, 1e-1, size=(fan_in, fan_out))
        elif init == "glorot":
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        else:
            raise ValueError(f"unknown init {init!r}")
        weights += [W.astype(np.float32), np.zeros(fan_out, dtype=np.float32)]
    return weights


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
        """Accuracy on the test set and on (up to 10,000) training images, + the 16 digits."""
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
        wait_for_tensorflow_prewarm()
        from lib.naive import BatchGenerator      # pure Python, but lives with the book's code

        config, data = self.config, self.data
        self.engine = self.build_engine()
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
            f"grow without bound. Reset and try a smaller learning rate (the book uses 1e-3; "
            f"0.1 is fast and still stable here).")


def dead_units(weights: list[np.ndarray], images: np.ndarray) -> int:
    """How many of the 512 hidden relu units output 0 for every one of these images."""
    W1, b1 = weights[0], weights[1]
    z1 = images @ W1 + b1                                     # (n, 784) @ (784, 512) + (512,)
    return int(np.sum(np.all(z1 <= 0, axis=0)))


def diagnosis(epochs: list[EpochEvent], weights: Callable[[], list[np.ndarray]] | None,
              images: np.ndarray) -> str | None:
    """A sentence when accuracy is stuck at chance after an epoch, saying the likely cause.
    `weights` is called (e.g. engine.weights) only in that case."""
    trained = [e for e in epochs if e.epoch >= 1]
    if not trained or trained[-1].test_acc is None or trained[-1].test_acc > 0.15:
        return None
    if weights is not None:
        dead = dead_units(weights(), images[:1000])
        if dead >= HIDDEN_SIZE * 0.9:
            return (f"{dead} of the {HIDDEN_SIZE} hidden units never fire (relu gives 0 for every "
                    f"image), so no gradient reaches them: the network is stuck at guessing. A "
                    f"large step pushed their weights far negative. Reset with a smaller learning "
                    f"rate.")
    return ("Test accuracy is still at chance (about 10%): the network gives every digit nearly "
            "the same prediction. With the book's uniform start the outputs are large and nearly "
            "equal, and small steps take many epochs to separate them. Try the preset "
            "'faster: lr 0.1', or the Glorot init.")


def make_run(config: TrainConfig, data: TrainData):
    """A LiveRun driving a fresh Trainer; returns (trainer, run)."""
    from lib.live import LiveRun
    trainer = Trainer(config, data)
    return trainer, LiveRun(trainer.events, trainer.total_steps)

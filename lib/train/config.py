"""One training run's settings: TrainConfig, the presets, the initial weights, and the ranges
the "Train the naive network" page offers (the page declares its settings in lib/site/views.py
from these, and passes their values to config_from)."""
from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lib.rules import BOOK_BATCH_SIZE
from lib.train.engines import ENGINES

INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE = 28 * 28, 512, 10
FLOPS_PER_SAMPLE = 6 * (INPUT_SIZE * HIDDEN_SIZE + HIDDEN_SIZE * OUTPUT_SIZE)  # fwd 2x + bwd 4x ≈ 2.44 M
N_FIXED_DIGITS = 16
# Train accuracy is measured after every epoch on the first TRAIN_ACC_SUBSET training digits:
# enough for a percentage to a point, and cheap. On the 4,000-digit sample every training digit
# would cost a forward pass over 4,000 (+ the 1,000 test digits) per epoch of 4,000 trained,
# about 40% more work than the training itself; with 1,000 it is about 17%.
TRAIN_ACC_SUBSET = 1_000
MAX_EPOCHS = 50                  # one run: the config's check and the page's epochs box
DIVERGED_LOSS = 1e6              # a mean crossentropy this large means the logits have blown up

# How a run's weights start (biases always at 0). Drawn by Keras's own initializers with a
# seed, so the same seed gives the same numbers for every engine and every student.
INITS = {
    "uniform": "the notebook's: Keras's \"uniform\" initializer, RandomUniform(-0.05, 0.05)",
    "old_uniform": "the book's earlier edition: uniform in [0, 0.1). Kept to show a poor "
                   "start: every weight is positive, so every hidden unit fires for every digit "
                   "and one output wins for all of them. The first loss is 3.6 to 9.9 (seeds 0-4 "
                   "on the sample) instead of ln 10 ≈ 2.30, and at learning rate 1e-3 test "
                   "accuracy stays at chance for the first 7 epochs or more",
    "glorot": "Keras's Dense default, GlorotUniform: uniform in ±sqrt(6 / (fan_in + fan_out))",
}
INIT_LABELS = {"uniform": "uniform ±0.05 (notebook)", "old_uniform": "[0, 0.1) (older edition)",
               "glorot": "Glorot"}
UPDATE_RULES = {
    "manual": "update_weights_manual, w.assign(w - g * learning_rate): what one_training_step "
              "calls",
    "optimizer": "update_weights, optimizers.SGD(learning_rate).apply_gradients(...): the "
                 "notebook's other update cell, called in its place (the same numbers: SGD "
                 "without momentum is w - learning_rate * g)",
}


@dataclass(frozen=True)
class TrainConfig:
    learning_rate: float = 1e-3
    epochs: int = 10
    batch_size: int = BOOK_BATCH_SIZE
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
        if not 1 <= int(self.epochs) <= MAX_EPOCHS:
            raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}")
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


# Each preset names a value for each of the page's run settings it sets (the page writes them
# into its widgets through its declaration, lib/site/views.py TRAIN_NAIVE).
PRESETS: dict[str, dict[str, Any]] = {
    "book": dict(learning_rate=1e-3, batch_size=BOOK_BATCH_SIZE, epochs=10, init="uniform",
                 update_rule="manual"),
    "faster: lr 0.1": dict(learning_rate=0.1, batch_size=BOOK_BATCH_SIZE, epochs=10,
                           init="uniform", update_rule="manual"),
    "faster still: lr 0.1 + Glorot init": dict(learning_rate=0.1, batch_size=BOOK_BATCH_SIZE,
                                               epochs=10, init="glorot", update_rule="manual"),
}


LARGER_STEP = "faster: lr 0.1"   # the preset offered when a run with small steps ended learning little
LEARNED_LITTLE = 0.5             # test accuracy under this at the end of a run: it learned little


def larger_step_offer(config: TrainConfig, test_acc: float | None, steps: int,
                      n_digits: int) -> str | None:
    """One sentence for the end of a finished run that took small steps and learned little
    (the book preset on the 4,000-digit sample ends at 24-35%), saying why; the page puts the
    button that loads LARGER_STEP beside it. None when the step was not small or it learned."""
    larger = PRESETS[LARGER_STEP]["learning_rate"]
    if test_acc is None or test_acc >= LEARNED_LITTLE or config.learning_rate > larger / 10:
        return None
    return (f"This run ended at {test_acc:.0%} test accuracy, not because the network is "
            f"broken, but because learning rate {config.learning_rate:g} moves each weight "
            f"only a tiny step per batch, and {config.epochs} epochs over {n_digits:,} digits "
            f"make just {steps:,} such steps; the preset '{LARGER_STEP}' takes steps "
            f"{larger / config.learning_rate:,.0f} times larger.")


def initial_weights(seed: int, init: str = "uniform") -> list[np.ndarray]:
    """[W1 (784, 512), b1 (512,), W2 (512, 10), b2 (10,)] as float32, from the seed alone.

    Keras draws them (statelessly: nothing process-wide is seeded, so runs started at the same
    moment by different students cannot disturb each other); the arrays are read-only and
    shared, engines copy them. Imports Keras, so TensorFlow, on first use."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; pick one of {sorted(INITS)}")
    return list(_initial_weights(int(seed), init))


@functools.lru_cache(maxsize=8)
def _initial_weights(seed: int, init: str) -> tuple[np.ndarray, ...]:
    from lib.core.tf import keras         # once the server's warm-up is over
    initializers, ops = keras().initializers, keras().ops

    weights = []
    for layer, (fan_in, fan_out) in enumerate(((INPUT_SIZE, HIDDEN_SIZE),
                                               (HIDDEN_SIZE, OUTPUT_SIZE))):
        layer_seed = 2 * seed + layer                      # one seed per layer, never shared
        initializer = {
            "uniform": lambda: initializers.RandomUniform(-0.05, 0.05, seed=layer_seed),
            "old_uniform": lambda: initializers.RandomUniform(0.0, 0.1, seed=layer_seed),
            "glorot": lambda: initializers.GlorotUniform(seed=layer_seed),
        }[init]()
        W = ops.convert_to_numpy(initializer((fan_in, fan_out), dtype="float32"))
        weights += [W, np.zeros(fan_out, dtype=np.float32)]
    for w in weights:
        w.setflags(write=False)
    return tuple(weights)


# --------------------------------------------------------------------------- what the page offers

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0, 1e3, 1e6)
BATCH_SIZES = (16, 32, 64, BOOK_BATCH_SIZE, 256, 512, 1024)
TRAIN_SIZES = (500, 1000, 2000, 4000, 10_000, 30_000)


def train_size_options(n_train: int) -> tuple[int, ...]:
    """The training-set sizes offered for a dataset of n_train images (n_train itself last)."""
    return tuple(sorted({s for s in TRAIN_SIZES if s < n_train} | {n_train}))


def config_from(values: dict[str, Any], n_train: int) -> TrainConfig:
    """The TrainConfig for the page's setting values: the run's fields (the preset and the
    page's view settings are not part of a run)."""
    size = values.get("train_size") or n_train
    fields = {k: v for k, v in values.items()
              if k in TrainConfig.__dataclass_fields__ and k != "train_size"}
    return TrainConfig(**fields, train_size=None if size >= n_train else int(size))

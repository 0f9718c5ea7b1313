"""One training run's settings: TrainConfig, the presets, the initial weights, and the
settings the "Train the naive network" page declares (widgets, URL and config from one list)."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from lib.settings import PageSettings, Setting
from lib.train.engines import ENGINES

INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE = 28 * 28, 512, 10
FLOPS_PER_SAMPLE = 6 * (INPUT_SIZE * HIDDEN_SIZE + HIDDEN_SIZE * OUTPUT_SIZE)  # fwd 2x + bwd 4x ≈ 2.44 M
N_FIXED_DIGITS = 16
TRAIN_ACC_SUBSET = 10_000        # train accuracy is measured on at most this many training images
DIVERGED_LOSS = 1e6              # a mean crossentropy this large means the logits have blown up

INITS = {
    "uniform": "the book's: W uniform in [0, 0.1), b = 0",
    "glorot": "Keras's Dense default: W uniform in ±sqrt(6 / (fan_in + fan_out)), b = 0",
}
UPDATE_RULES = {
    "manual": "w.assign(w - g * learning_rate)",
    "optimizer": "optimizers.SGD(learning_rate).apply_gradients(...)",
}


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




# --------------------------------------------------------------------------- the page's settings

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0, 1e3, 1e6)
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
TRAIN_SIZES = (500, 1000, 2000, 4000, 10_000, 30_000)


def train_size_options(n_train: int) -> tuple[int, ...]:
    """The training-set sizes offered for a dataset of n_train images (n_train itself last)."""
    return tuple(sorted({s for s in TRAIN_SIZES if s < n_train} | {n_train}))


TRAIN_SETTINGS = PageSettings((
    Setting("preset", "naive_preset", "book", "Preset", "selectbox", tuple(PRESETS),
            help="'book' is the chapter's setting; the faster ones learn visibly in seconds."),
    Setting("learning_rate", "naive_lr", 1e-3, "learning_rate", "select_slider", LEARNING_RATES,
            format=lambda v: f"{v:g}"),
    Setting("batch_size", "naive_batch", 128, "batch_size", "select_slider", BATCH_SIZES),
    Setting("epochs", "naive_epochs", 10, "epochs", "number", min_value=1, max_value=50, step=1),
    Setting("engine", "naive_engine", "compiled", "Engine", "selectbox", tuple(ENGINES),
            format=lambda k: ENGINES[k].label,
            help=" · ".join(f"{s.name}: {s.blurb}" for s in ENGINES.values())),
    Setting("init", "naive_init", "uniform", "Initial weights", "radio", tuple(INITS),
            help=" · ".join(f"{k}: {v}" for k, v in INITS.items())),
    Setting("update_rule", "naive_rule", "manual", "Update rule", "radio", tuple(UPDATE_RULES),
            help=" · ".join(f"{k}: {v}" for k, v in UPDATE_RULES.items())),
    Setting("seed", "naive_seed", 0, "seed", "number", min_value=0, max_value=9999, step=1),
    Setting("train_size", "naive_size", None, "Training-set size (the first N training digits)",
            "select_slider", TRAIN_SIZES, format=lambda n: f"{n:,}"),
))


def config_from(values: dict[str, Any], n_train: int) -> TrainConfig:
    """The TrainConfig for the page's setting values (the preset is not part of a run)."""
    size = values.get("train_size") or n_train
    fields = {k: v for k, v in values.items() if k not in ("preset", "train_size")}
    return TrainConfig(**fields, train_size=None if size >= n_train else int(size))

"""The engines that can train the naive network, by name. An engine is any object with

    train_step(images (batch, 784) float32, labels (batch,) int32) -> float mean loss
    predict(images (n, 784) float32) -> (n, 10) float32 probabilities
    weights() -> [W1 (784, 512), b1 (512,), W2 (512, 10), b2 (10,)] as NumPy arrays

built by its spec's `build(config, initial_weights)`. The TensorFlow engines are imported
only when one is built (lib/train/naive.py gets TensorFlow from lib/core/tf.py, once the
server's warm-up is over), never by importing this.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

import numpy as np

from lib.core.source import source


class Engine(Protocol):
    def train_step(self, images: np.ndarray, labels: np.ndarray) -> float: ...
    def predict(self, images: np.ndarray) -> np.ndarray: ...
    def weights(self) -> list[np.ndarray]: ...


def _eager(config: Any, weights: list[np.ndarray]) -> Engine:
    from lib.train import naive
    return naive.build_eager_engine(config, weights)


def _compiled(config: Any, weights: list[np.ndarray]) -> Engine:
    from lib.train import naive
    return naive.build_compiled_engine(config, weights)


def _numpy(config: Any, weights: list[np.ndarray]) -> Engine:
    from lib.train import numpy_engine
    return numpy_engine.build_engine(config, weights)


@dataclass(frozen=True)
class EngineSpec:
    name: str
    label: str
    builder: Callable[[Any, list[np.ndarray]], Engine]
    blurb: str
    shown: tuple[str, ...]          # "module:qualname" of the code the page shows for it

    def build(self, config: Any, initial_weights: list[np.ndarray]) -> Engine:
        return self.builder(config, initial_weights)

    def source_code(self) -> str:
        """The code this engine runs, read from its files (nothing imported)."""
        return source(*self.shown)


ENGINES: dict[str, EngineSpec] = {spec.name: spec for spec in (
    EngineSpec("eager", "eager (the notebook's code as written)", _eager,
               "one_training_step runs op by op in Python, exactly as printed",
               ("lib.train.naive:TapeEngine", "lib.train.naive:notebook_cells",
                "lib.train.naive:build_eager_engine")),
    EngineSpec("compiled", "compiled (same step in tf.function)", _compiled,
               "the same one_training_step traced once into a TensorFlow graph; each batch is "
               "one call",
               ("lib.train.naive:TapeEngine", "lib.train.naive:notebook_cells",
                "lib.train.naive:build_compiled_engine")),
    EngineSpec("numpy", "numpy (forward and backward by hand)", _numpy,
               "no autodiff: the chain rule written out in NumPy, from the same starting "
               "weights; the same gradients as the tape, and about as fast as compiled on a CPU",
               ("lib.train.numpy_engine:forward", "lib.train.numpy_engine:log_softmax",
                "lib.train.numpy_engine:loss_and_gradients", "lib.train.numpy_engine:sgd_update")),
)}

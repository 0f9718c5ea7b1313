"""The engines that can train the naive network, by name. An engine is any object with

    train_step(images (batch, 784) float32, labels (batch,) int32) -> float mean loss
    predict(images (n, 784) float32) -> (n, 10) float32 probabilities
    weights() -> [W1 (784, 512), b1 (512,), W2 (512, 10), b2 (10,)] as NumPy arrays

built by its spec's `build(config, initial_weights)`. The TensorFlow engines are imported
only when one is built (lib/train/naive.py imports TensorFlow), never by importing this.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import numpy as np

from lib.server import WARMUP_THREAD
from lib.source import source


class Engine(Protocol):
    def train_step(self, images: np.ndarray, labels: np.ndarray) -> float: ...
    def predict(self, images: np.ndarray) -> np.ndarray: ...
    def weights(self) -> list[np.ndarray]: ...


def wait_for_tensorflow_prewarm(timeout: float = 120.0) -> None:
    """Wait for the router's background warm-up (lib/server.py) to finish. Importing keras
    while another thread is half-way through importing TensorFlow breaks both imports (a
    partly initialised module), so we never race it."""
    for thread in threading.enumerate():
        if thread.name == WARMUP_THREAD and thread is not threading.current_thread():
            thread.join(timeout)


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
    needs_tensorflow: bool = True

    def build(self, config: Any, initial_weights: list[np.ndarray]) -> Engine:
        if self.needs_tensorflow:
            wait_for_tensorflow_prewarm()
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
                "lib.train.numpy_engine:loss_and_gradients", "lib.train.numpy_engine:sgd_update"),
               needs_tensorflow=False),
)}

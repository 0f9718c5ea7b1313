"""MNIST as the book loads it, with an offline fallback.

`load_mnist()` returns a Dataset: train_images (N, 28, 28) uint8, train_labels (N,) uint8,
test_images, test_labels, and `source`: "keras" (the full 60,000 / 10,000 set) or
"sample" (5,000 real MNIST digits bundled in data/, split 4,000 / 1,000).

Order for source="auto":
1. `$KERAS_HOME/datasets/mnist.npz` (default ~/.keras), read with NumPy: no TensorFlow;
2. else Keras downloads it, in a child process bounded in time (Keras imports TF);
3. else the bundled sample, with a note saying why.
The env var MNIST_SOURCE (auto | keras | sample) overrides the argument.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SAMPLE_PATH = Path(__file__).resolve().parents[2] / "data" / "mnist_sample.npz"
DOWNLOAD_TIMEOUT_S = 15.0
# Where keras.datasets.mnist fetches from; a 2 s connection probe saves a 6 s TF import offline.
ORIGIN_HOST = ("storage.googleapis.com", 443)
DOWNLOAD_COMMAND = [sys.executable, "-c",
                    "from keras.datasets import mnist; mnist.load_data()"]
SOURCES = ("auto", "keras", "sample")


class DataUnavailable(RuntimeError):
    """The requested MNIST source could not be loaded."""


@dataclass(frozen=True)
class Dataset:
    train_images: np.ndarray   # (N, 28, 28) uint8
    train_labels: np.ndarray   # (N,) uint8
    test_images: np.ndarray    # (M, 28, 28) uint8
    test_labels: np.ndarray    # (M,) uint8
    source: str                # "keras" | "sample"
    note: str = ""             # why we fell back, shown once on screen
    load_seconds: float = field(default=0.0, compare=False)

    @property
    def is_full(self) -> bool:
        return self.source == "keras"

    @property
    def description(self) -> str:
        kind = "full MNIST" if self.is_full else "offline MNIST sample"
        return f"{kind}: {len(self.train_images):,} train / {len(self.test_images):,} test digits"


def keras_cache_path() -> Path:
    """Where Keras keeps mnist.npz: $KERAS_HOME/datasets, default ~/.keras/datasets."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _read_npz(path: Path, source: str, note: str = "", started: float | None = None) -> Dataset:
    started = time.perf_counter() if started is None else started
    with np.load(path) as f:
        arrays = [np.ascontiguousarray(f[k], dtype=np.uint8)
                  for k in ("x_train", "y_train", "x_test", "y_test")]
    for a in arrays:
        a.setflags(write=False)                 # shared by every session: nobody may write
    x_train, y_train, x_test, y_test = arrays
    if x_train.ndim != 3 or x_train.shape[1:] != (28, 28) or len(x_train) != len(y_train):
        raise DataUnavailable(f"{path} does not hold MNIST-shaped arrays")
    return Dataset(x_train, y_train, x_test, y_test, source, note,
                   time.perf_counter() - started)


def _online(timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection(ORIGIN_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def download_with_keras(timeout: float = DOWNLOAD_TIMEOUT_S) -> tuple[bool, str]:
    """Let Keras download and verify mnist.npz into its cache; (ok, reason)."""
    started = time.perf_counter()
    if not _online(min(2.0, timeout)):
        return False, "no internet connection"
    remaining = max(0.5, timeout - (time.perf_counter() - started))
    try:
        proc = subprocess.run(DOWNLOAD_COMMAND, capture_output=True, text=True,
                              timeout=remaining, env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    except subprocess.TimeoutExpired:
        return False, f"the download took longer than {timeout:.0f} s"
    except OSError as exc:
        return False, f"could not start Keras ({exc})"
    if proc.returncode != 0 or not keras_cache_path().exists():
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1][:200]
        return False, f"Keras could not download it ({last})"
    return True, ""


def load_mnist(source: str = "auto", download_timeout: float = DOWNLOAD_TIMEOUT_S) -> Dataset:
    """MNIST as a Dataset; see the module docstring for the order of sources."""
    source = os.environ.get("MNIST_SOURCE", source).strip().lower() or "auto"
    if source not in SOURCES:
        raise ValueError(f"MNIST source must be one of {', '.join(SOURCES)}, not {source!r}")
    started = time.perf_counter()
    if source == "sample":
        return _read_npz(SAMPLE_PATH, "sample", started=started)
    cached = keras_cache_path()
    if not cached.exists():
        ok, reason = download_with_keras(download_timeout)
        if not ok:
            if source == "keras":
                raise DataUnavailable(f"full MNIST is not available: {reason}")
            note = (f"Full MNIST could not be downloaded ({reason}), so the bundled "
                    f"sample of 5,000 real MNIST digits is used instead.")
            return _read_npz(SAMPLE_PATH, "sample", note, started)
    return _read_npz(cached, "keras", started=started)

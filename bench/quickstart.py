"""Quick-start and look-inside figures: Keras `fit` against the page's live loop, the numpy
engine's speed, and how closely its gradients match GradientTape's.

    python bench/quickstart.py                 # the bundled 4,000-digit sample
    python bench/quickstart.py --data full     # ~/.keras/datasets/mnist.npz, when present
    python bench/quickstart.py --data random   # 60,000 random images: timing at full size

Prints a table and one JSON line. Nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load(kind: str):
    from lib.core.data import load_mnist
    from lib.train.trainer import prepare_data
    if kind == "random":
        rng = np.random.default_rng(0)
        x = rng.random((60_000, 784), dtype=np.float32)
        y = rng.integers(0, 10, 60_000).astype(np.int32)
        xt = rng.random((10_000, 784), dtype=np.float32)
        yt = rng.integers(0, 10, 10_000).astype(np.int32)
        return x, y, xt, yt, "random 60,000"
    data = prepare_data(load_mnist("keras" if kind == "full" else "sample"))
    return (data.train_images, data.train_labels, data.test_images, data.test_labels,
            f"{data.source} {len(data.train_images):,}")


def keras_fit(x, y, xt, yt, epochs: int):
    from lib.train.quickstart import build_model
    model = build_model(0)
    model.fit(x[:1024], y[:1024], epochs=1, batch_size=128, verbose=0)      # trace once
    model = build_model(0)
    model.fit(x[:128], y[:128], epochs=1, batch_size=128, verbose=0)
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=128, verbose=0)
    seconds = time.perf_counter() - start
    _, test_acc = model.evaluate(xt, yt, verbose=0)
    return seconds / epochs, len(x) * epochs / seconds, float(test_acc), history.history


def keras_live(x, y, xt, yt, epochs: int):
    """The page's way: LiveRun pulling 0.3 s bursts from quickstart_events."""
    from lib.train import quickstart as kq
    from lib.train.live import LiveRun
    qs = kq.QuickStart(x, y, xt, yt, epochs=epochs)
    run = LiveRun(qs.events, qs.total_steps)
    run.start()
    run.step()                                       # build + trace, not timed
    run.resume()
    start = time.perf_counter()
    pulls = 0
    while run.status == "running":
        run.pull(0.3)
        pulls += 1
    seconds = time.perf_counter() - start
    train_s = sum(b.batch_size / b.samples_per_s for b in run.batches[1:])
    samples = sum(b.batch_size for b in run.batches[1:])
    return {"s_per_epoch": seconds / epochs, "samples_per_s": samples / seconds,
            "train_on_batch_share": train_s / seconds, "pulls": pulls,
            "test_acc": run.epochs[-1].test_acc,
            "test_acc_by_epoch": [round(e.test_acc, 4) for e in run.epochs]}


def first_batch(x, y, xt, yt, repeats: int = 3) -> dict:
    """Start -> the first BatchEvent of a quick start (QuickStart.events, as the page pulls
    it), in-process, TensorFlow warm: from a spare model (traced beforehand: what a Start
    gets, lib/train/quickstart.py `Spares`) and from a freshly built one (what it got
    before, and what a run gets when no spare is ready). Medians of `repeats`."""
    from lib.train import quickstart as kq
    from lib.train.live import BatchEvent

    def once(spare: bool) -> float:
        if spare:
            kq.SPARES.fill()                       # not timed: the warm-up's job
        elif kq.SPARES.ready():
            kq.SPARES.take(0)
        qs = kq.QuickStart(x, y, xt, yt, epochs=1)
        start = time.perf_counter()
        for event in qs.events():
            if isinstance(event, BatchEvent):
                return time.perf_counter() - start
        raise RuntimeError("no batch")

    once(False)                                    # imports and first-use costs, not timed
    times = {"spare": [], "fresh": []}
    for _ in range(repeats):
        for kind in times:
            times[kind].append(once(kind == "spare"))
            kq.SPARES.join()                       # the refill a run starts, out of the way
    return {kind: float(np.median(ts)) for kind, ts in times.items()}


def numpy_engine(x, y, xt, yt, epochs: int = 1):
    from lib.train.numpy_engine import NumpyEngine, init_weights
    engine = NumpyEngine(init_weights(0, "glorot"), learning_rate=0.1)
    order = np.random.default_rng(0).permutation(len(x))
    start = time.perf_counter()
    for _ in range(epochs):
        for i in range(0, len(x), 128):
            batch = order[i:i + 128]
            engine.train_step(x[batch], y[batch])
    seconds = time.perf_counter() - start
    acc = float((engine.predict(xt).argmax(axis=1) == yt).mean())
    return seconds / epochs, len(x) * epochs / seconds, acc


def gradient_check(x, y):
    from lib.train.numpy_engine import init_weights, tape_gradient_check
    worst = {}
    for init in ("uniform", "glorot"):
        check = tape_gradient_check(init_weights(0, init), x[:128], y[:128])
        worst[init] = check.worst
    return worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", choices=["sample", "full", "random"], default="sample")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    x, y, xt, yt, name = load(args.data)
    print(f"data: {name}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    first = first_batch(x, y, xt, yt)
    print(f"Start -> first batch     {first['spare']:6.3f} s from a spare model, "
          f"{first['fresh']:.3f} s from a fresh one (traces Keras's train step)")
    fit_s, fit_sps, fit_acc, _ = keras_fit(x, y, xt, yt, args.epochs)
    live = keras_live(x, y, xt, yt, args.epochs)
    np_s, np_sps, np_acc = numpy_engine(x, y, xt, yt)
    check = gradient_check(x, y)
    overhead = fit_sps / live["samples_per_s"] - 1
    print(f"Keras model.fit          {fit_s:6.2f} s/epoch {fit_sps:9,.0f} samples/s  "
          f"test_acc {fit_acc:.4f} after {args.epochs} epochs")
    print(f"Keras live (page's loop) {live['s_per_epoch']:6.2f} s/epoch "
          f"{live['samples_per_s']:9,.0f} samples/s  test_acc {live['test_acc']:.4f}  "
          f"({overhead:+.0%} time vs fit, {live['pulls']} pulls)")
    print(f"numpy engine, lr 0.1     {np_s:6.2f} s/epoch {np_sps:9,.0f} samples/s  "
          f"test_acc {np_acc:.4f} after 1 epoch")
    print("gradient check (128 images), largest |numpy - tape|: "
          + ", ".join(f"{k} init {v:.1e}" for k, v in check.items()))
    print(json.dumps({"bench": "quickstart", "data": args.data, "n_train": len(x),
                      "epochs": args.epochs, "load": round(os.getloadavg()[0], 1),
                      "first_batch_spare_s": round(first["spare"], 3),
                      "first_batch_fresh_s": round(first["fresh"], 3),
                      "keras_fit_s_per_epoch": round(fit_s, 3),
                      "keras_fit_samples_per_s": round(fit_sps),
                      "keras_fit_test_acc": round(fit_acc, 4),
                      "keras_live_s_per_epoch": round(live["s_per_epoch"], 3),
                      "keras_live_samples_per_s": round(live["samples_per_s"]),
                      "keras_live_test_acc": round(live["test_acc"], 4),
                      "keras_live_test_acc_by_epoch": live["test_acc_by_epoch"],
                      "keras_live_overhead": round(overhead, 3),
                      "numpy_s_per_epoch": round(np_s, 3), "numpy_samples_per_s": round(np_sps),
                      "numpy_test_acc_1_epoch": round(np_acc, 4),
                      "gradient_max_abs_diff": check}))


if __name__ == "__main__":
    main()

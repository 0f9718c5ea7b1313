"""How fast the naive network trains, engine by engine, against Keras `model.fit`.

    python bench/training.py                          # the bundled 4,000-digit sample
    python bench/training.py --data full              # ~/.keras/datasets/mnist.npz, when present
    python bench/training.py --data random60k         # 60,000 random images: timing at full size
    python bench/training.py --epochs 3 --engines compiled,numpy

For every engine in lib.train.engines.ENGINES (eager, compiled, numpy, ...) and for Keras
`fit` (same 784-512-10 network, batch 128) on the same data: samples/s, s/epoch (the
best epoch after the first, which includes tracing), test accuracy, and the share of
this machine's float32 matmul GFLOP/s that each reaches (2.44 MFLOP per sample). Then
the live loop as the page drives it (0.45 s pulls + the page's per-tick figure work)
against the bare loop. Prints a table and one JSON line; nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from lib.train.live import BatchEvent, EpochEvent, LiveRun  # noqa: E402
from lib.train.config import FLOPS_PER_SAMPLE, TrainConfig  # noqa: E402
from lib.train.engines import ENGINES  # noqa: E402
from lib.train.trainer import TrainData, Trainer, fixed_digit_indices, prepare_data  # noqa: E402


# forward 2 x weights, weight gradients 2 x weights, and the hidden layer's input gradient
FLOPS_DONE_PER_SAMPLE = 4 * (784 * 512 + 512 * 10) + 2 * 512 * 10


def load(kind: str) -> TrainData:
    if kind == "random60k":
        rng = np.random.default_rng(0)
        test_labels = rng.integers(0, 10, 10_000).astype(np.int32)
        return TrainData(rng.random((60_000, 784), dtype=np.float32),
                         rng.integers(0, 10, 60_000).astype(np.int32),
                         rng.random((10_000, 784), dtype=np.float32), test_labels,
                         fixed_digit_indices(test_labels), "random60k")
    from lib.core.data import load_mnist
    return prepare_data(load_mnist("keras" if kind == "full" else "sample"))


def matmul_gflops(n: int = 2048, repeats: int = 7) -> dict:
    """Best float32 n x n @ n x n rate on this machine, NumPy's BLAS and TensorFlow's oneDNN."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    a @ a
    rates = {"numpy": 2 * n ** 3 / min(_timed(lambda: a @ a) for _ in range(repeats)) / 1e9}
    import tensorflow as tf
    t = tf.constant(a)
    tf.linalg.matmul(t, t).numpy()
    rates["tensorflow"] = 2 * n ** 3 / min(
        _timed(lambda: tf.linalg.matmul(t, t).numpy()) for _ in range(repeats)) / 1e9
    return rates


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def epoch_timings(events, n_samples: int) -> dict:
    """Walk a trainer's events; time each epoch's batches (evaluation excluded)."""
    epoch_start, train_s, eval_s, last = None, [], [], None
    t_prev = time.perf_counter()
    for event in events:
        now = time.perf_counter()
        if isinstance(event, BatchEvent):
            if event.batch == 1:
                epoch_start = t_prev                    # the first batch began after the last event
            last = now
        elif isinstance(event, EpochEvent) and event.epoch >= 1:
            train_s.append(last - epoch_start)
            eval_s.append(now - last)
            final = event
        t_prev = time.perf_counter()
    best = min(train_s[1:] or train_s)
    return {"s_per_epoch": best, "first_epoch_s": train_s[0], "samples_per_s": n_samples / best,
            "eval_s": float(np.median(eval_s)), "test_acc": final.test_acc}


def bench_engine(name: str, data: TrainData, epochs: int, lr: float, init: str) -> dict:
    trainer = Trainer(TrainConfig(learning_rate=lr, epochs=epochs, engine=name, init=init), data)
    return epoch_timings(trainer.events(), len(data.train_images))


def bench_keras_fit(data: TrainData, epochs: int, verbose: int = 0) -> dict:
    """Keras's own loop: Dense(512, relu) + Dense(10, softmax), adam, batch 128.
    verbose=1 draws the progress bar as the book's notebook does (to /dev/null here)."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(512, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t0)

    import contextlib
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        model.fit(data.train_images, data.train_labels, epochs=epochs, batch_size=128,
                  verbose=verbose, callbacks=[Timer()])
    _, test_acc = model.evaluate(data.test_images, data.test_labels, verbose=0)
    best = min(times[1:] or times)
    return {"s_per_epoch": best, "first_epoch_s": times[0],
            "samples_per_s": len(data.train_images) / best, "eval_s": None,
            "test_acc": float(test_acc)}


def page_tick_work(run: LiveRun, trainer: Trainer, data: TrainData) -> None:
    """What the page's draw() computes from the run on every tick (figures, no Streamlit):
    the loss chart every tick, the epoch-level figures once per epoch (run.per_epoch), and
    every figure serialised as st.plotly_chart does."""
    import plotly.io

    from lib.figures.training import accuracy_figure, loss_figure, prediction_grid
    epochs = run.epochs
    trained = [e for e in epochs if e.epoch >= 1]
    latest = run.latest_epoch
    figures = [
        loss_figure([b.step for b in run.batches], [b.loss for b in run.batches],
                    trainer.batches_per_epoch, trainer.config.epochs,
                    [e.epoch for e in trained], [e.mean_loss for e in trained]),
        run.per_epoch("accuracy", lambda: accuracy_figure(
            [e.epoch for e in epochs], [e.train_acc for e in epochs],
            [e.test_acc for e in epochs], trainer.config.epochs)),
        run.per_epoch("grid", lambda: prediction_grid(
            data.fixed_images, data.fixed_labels, latest.predictions if latest else None))]
    for fig in figures:
        plotly.io.to_json(fig.to_dict(), validate=False)


def bench_live(name: str, data: TrainData, epochs: int, lr: float, init: str,
               budget_s: float = 0.45, repeats: int = 3) -> dict:
    """The same run three ways: the bare loop, LiveRun pulls, and LiveRun pulls plus the
    page's figure work per tick. Timed from the end of the first batch (engine building and
    tracing left out); the three alternate `repeats` times and the best of each counts, so
    a busy neighbour on a shared machine skews them alike."""
    config = TrainConfig(learning_rate=lr, epochs=epochs, engine=name, init=init)

    def bare() -> tuple[float, int, float]:
        events = Trainer(config, data).events()
        for event in events:
            if isinstance(event, BatchEvent):
                break
        start = time.perf_counter()
        for _ in events:
            pass
        return time.perf_counter() - start, 0, 0.0

    def live(with_figures: bool) -> tuple[float, int, float]:
        trainer = Trainer(config, data)
        run = LiveRun(trainer.events, trainer.total_steps)
        run.step()                                            # build, trace, first batch
        run.resume()
        start, pulls, tick_s = time.perf_counter(), 0, 0.0
        while run.status == "running":
            run.pull(budget_s)
            pulls += 1
            if with_figures:
                t0 = time.perf_counter()
                page_tick_work(run, trainer, data)
                tick_s += time.perf_counter() - t0
        return time.perf_counter() - start, pulls, tick_s

    variants = {"bare": bare, "pulls": lambda: live(False), "pulls+figures": lambda: live(True)}
    best: dict[str, tuple[float, int, float]] = {}
    for _ in range(repeats):
        for label, fn in variants.items():
            result = fn()
            if label not in best or result[0] < best[label][0]:
                best[label] = result
    bare_s = best["bare"][0]
    out = {"bare_s": bare_s, "repeats": repeats}
    for label in ("pulls", "pulls+figures"):
        wall, pulls, tick_s = best[label]
        out[label] = {"wall_s": wall, "pulls": pulls, "overhead_pct": 100 * (wall / bare_s - 1),
                      "figure_ms_per_tick": 1000 * tick_s / max(pulls, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=("sample", "full", "random60k"), default="sample")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated, from {sorted(ENGINES)}")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--init", default="uniform")
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument("--live-engine", default="compiled")
    args = parser.parse_args()

    data = load(args.data)
    n = len(data.train_images)
    rates = matmul_gflops()
    peak = max(rates.values())
    print(f"data: {data.source} ({n:,} train / {len(data.test_images):,} test), "
          f"{args.epochs} epochs, batch 128, lr {args.lr:g}, init {args.init}")
    print(f"float32 matmul 2048^3: NumPy {rates['numpy']:.0f}, TensorFlow "
          f"{rates['tensorflow']:.0f} GFLOP/s (peak = the better); "
          f"training costs {FLOPS_PER_SAMPLE / 1e6:.2f} MFLOP per sample (6 x weights; the "
          f"first layer's input gradient is never needed, so the work done is "
          f"{FLOPS_DONE_PER_SAMPLE / 1e6:.2f}); load average {os.getloadavg()[0]:.2f}")
    rows = {}
    for name in [e.strip() for e in args.engines.split(",") if e.strip()]:
        rows[name] = bench_engine(name, data, args.epochs, args.lr, args.init)
    if not args.no_keras:
        rows["keras fit (adam)"] = bench_keras_fit(data, args.epochs)
        rows["keras fit, bar"] = bench_keras_fit(data, args.epochs, verbose=1)
    print(f"\n{'engine':<18}{'samples/s':>12}{'s/epoch':>10}{'60k epoch':>11}{'1st epoch':>11}"
          f"{'eval s':>8}{'test acc':>10}{'% of peak':>11}{'(work done)':>12}")
    for name, r in rows.items():
        r["gflops"] = r["samples_per_s"] * FLOPS_PER_SAMPLE / 1e9
        r["share_of_peak_pct"] = 100 * r["gflops"] / peak
        r["share_of_peak_done_pct"] = 100 * r["samples_per_s"] * FLOPS_DONE_PER_SAMPLE / 1e9 / peak
        r["s_per_60k_epoch"] = 60_000 / r["samples_per_s"]
        eval_s = "–" if r["eval_s"] is None else f"{r['eval_s']:.2f}"
        print(f"{name:<18}{r['samples_per_s']:>12,.0f}{r['s_per_epoch']:>10.3f}"
              f"{r['s_per_60k_epoch']:>11.2f}{r['first_epoch_s']:>11.2f}{eval_s:>8}"
              f"{100 * r['test_acc']:>9.1f}%{r['share_of_peak_pct']:>10.1f}%"
              f"{r['share_of_peak_done_pct']:>11.1f}%")
    if "compiled" in rows and not args.no_keras:
        ratio = rows["compiled"]["samples_per_s"] / rows["keras fit (adam)"]["samples_per_s"]
        print(f"\ncompiled vs Keras fit: {ratio:.2f}x the samples/s (target >= 2x)")

    live_epochs = max(args.epochs, math.ceil(200_000 / n))     # at least ~200k samples
    live = bench_live(args.live_engine, data, live_epochs, args.lr, args.init)
    print(f"\nlive loop ({args.live_engine}, {live_epochs} epochs, 0.45 s pulls): bare {live['bare_s']:.2f} s; "
          f"pulls only {live['pulls']['wall_s']:.2f} s ({live['pulls']['overhead_pct']:+.1f}%, "
          f"{live['pulls']['pulls']} pulls); with the page's figures "
          f"{live['pulls+figures']['wall_s']:.2f} s ({live['pulls+figures']['overhead_pct']:+.1f}%, "
          f"{live['pulls+figures']['figure_ms_per_tick']:.0f} ms per tick)  (target < 10%)")
    print(json.dumps({"bench": "training", "data": data.source, "train_size": n,
                      "epochs": args.epochs, "matmul_gflops": round(peak, 1),
                      "matmul_gflops_by_library": {k: round(v, 1) for k, v in rates.items()},
                      "flops_per_sample": FLOPS_PER_SAMPLE,
                      "flops_done_per_sample": FLOPS_DONE_PER_SAMPLE,
                      "engines": {k: {kk: (round(v, 4) if isinstance(v, float) else v)
                                      for kk, v in r.items()} for k, r in rows.items()},
                      "live": live, "loadavg": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()

"""The Dot product page's numbers: naive loops vs np.dot, figure build times, page reruns.

    python bench/race_dot.py              # a table, then one JSON line
    python bench/race_dot.py --rounds 5

Races use the page's own bounds (its largest sizes), so they show the worst a student waits.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MNIST_SOURCE", "sample")

import numpy as np  # noqa: E402

from lib.rules.products import (naive_matrix_dot, naive_matrix_vector_dot,  # noqa: E402
                                naive_vector_dot, random_matrix)
from lib.rules.shapes import paired_axes  # noqa: E402
from lib.rules.race import race  # noqa: E402

RACES = {  # name: (naive function, shapes of x and y) at the page's upper bounds
    "vector_dot_500000": (naive_vector_dot, (500_000,), (500_000,)),
    "matrix_vector_600": (naive_matrix_vector_dot, (600, 600), (600,)),
    "matrix_dot_80": (naive_matrix_dot, (80, 80), (80, 80)),
}


def races(rounds: int) -> dict:
    rng = np.random.default_rng(0)
    out = {}
    for name, (fn, xs, ys) in RACES.items():
        x, y = rng.random(xs), rng.random(ys)
        results = [race(fn, np.dot, (x, y), 1) for _ in range(rounds)]
        assert all(r.results_equal for r in results)
        out[name] = {"naive_s": statistics.median(r.naive_seconds for r in results),
                     "numpy_s": statistics.median(r.numpy_seconds for r in results),
                     "speedup": statistics.median(r.speedup for r in results)}
    return out


def best_ms(fn, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn().to_dict()                          # what st.plotly_chart does with a Figure
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def figures() -> dict:
    from lib.core.data import load_mnist
    from lib.figures.dot import matmul_animation, shape_rule_figure
    from lib.figures.reshape import axis_permutation_figure, digit_strip_figure, flow_animation

    a5, b5 = random_matrix((5, 5), 0), random_matrix((5, 5), 1)
    digit = load_mnist().train_images[0]
    nd = ((4, 3, 2), (2, 4, 5))
    return {
        "matmul_2x3x2_ms": best_ms(lambda: matmul_animation(random_matrix((2, 3), 0),
                                                            random_matrix((3, 2), 1))),
        "matmul_5x5x5_ms": best_ms(lambda: matmul_animation(a5, b5)),
        "shape_rule_ms": best_ms(lambda: shape_rule_figure(*nd, paired_axes("matmul", *nd), None)),
        "flow_60_elements_ms": best_ms(lambda: flow_animation((3, 4, 5), (60,))),
        "axis_boxes_ms": best_ms(lambda: axis_permutation_figure((300, 10, 50, 20), (3, 2, 1, 0))),
        "digit_strip_ms": best_ms(lambda: digit_strip_figure(digit, 10)),
    }


def reruns() -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    out = {}
    for page in ("pages/dot_product.py", "pages/reshape_transpose.py"):
        at.switch_page(page).run()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        out[Path(page).stem + "_rerun_s"] = statistics.median(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    race_figures = races(args.rounds)
    print(f"{'race (page maximum)':24s} {'naive':>10s} {'np.dot':>10s} {'speedup':>9s}")
    for name, r in race_figures.items():
        print(f"{name:24s} {r['naive_s']:9.3f}s {r['numpy_s'] * 1e3:8.3f}ms {r['speedup']:8,.0f}x")
    fig = figures()
    for name, ms in fig.items():
        print(f"{name:24s} {ms:8.1f} ms")
    rerun = reruns()
    for name, s in rerun.items():
        print(f"{name:24s} {s * 1e3:8.0f} ms (AppTest, median of 5)")
    print(json.dumps({"bench": "race_dot", "races": race_figures, "figures_ms": fig, "reruns_s": rerun}))


if __name__ == "__main__":
    main()

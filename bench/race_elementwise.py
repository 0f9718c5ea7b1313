"""The book's race: naive add + relu loops against NumPy, on (20, 100), 1,000 repetitions.

    python bench/race_elementwise.py            # a few rounds, a table, one JSON line
    python bench/race_elementwise.py --rounds 5

Also times the Broadcasting page's figure builder and one AppTest rerun of each page,
since those are what a student waits for.
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

from lib.rules.elementwise import (BOOK_RACE_REPEATS, BOOK_RACE_SHAPE, naive_add_relu,  # noqa: E402
                             numpy_add_relu, race_inputs)
from lib.rules.race import race  # noqa: E402


def book_race(rounds: int) -> list:
    x, y = race_inputs(BOOK_RACE_SHAPE, seed=0)
    results = []
    for _ in range(rounds):
        result = race(naive_add_relu, numpy_add_relu, (x, y), BOOK_RACE_REPEATS)
        assert result.results_equal, "naive and NumPy results differ"
        results.append(result)
    return results


def figure_seconds() -> dict:
    from lib.figures.broadcast import broadcast_animation
    out = {}
    for name, (a, b, op) in {"book_32_10": ((32, 10), (10,), "+"),
                             "book_64_3_32_10": ((64, 3, 32, 10), (32, 10), "maximum")}.items():
        start = time.perf_counter()
        fig = broadcast_animation(a, b, op=op)
        build = time.perf_counter() - start
        out[name] = {"build_s": round(build, 4), "json_kb": round(len(fig.to_json()) / 1024, 1)}
    return out


def rerun_seconds() -> dict:
    from streamlit.testing.v1 import AppTest
    out = {}
    for page in ("pages/elementwise.py", "pages/broadcasting.py"):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
        at.switch_page(page).run()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        assert not at.exception
        out[Path(page).stem] = round(statistics.median(times), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest rerun timing")
    args = parser.parse_args()

    results = book_race(args.rounds)
    naive = statistics.median(r.naive_seconds for r in results)
    fast = statistics.median(r.numpy_seconds for r in results)
    print(f"book race: shape {BOOK_RACE_SHAPE}, {BOOK_RACE_REPEATS:,} repetitions, "
          f"{args.rounds} rounds (median)")
    print(f"  naive loops  {naive:8.3f} s")
    print(f"  NumPy        {fast:8.4f} s")
    print(f"  speed-up     {naive / fast:8.0f}x   (results equal: True)")
    figures = figure_seconds()
    for name, f in figures.items():
        print(f"broadcast animation {name}: built in {f['build_s']:.3f} s, {f['json_kb']} KB of JSON")
    reruns = {} if args.no_app else rerun_seconds()
    for page, seconds in reruns.items():
        print(f"AppTest rerun {page}: {seconds:.3f} s")
    print(json.dumps({"bench": "race_elementwise", "shape": list(BOOK_RACE_SHAPE),
                      "repeats": BOOK_RACE_REPEATS, "rounds": args.rounds,
                      "naive_s": round(naive, 4), "numpy_s": round(fast, 5),
                      "speedup": round(naive / fast, 1), "results_equal": True,
                      "animation": figures, "rerun_s": reruns}))


if __name__ == "__main__":
    main()

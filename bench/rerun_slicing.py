"""How long the Slicing & batches page takes to rerun when a student types a new index.

Runs the page under AppTest (no browser), types each expression several times and
reports the median / worst rerun. Usage: python bench/rerun_slicing.py [--repeats 5]
Prints figures, then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MNIST_SOURCE", "sample")

from streamlit.testing.v1 import AppTest  # noqa: E402

from lib.core.data import load_mnist  # noqa: E402
from lib.figures.slicing import (batch_strip, digit_selection, sample_strip,  # noqa: E402
                                 selected_crops)
from lib.rules.indexing import (IndexParseError, batch_info, describe_selection,  # noqa: E402
                          parse_index)


def lib_work_ms(repeats: int) -> tuple[float, float]:
    """Median time of the page's own work per expression, without Streamlit: parse,
    describe, build the three figures and serialise them, cut the crops.
    Returns (wall ms, CPU ms): CPU time hardly depends on what else runs on the machine."""
    images = load_mnist().train_images
    times, cpu = [], []
    for _ in range(repeats):
        for text in EXPRESSIONS:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                index = parse_index(text, {"n": 3, "batch_size": 128})
            except IndexParseError:
                index = (slice(10, 100),)
            samples, rows, cols = describe_selection(images.shape, index).axes
            sample_strip(samples).to_json()
            digit_selection(images[samples.positions[0]], rows, cols).to_json()
            batch_strip(batch_info(len(images), 128, 3)).to_json()
            selected_crops(images, samples, rows, cols)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000

EXPRESSIONS = ["train_images[10:100]", "train_images[:, 7:-7, 7:-7]",
               "train_images[::-1, ::2, ::-1]", "train_images[..., 14]",
               "train_images[128 * n : 128 * (n + 1)]", "train_images[abs(3)]"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    at.switch_page("pages/slicing.py").run()
    first = time.perf_counter() - started
    assert not at.exception, at.exception
    n_samples = next(m.value for m in at.metric if m.label == "selection.shape")
    times: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for text in EXPRESSIONS:
            box = at.text_input(key="slicing_expr")
            box.set_value(text)
            t0 = time.perf_counter()
            at.run()
            times.setdefault(text, []).append(time.perf_counter() - t0)
            assert not at.exception, at.exception
    slider_times = []
    for value in (100, 128, 256, 64, 128):
        t0 = time.perf_counter()
        at.slider(key="slicing_batch_size").set_value(value).run()
        slider_times.append(time.perf_counter() - t0)
    all_typed = [t for ts in times.values() for t in ts]
    lib_ms, lib_cpu_ms = lib_work_ms(args.repeats)
    print(f"dataset: MNIST_SOURCE={os.environ['MNIST_SOURCE']}, first shape shown {n_samples}")
    print(f"first page run (router + data load + page): {first * 1000:.0f} ms")
    for text, ts in times.items():
        print(f"  rerun after typing {text!r:45} median {statistics.median(ts) * 1000:6.1f} ms"
              f"   max {max(ts) * 1000:6.1f} ms")
    print(f"typing, all expressions: median {statistics.median(all_typed) * 1000:.1f} ms, "
          f"max {max(all_typed) * 1000:.1f} ms over {len(all_typed)} reruns")
    print(f"batch_size slider: median {statistics.median(slider_times) * 1000:.1f} ms")
    print(f"the page's own work (lib only, no Streamlit): median {lib_ms:.1f} ms wall, "
          f"{lib_cpu_ms:.1f} ms CPU per expression")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(json.dumps({
        "bench": "rerun_slicing", "source": os.environ["MNIST_SOURCE"],
        "first_run_ms": round(first * 1000, 1),
        "typing_median_ms": round(statistics.median(all_typed) * 1000, 1),
        "typing_max_ms": round(max(all_typed) * 1000, 1),
        "slider_median_ms": round(statistics.median(slider_times) * 1000, 1),
        "lib_work_median_ms": round(lib_ms, 1), "lib_work_cpu_ms": round(lib_cpu_ms, 1), "loadavg": round(os.getloadavg()[0], 1),
        "reruns": len(all_typed)}))


if __name__ == "__main__":
    main()

"""What the class's runs cost (issue 20 item 3): a student's epoch report (one store write),
the teacher's read of every run, and the rebuild of the teacher's chart and table.

    python bench/class_runs.py [--students 30] [--epochs 10] [--store sqlite:///abs/path.db]

Without --store, a SQLite file in a temporary directory. Prints figures, then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.classroom.runs import (colour_key, colour_keys, latest_per_member,  # noqa: E402
                                new_run_id, ranked, records_from_rows, table_rows)
from lib.classroom.store import open_store  # noqa: E402
from lib.figures.classroom import class_loss_figure  # noqa: E402

SETTINGS = {"preset": "book", "init": "uniform", "learning_rate": 1e-3, "batch_size": 128,
            "engine": "compiled"}


def ms(seconds: float) -> float:
    return round(1000 * seconds, 3)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--store", default=None, help="a store spec; default a temp SQLite file")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store = open_store(args.store or f"sqlite:///{tmp.name}/classes.sqlite3")
    code, key = store.create_class()
    seats = [store.join(code)[0] for _ in range(args.students)]
    run_ids = [new_run_id() for _ in seats]

    writes, reads, builds = [], [], []
    for epoch in range(1, args.epochs + 1):           # the class finishes its epochs together
        for i, (seat, run_id) in enumerate(zip(seats, run_ids)):
            settings = {**SETTINGS, "learning_rate": (1e-3, 0.1)[i % 2]}
            t = time.perf_counter()
            store.report_epoch(code, seat, run_id, settings, epoch, 2.3 / epoch, 0.09 * epoch,
                               epoch == args.epochs)
            writes.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.versions(code)
        rows = store.runs(code)
        reads.append(time.perf_counter() - t)
        t = time.perf_counter()
        records = latest_per_member(records_from_rows(rows))
        fig = class_loss_figure(records, [colour_key(r, "learning_rate") for r in records],
                                "learning rate", colour_keys(records, "learning_rate"))
        table_rows(ranked(records))
        json.dumps(fig.to_dict(), default=str)          # what st.plotly_chart serialises
        builds.append(time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(200):
        store.versions(code)
    versions_s = (time.perf_counter() - t) / 200

    result = {
        "bench": "class_runs", "store": store.kind, "students": args.students,
        "epochs": args.epochs,
        "report_epoch_ms_p50": ms(statistics.median(writes)),
        "report_epoch_ms_p95": ms(percentile(writes, 0.95)),
        "report_epoch_ms_max": ms(max(writes)),
        "versions_ms": ms(versions_s),
        "teacher_runs_read_ms_last": ms(reads[-1]),
        "teacher_rebuild_ms_last": ms(builds[-1]),
    }
    print(f"{args.students} students x {args.epochs} epochs on {store.kind}:")
    print(f"  a student's epoch report (one write): p50 {result['report_epoch_ms_p50']} ms, "
          f"p95 {result['report_epoch_ms_p95']} ms, max {result['report_epoch_ms_max']} ms")
    print(f"  the teacher's poll (versions): {result['versions_ms']} ms")
    print(f"  the teacher's read of every run at the end: {result['teacher_runs_read_ms_last']} ms;"
          f" chart + table rebuilt and serialised: {result['teacher_rebuild_ms_last']} ms")
    print(json.dumps(result))
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

"""How long the quiz takes to mark one typed answer, hostile ones included.

    python bench/quiz_answer.py              # figures, then one JSON line
    python bench/quiz_answer.py --repeats 200

Every page with a quiz marks the student's answer on the rerun that follows Enter, so this
is part of what a student waits for. tests/unit/test_quiz.py bounds the work (calls made,
characters parsed) without a clock; this script says what that work costs on this machine.
Wall time depends on what else runs: compare figures from one run, and read the CPU column.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.quiz import MAX_ANSWER_TEXT, make_question, mark  # noqa: E402
from tests.unit.test_quiz import HOSTILE, python_calls  # noqa: E402

ORDINARY = ["(32, 10)", "32, 10", "[64, 3, 32, 10]", "()", "error", "it raises", "(10, 32)"]
LONGEST = ["1," * (MAX_ANSWER_TEXT // 2 - 1) + "1", "(" + "9, " * 65 + ")"]   # at the cap


def mark_ms(question, texts: list[str], repeats: int) -> dict:
    """Median and worst wall and CPU milliseconds of one mark() over `texts`."""
    wall, cpu = [], []
    for _ in range(repeats):
        for text in texts:
            w0, c0 = time.perf_counter(), time.process_time()
            mark(question, text)
            wall.append((time.perf_counter() - w0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
    return {"median_ms": round(statistics.median(wall), 4), "worst_ms": round(max(wall), 3),
            "cpu_median_ms": round(statistics.median(cpu), 4), "cpu_worst_ms": round(max(cpu), 3),
            "calls_max": max(python_calls(mark, question, text) for text in texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    question = make_question("broadcast", "basic", 3)
    mark(question, "(1, 2)")                                    # warm: regexes compiled
    figures = {name: mark_ms(question, texts, args.repeats)
               for name, texts in (("ordinary", ORDINARY), ("longest", LONGEST),
                                   ("hostile", HOSTILE))}
    print(f"mark() on one answer, {args.repeats} rounds (ms; calls = Python calls made)")
    for name, f in figures.items():
        print(f"  {name:9s} median {f['median_ms']:8.4f}  worst {f['worst_ms']:7.3f}  "
              f"CPU median {f['cpu_median_ms']:8.4f} worst {f['cpu_worst_ms']:7.3f}  "
              f"calls at most {f['calls_max']}")
    print(json.dumps({"bench": "quiz_answer", "repeats": args.repeats, **figures}))


if __name__ == "__main__":
    main()

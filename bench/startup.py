"""Startup figures: sample load time, cold start to a rendered Home page, widget rerun time,
and Start -> first batch on screen on both training pages.

    python bench/startup.py            # prints a table and one JSON line

Cold start = `streamlit run` launched -> Home page rendered and idle in headless Chromium.
Rerun = a widget change on Home (AppTest, in-process) until the script finishes.
First batch = on a server whose TensorFlow warm-up has finished (lib/core/server.py), the click on
Start -> the run marker beside the status line says batch 1 in Chromium (median of three fresh
pages each). The server is started by deploy/launch.py.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MNIST_SOURCE", "sample")

from deploy import launch  # noqa: E402


def sample_load_seconds(repeats: int = 5) -> float:
    from lib.core.data import load_mnist
    return statistics.median(load_mnist("sample").load_seconds for _ in range(repeats))


def cold_start_seconds() -> tuple[float, dict] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists("/usr/bin/chromium"):
        return None
    started = time.perf_counter()
    server = launch.start()                   # MNIST_SOURCE=sample from this process
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu",
                                              "--disable-background-networking"])
            page = browser.new_page()
            server.wait_healthy(timeout=120, poll=0.1)
            page.goto(server.url + "/")
            page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                   timeout=60_000)
            elapsed = time.perf_counter() - started
            first = {name: first_batch_seconds(browser, server.url, name) for name in
                     ("train_naive", "first_network")}
            browser.close()
    finally:
        server.stop()
    return elapsed, first


def first_batch_seconds(browser, url: str, page_name: str, repeats: int = 3) -> float:
    """Start -> the run marker (lib/ui/live.py) counts batch 1 or more, TensorFlow already
    warm."""
    times = []
    for i in range(repeats + 1):                      # the first one waits out the warm-up
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        page = context.new_page()
        page.goto(f"{url}/{page_name}")
        page.wait_for_selector('[data-run-status]', state="attached", timeout=90_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                               timeout=90_000)
        start = time.perf_counter()
        # by its role: an st.button or a form's submit button alike
        page.get_by_role("button", name=re.compile("Start")).first.click()
        page.wait_for_function(
            """() => Number(document.querySelector('[data-run-status]')?.dataset.batch) >= 1""",
            timeout=120_000)
        if i:
            times.append(time.perf_counter() - start)
        context.close()
    return statistics.median(times)


def rerun_seconds(repeats: int = 5) -> float:
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    times = []
    for i in range(repeats):
        widget = at.number_input[0].set_value(10 + i)
        start = time.perf_counter()
        widget.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    figures = {"sample_load_s": round(sample_load_seconds(), 4)}
    cold = cold_start_seconds()
    figures["cold_start_home_s"] = None if cold is None else round(cold[0], 2)
    for name, seconds in (cold[1] if cold else {}).items():
        figures[f"start_to_first_batch_s_{name}"] = round(seconds, 2)
    figures["home_rerun_s"] = round(rerun_seconds(), 3)
    for k, v in figures.items():
        print(f"{k:>20}: {v}")
    print(json.dumps({"bench": "startup", **figures}))


if __name__ == "__main__":
    main()

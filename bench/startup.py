"""Startup figures: a cold start phase by phase, Home's rerun with a new digit, and Start ->
first batch on screen on both training pages, every page's first view on a warm server.

    python bench/startup.py                  # everything: a table, then one JSON line
    python bench/startup.py --cold 5         # five cold starts (median and all of them)
    python bench/startup.py --only cold      # only the cold start (also: rerun, first-batch,
                                             # first-view)
    python bench/startup.py --root /tmp/old  # the same bench on another checkout's app
    python bench/startup.py --help

Cold start, measured from this process, Chromium already running (a student's browser is
not on the server's machine): the clock starts when `streamlit run` is launched
(deploy/launch.py) and each phase is the time since then:

    first_byte_s      GET / answers 200 (polled every 20 ms): the server listens
    websocket_s       the page has loaded Streamlit's front end and opened its websocket
    script_start_s    the first message on that websocket (the script run has started)
    home_title_s      Home's title is in the page
    home_idle_s       Home's metric is drawn and the script is idle: THE cold start figure
    last_frame_s      the last websocket message before home_idle_s: when the server sent the
                      end of Home's first run (server time; home_idle_s - last_frame_s is the
                      browser drawing what it was sent, on these machines beside the server)
    warm_up_done_s    the server's log says the TensorFlow warm-up is over (lib/core/tf.py;
                      the log is read every 50 ms from the start); a student who presses
                      Start before that sees "getting ready". With it: warm_up_own_s (the
                      warm-up itself) and warm_up_waited_s (its wait for a quiet server)

Beside each cold start, the floor on the same clock (`cold_start_floor_s`, medians): a
server of bench/floor_app.py launched -> its blank page drawn and idle, and the same with one
Plotly chart: what Streamlit and Chromium cost on this machine before any of our code.

Rerun = a new digit index on Home (AppTest, in-process, warm: after the TensorFlow warm-up
the first run started is over) until the script finishes: each rerun draws a digit the page
has not drawn before.
First batch = on a server whose TensorFlow warm-up has finished, the click on Start -> the
run marker beside the status line (lib/ui/live.py) says batch 1 in Chromium (median of
three fresh pages each, after one that is not counted): Start clicked once the page is
drawn (start_to_first_batch_s_<page>), and the moment its script is idle while Chromium
may still be drawing figures (start_to_first_batch_s_<page>_at_idle, the older figure).
First view = on that same warm server, each page opened in a fresh browser context until it
is idle and no loading placeholder is left, every chart drawn (bench/first_view.py):
`page_first_view_s` {page: seconds} with its median and max, and the same in a fresh tab of
a browser that has shown Home (`page_first_view_warm_cache_s`); beside them the floor, a
page with nothing on it, with one Plotly chart and with one Vega-Lite chart, in the same run
(`page_first_view_floor_s`, `page_first_view_floor_warm_cache_s`: bench/floor_app.py).
Nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MNIST_SOURCE", "sample")

from deploy import launch  # noqa: E402

APP_ROOT = ROOT               # the checkout whose app is measured (--root)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-dev-shm-usage"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
WARM_UP_OVER = "Tensor Lab: the TensorFlow warm-up"      # its one line in the server's log
PHASES = ("first_byte_s", "websocket_s", "script_start_s", "home_title_s", "last_frame_s",
          "home_idle_s",
          "warm_up_done_s")


def sample_load_seconds(repeats: int = 5) -> float:
    from lib.core.data import load_mnist
    return statistics.median(load_mnist("sample").load_seconds for _ in range(repeats))


def wait_first_byte(server: launch.Server, timeout: float = 120.0) -> None:
    """Until GET / answers 200 (the page Streamlit serves), polled every 20 ms."""
    deadline = time.monotonic() + timeout
    while not launch.healthy(server.host, server.port, timeout=1.0, path="/"):
        if server.exited():
            raise launch.ServerFailed(f"{server.describe()} exited while starting{server.tail()}")
        if time.monotonic() > deadline:
            raise launch.ServerFailed(f"{server.describe()} sent no page in {timeout:.0f} s")
        time.sleep(0.02)


class WarmUpWatch:
    """Reads the server's log every 50 ms from its start, in a thread, and notes when the
    warm-up's line appeared (read after Home is idle, the line would look as late as that)."""

    def __init__(self, server: launch.Server, mark):
        self.server, self.mark, self.line = server, mark, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                text = self.server.log.read_text(errors="replace")
            except OSError:
                text = ""
            lines = [line for line in text.splitlines() if WARM_UP_OVER in line]
            if lines:
                self.mark("warm_up_done_s")
                self.line = lines[0]
                return
            self._stop.wait(0.05)

    def wait(self, timeout: float = 180.0) -> str:
        self._thread.join(timeout)
        self._stop.set()
        if self.line is None:
            raise launch.ServerFailed(f"no warm-up line in {timeout:.0f} s{self.server.tail()}")
        return self.line


FLOOR_APP = ROOT / "bench" / "floor_app.py"
FLOOR_COLD = {"blank": ("/", '[data-testid="stMain"] h1'),
              "one_plotly_chart": ("/?plotly=1", '[data-testid="stPlotlyChart"] .main-svg')}


def floor_cold_start(browser, name: str) -> float:
    """The same clock for bench/floor_app.py: `streamlit run` launched -> its page (a title
    and a sentence, or with one Plotly chart) drawn and idle in Chromium: what a cold start
    costs on this machine before any of our code (no warm-up, nothing to import)."""
    path, drawn = FLOOR_COLD[name]
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.goto("about:blank")
    started = time.monotonic()
    server = launch.start(script=str(FLOOR_APP), cwd=ROOT)
    try:
        wait_first_byte(server)
        page.goto(server.url + path)
        page.wait_for_selector(drawn, timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        return round(time.monotonic() - started, 2)
    finally:
        context.close()
        server.stop()


def cold_start(browser, then=None) -> dict:
    """One cold start, phase by phase (seconds since `streamlit run` was launched); `then`
    (if given) is called with (browser, url) once the warm-up is over, before the server
    stops, and its result is returned under "then". Before it, the floor's cold starts
    (`floor_cold_start`), so the two are measured in the same minute."""
    floor = {name: floor_cold_start(browser, name) for name in FLOOR_COLD}
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.goto("about:blank")
    marks: dict[str, float] = {}
    lock = threading.Lock()

    def mark(name: str) -> None:
        with lock:
            marks.setdefault(name, time.monotonic())

    frames: list[float] = []

    def on_frame(_frame) -> None:
        mark("script_start_s")
        frames.append(time.monotonic())

    def on_websocket(ws) -> None:
        mark("websocket_s")
        ws.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    started = time.monotonic()
    server = launch.start(cwd=APP_ROOT)           # MNIST_SOURCE=sample from this process
    try:
        watch = WarmUpWatch(server, mark)
        wait_first_byte(server)
        mark("first_byte_s")
        page.goto(server.url + "/")
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
        mark("home_title_s")
        page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        mark("home_idle_s")
        with lock:
            sent = [t for t in frames if t <= marks["home_idle_s"]]
            if sent:
                marks["last_frame_s"] = max(sent)
        context.close()
        said = watch.wait()
        phases = {name: round(marks[name] - started, 2) for name in PHASES if name in marks}
        warm = re.search(r"\(([\d.]+) s", said)
        phases["warm_up_own_s"] = float(warm.group(1)) if warm else None
        waited = re.search(r"after ([\d.]+) s waiting", said)
        phases["warm_up_waited_s"] = float(waited.group(1)) if waited else 0.0
        phases["warm_up_failed"] = "failed" in said
        phases.update({f"floor_{name}_s": seconds for name, seconds in floor.items()})
        if then is not None:
            phases["then"] = then(browser, server.url)
        return phases
    finally:
        server.stop()


def first_batch_seconds(browser, url: str, page_name: str, repeats: int = 3,
                        drawn: bool = True) -> float:
    """Start -> the run marker (lib/ui/live.py) counts batch 1 or more, TensorFlow already
    warm. drawn: Start is clicked once the page is drawn (no placeholder left, every chart
    drawn, held 0.5 s: bench/first_view.py), as a student clicks it after looking at the page;
    else the moment the script is idle, while Chromium may still be drawing the page's figures
    (1-3 s on these machines), which then delay the click and the marker alike."""
    import first_view                                        # bench/first_view.py
    times = []
    for i in range(repeats + 1):                      # the first one is not counted
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        if drawn:
            context.add_init_script(first_view.WATCH)
        page = context.new_page()
        page.goto(f"{url}/{page_name}")
        page.wait_for_selector('[data-run-status]', state="attached", timeout=90_000)
        page.wait_for_selector(IDLE, timeout=90_000)
        if drawn:
            page.wait_for_function(
                f"() => (window.__firstView?.heldMs || 0) >= {first_view.HOLD_MS}",
                timeout=first_view.TIMEOUT_MS, polling=100)
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


def first_batches(browser, url: str) -> dict:
    """Both training pages, Start on the drawn page and (at_idle) the moment it is idle."""
    out = {}
    for name in ("train_naive", "first_network"):
        out[name] = round(first_batch_seconds(browser, url, name), 2)
        out[f"{name}_at_idle"] = round(first_batch_seconds(browser, url, name, drawn=False), 2)
    return out


def warm_server_figures(with_first_batch: bool, with_first_view: bool):
    """What the last cold start's server measures once it is warm: Start -> first batch on
    both training pages, and every page's first view (bench/first_view.py)."""
    def then(browser, url: str) -> dict:
        out: dict = {}
        if with_first_view:
            import first_view                                # bench/first_view.py
            first_view.warm_up(browser, url)                 # the server's first runs
            out["page_first_view_s"] = first_view.first_view_seconds(browser, url)
            out["page_first_view_warm_cache_s"] = first_view.first_view_seconds(
                browser, url, warm_cache=True)
            out["page_first_view_floor_s"] = first_view.floor_seconds(browser)
            out["page_first_view_floor_warm_cache_s"] = first_view.floor_seconds(
                browser, warm_cache=True)
        if with_first_batch:
            out["first_batch"] = first_batches(browser, url)
        return out
    return then


def browser_figures(cold_runs: int, with_first_batch: bool,
                    with_first_view: bool = False) -> dict | None:
    """The cold starts (and, on the last server, the first batches and the first views);
    None without Chromium or Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists(CHROMIUM):
        return None
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(cold_runs):
                last = i == cold_runs - 1
                warm = with_first_batch or with_first_view
                runs.append(cold_start(browser, warm_server_figures(
                    with_first_batch, with_first_view) if warm and last else None))
                print(f"cold start {i + 1}/{cold_runs}: " + ", ".join(
                    f"{k} {v}" for k, v in runs[-1].items() if k != "then"), file=sys.stderr)
        finally:
            browser.close()
    then = (runs[-1].get("then") or {}) if runs else {}
    return {"runs": runs, **then}


def rerun_seconds(repeats: int = 9) -> float:
    """Home's rerun with a digit index it has not drawn before (AppTest, in-process)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(APP_ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.number_input[0].set_value(5).run()           # one untimed rerun: imports, caches
    from lib.core import tf
    tf.keras(timeout=600)           # the warm-up the first run started is over: not timed beside it
    times = []
    for i in range(repeats):
        widget = at.number_input[0].set_value(10 + i)
        start = time.perf_counter()
        widget.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Cold start phase by phase, Home's rerun, Start -> first batch. Prints a "
                    "table and one JSON line; asserts nothing.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Phases: " + ", ".join(PHASES) + " (seconds since `streamlit run` was "
               "launched); the module's docstring says what each one is.")
    parser.add_argument("--cold", type=int, default=3, metavar="N",
                        help="cold starts to run (a fresh server each); the figure is their "
                             "median (default 3)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose app is started and measured, e.g. an older "
                             "commit's `git worktree add /tmp/old <commit>` (default: this one)")
    parser.add_argument("--only", choices=("cold", "rerun", "first-batch", "first-view"),
                        action="append",
                        help="measure only this (repeatable); default: everything")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    global APP_ROOT
    args = parse_args(argv)
    APP_ROOT = args.root.resolve()
    sys.path.insert(0, str(APP_ROOT))        # its lib/, before anything of lib is imported
    wanted = set(args.only or ("cold", "rerun", "first-batch", "first-view"))
    figures: dict = {"root": str(APP_ROOT), "sample_load_s": round(sample_load_seconds(), 4)}
    if wanted & {"cold", "first-batch", "first-view"}:
        found = browser_figures(max(1, args.cold) if "cold" in wanted else 1,
                                "first-batch" in wanted, "first-view" in wanted)
        if found is None:
            figures["cold_start_home_s"] = None
        else:
            runs = found["runs"]
            if "cold" in wanted:
                for name in PHASES + ("warm_up_own_s", "warm_up_waited_s"):
                    values = [r[name] for r in runs if r.get(name) is not None]
                    if values:
                        figures[name[:-2] + "_median_s"] = round(statistics.median(values), 2)
                figures["cold_start_home_s"] = figures.get("home_idle_median_s")
                figures["cold_start_home_all_s"] = [r["home_idle_s"] for r in runs]
                figures["warm_up_failed"] = any(r["warm_up_failed"] for r in runs)
                figures["cold_start_floor_s"] = {
                    name: round(statistics.median(r[f"floor_{name}_s"] for r in runs), 2)
                    for name in FLOOR_COLD}
            for name, seconds in (found.get("first_batch") or {}).items():
                figures[f"start_to_first_batch_s_{name}"] = seconds
            for key in ("page_first_view_s", "page_first_view_warm_cache_s"):
                if key in found:
                    values = list(found[key].values())
                    figures[key] = found[key]
                    figures[key[:-2] + "_median_s"] = round(statistics.median(values), 2)
                    figures[key[:-2] + "_max_s"] = round(max(values), 2)
            for key in ("page_first_view_floor_s", "page_first_view_floor_warm_cache_s"):
                if key in found:
                    figures[key] = found[key]
    if "rerun" in wanted:
        figures["home_rerun_s"] = round(rerun_seconds(), 3)
    for k, v in figures.items():
        print(f"{k:>36}: {v}")
    print(json.dumps({"bench": "startup", **figures}))


if __name__ == "__main__":
    main()

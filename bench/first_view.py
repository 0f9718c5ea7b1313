"""First view of every page: a student follows a link, a fresh tab opens, a new session runs
the page. Time from navigation until the page is ready to use, on a warm server, in Chromium.

    python bench/first_view.py                 # its own server (sample data); table + JSON line
    python bench/first_view.py --url http://127.0.0.1:8501   # a server already running
    python bench/first_view.py --root /tmp/old # a server started from another checkout
    python bench/first_view.py --detail        # also: when each JS chunk arrived, long tasks

"Ready" means all of these, held for HOLD_MS (a page that reruns itself is not ready at its
first idle):
  - the script ran: the page's title (h1) is drawn and stApp says script-state notRunning;
  - no loading placeholder is left: no grey skeleton (`stSkeleton`: the Suspense fallback
    Streamlit draws while an element's lazily loaded JS chunk is still on its way or being
    evaluated; `stSkeletonElement`; `stAppSkeleton`), nothing marked aria-busy;
  - every Plotly chart is drawn (its SVG is there) and every image has loaded.
The time is read in the page (performance.now(), 0 = navigation start) at the first animation
frame where all of it held, so Playwright's own round trips are not counted.

Each page is opened in a fresh browser context (empty HTTP cache: a student's first visit)
and, for `page_first_view_warm_cache_s`, in a fresh tab of one context that has already shown
Home (the browser's cache and V8's code cache hold Streamlit's JS: a student's next link).
One warm-up view of Home comes first so the server's caches (dataset, st.cache_data) are warm.

The floor (`page_first_view_floor_s`, `floor_seconds`): the same views of bench/floor_app.py
on its own server, in the same run: a page with a title and a sentence, the same with one
small Plotly chart, and with one Vega-Lite chart. Our pages' figures are best read beside it.

`first_view_seconds(browser, url)` is the function bench/startup.py calls.
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

from lib.site.chapter import PAGES  # noqa: E402  (pure data: no Streamlit)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1600}
HOLD_MS = 500
TIMEOUT_MS = 240_000      # a loaded 2-core machine took over 90 s for one view

# What still loads: Streamlit's placeholders while a lazily loaded element is not drawn yet.
LOADING = ('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], '
           '[data-testid="stAppSkeleton"], [aria-busy="true"]')

# Installed before any of the page's own scripts: every animation frame it checks the page,
# and keeps when the page became (and stayed) ready; long tasks are recorded for --detail.
WATCH = """
(() => {
  const LOADING = %s;
  const w = window.__firstView = {readyAt: null, idleAt: null, controlsAt: null, longTasks: []};
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) w.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({type: "longtask", buffered: true});
  } catch (e) {}
  // Each element's placeholder: when it was first seen, when it left, and what came instead.
  const CONTROL = /Slider|NumberInput|Selectbox|Checkbox|Radio|TextInput|TextArea|Button|Toggle|Multiselect|SegmentedControl|ButtonGroup|Tabs|Expander|PageLink/;
  const resolved = w.resolved = {};   // kind -> ms of the last placeholder of that kind to go
  const track = now => {
    for (const s of document.querySelectorAll(LOADING)) {
      const c = s.closest('[data-testid="stElementContainer"]') || s.parentElement;
      if (c && !c.dataset.fvWaiting) c.dataset.fvWaiting = String(now);
    }
    for (const c of document.querySelectorAll('[data-fv-waiting]')) {
      if (c.querySelector(LOADING)) continue;
      const inner = c.querySelector('[data-testid]');
      const id = inner ? inner.dataset.testid : '?';
      const kind = /PlotlyChart|FullScreenFrame|Image/.test(id) ? 'figures'
                 : CONTROL.test(id) ? 'controls' : /Code/.test(id) ? 'code' : 'other';
      resolved[kind] = Math.max(resolved[kind] || 0, now);
      delete c.dataset.fvWaiting;
    }
  };
  const ready = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || !document.querySelector('[data-testid="stMain"] h1')) return false;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (w.idleAt === null) w.idleAt = performance.now();
    const waiting = [...document.querySelectorAll(LOADING)];
    // every placeholder left is a figure's (Streamlit marks figures stPrintGraphic)
    const controls = waiting.every(el => el.closest('.stPrintGraphic'));
    if (controls && w.controlsAt === null) w.controlsAt = performance.now();
    if (!controls) w.controlsAt = null;
    if (waiting.length) return false;
    for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      if (!c.querySelector('.main-svg')) return false;
    for (const img of document.querySelectorAll('[data-testid="stMain"] img'))
      if (!img.complete) return false;
    return true;
  };
  const tick = () => {
    const now = performance.now();
    track(now);
    if (ready()) { if (w.readyAt === null) w.readyAt = now; }
    else w.readyAt = null;
    w.heldMs = w.readyAt === null ? 0 : now - w.readyAt;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
""" % json.dumps(LOADING)


def _view(context, url: str, detail: bool) -> dict:
    """Open `url` in a new tab of `context`; wait until ready for HOLD_MS; the timings (s)."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(f"() => (window.__firstView?.heldMs || 0) >= {HOLD_MS}",
                               timeout=TIMEOUT_MS, polling=100)
        got = page.evaluate("""() => ({
            readyAt: window.__firstView.readyAt, idleAt: window.__firstView.idleAt,
            controlsAt: window.__firstView.controlsAt, resolved: window.__firstView.resolved,
            longTasks: window.__firstView.longTasks,
            chunks: performance.getEntriesByType('resource')
              .filter(e => e.name.endsWith('.js'))
              .map(e => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd),
                         e.transferSize])})""")
    finally:
        page.close()
    out = {"ready_s": got["readyAt"] / 1000,
           "idle_s": None if got["idleAt"] is None else got["idleAt"] / 1000,
           "controls_s": None if got["controlsAt"] is None else got["controlsAt"] / 1000}
    # the last placeholder of each kind to be drawn (controls, code, figures, other)
    out.update({f"{kind}_drawn_s": ms / 1000 for kind, ms in got["resolved"].items()})
    if detail:
        out["long_tasks_ms"] = got["longTasks"]
        out["chunks"] = got["chunks"]
    return out


def first_view_seconds(browser, base_url: str, pages=None, *, warm_cache: bool = False,
                       detail: bool = False, rounds: int = 1) -> dict:
    """{page url_path: seconds from navigation to ready} (median of `rounds`), each page in a
    fresh context (empty cache), or with `warm_cache` in a fresh tab of one context that has
    shown Home first. With `detail`, {page: {ready_s, idle_s, long_tasks_ms, chunks}} of the
    last round instead."""
    names = [p.url_path for p in (pages or PAGES)]
    base_url = base_url.rstrip("/")
    shared = None
    if warm_cache:
        shared = browser.new_context(viewport=VIEWPORT)
        shared.add_init_script(WATCH)
        _view(shared, base_url + "/", False)             # fills the HTTP and code caches
    times: dict[str, list[float]] = {n: [] for n in names}
    details: dict[str, dict] = {}
    try:
        for _ in range(rounds):
            for name in names:
                context = shared or browser.new_context(viewport=VIEWPORT)
                if shared is None:
                    context.add_init_script(WATCH)
                try:
                    got = _view(context, f"{base_url}/{'' if name == PAGES[0].url_path else name}", detail)
                finally:
                    if shared is None:
                        context.close()
                times[name].append(got["ready_s"])
                details[name] = got
    finally:
        if shared is not None:
            shared.close()
    if detail:
        return details
    return {n: round(statistics.median(t), 2) for n, t in times.items()}


FLOOR = {"blank": "/", "one_plotly_chart": "/?plotly=1", "one_vega_lite_chart": "/?vega=1"}


def floor_seconds(browser, rounds: int = 3, warm_cache: bool = False) -> dict:
    """{blank, one_plotly_chart, one_vega_lite_chart: seconds} for bench/floor_app.py on its
    own server (median of `rounds` views each, after one not counted), each in a fresh
    context, or with `warm_cache` in fresh tabs of one context that has shown it."""
    from deploy import launch
    server = launch.start(script=str(Path(__file__).with_name("floor_app.py")), cwd=ROOT)
    try:
        server.wait_healthy(timeout=120)
        base = server.url.rstrip("/")
        shared = None
        if warm_cache:
            shared = browser.new_context(viewport=VIEWPORT)
            shared.add_init_script(WATCH)
        out = {}
        try:
            for name, path in FLOOR.items():
                times = []
                for i in range(rounds + 1):
                    context = shared or browser.new_context(viewport=VIEWPORT)
                    if shared is None:
                        context.add_init_script(WATCH)
                    try:
                        got = _view(context, base + path, False)["ready_s"]
                    finally:
                        if shared is None:
                            context.close()
                    if i:
                        times.append(got)
                out[name] = round(statistics.median(times), 2)
        finally:
            if shared is not None:
                shared.close()
        return out
    finally:
        server.stop()


def warm_up(browser, base_url: str) -> None:
    """One view of every page (the server's first runs: imports, dataset, cached figures)."""
    first_view_seconds(browser, base_url)


def _summary(seconds: dict) -> dict:
    values = list(seconds.values())
    return {"median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server's base URL (default: start one)")
    parser.add_argument("--root", default=str(ROOT),
                        help="start the server from this checkout (default: this one)")
    parser.add_argument("--rounds", type=int, default=1, help="views per page; the median")
    parser.add_argument("--pages", help="comma-separated url paths (default: every page)")
    parser.add_argument("--detail", action="store_true",
                        help="print per page when each JS chunk arrived and the long tasks")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pages = [p for p in PAGES if not args.pages or p.url_path in args.pages.split(",")]
    server = None
    if args.url is None:
        from deploy import launch
        server = launch.start(cwd=args.root, extra_env={"MNIST_SOURCE": "sample"})
        server.wait_healthy(timeout=120)
    url = args.url or server.url
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", CHROMIUM),
                                        args=CHROMIUM_ARGS, headless=True)
            started = time.perf_counter()
            warm_up(browser, url)
            print(f"warm-up (every page once): {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            if args.detail:
                for name, d in first_view_seconds(browser, url, pages, detail=True).items():
                    print(f"\n== {name}: ready {d['ready_s']:.2f} s, idle {d['idle_s']} s")
                    print("  long tasks [start ms, ms]:", d["long_tasks_ms"])
                    for chunk, t0, t1, size in sorted(d["chunks"], key=lambda c: c[1]):
                        print(f"  {t0:6d} -> {t1:6d} ms {size:>9} B  {chunk}")
            cold = first_view_seconds(browser, url, pages, rounds=args.rounds)
            warm = first_view_seconds(browser, url, pages, rounds=args.rounds, warm_cache=True)
            floor = floor_seconds(browser)
            floor_warm = floor_seconds(browser, warm_cache=True)
            browser.close()
    finally:
        if server is not None:
            server.stop()
    print(f"{'page':>20}  {'fresh context':>13}  {'fresh tab':>9}")
    for name in cold:
        print(f"{name:>20}  {cold[name]:>11.2f} s  {warm[name]:>7.2f} s")
    print(f"{'median / max':>20}  {_summary(cold)}  {_summary(warm)}")
    for name in floor:
        print(f"{'floor: ' + name:>20}  {floor[name]:>11.2f} s  {floor_warm[name]:>7.2f} s")
    print(json.dumps({"bench": "first_view", "page_first_view_s": cold,
                      "page_first_view_summary": _summary(cold),
                      "page_first_view_warm_cache_s": warm,
                      "page_first_view_warm_cache_summary": _summary(warm),
                      "page_first_view_floor_s": floor,
                      "page_first_view_floor_warm_cache_s": floor_warm}))


if __name__ == "__main__":
    main()

"""Every test runs on the bundled MNIST sample: no internet, same digits everywhere."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["MNIST_SOURCE"] = "sample"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest.from_file("streamlit_app.py") and page paths are relative to the root

# What Plotly reads from sys.modules without importing it, imported before any test. A server
# runs every page inside the router's `figures_may_run()` (lib/core/tf.py), which keeps the
# warm-up from importing these half-way under a figure; but AppTests also run pages on their
# own, outside the router, in a process where an earlier router test started the warm-up
# ("partially initialized module 'pandas' has no attribute 'Series'" in Plotly, seen here).
import pandas  # noqa: E402,F401
import PIL.Image  # noqa: E402,F401

# Hypothesis checks what a function returns, never how fast: its default 200 ms deadline per
# example fails at random on a shared 2-core machine (a janitor's collection, a parallel test
# run), which is how four 'failing examples' were recorded here that pass when re-run.
# Speed is measured by bench/, not by tests.
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("tensorlab", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tensorlab")


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process, for the browser tests and the deploy tests alike.
    Playwright's sync API cannot be started a second time in a thread where it runs: a
    deploy test that started its own, in a worker that had run a browser test file before,
    failed with "using Playwright Sync API inside the asyncio loop" (CI on d18dc5e)."""
    from tests.browser.conftest import chromium_browser
    with chromium_browser() as b:
        yield b

"""A student who presses Start on the quick start while a fresh server is still importing
TensorFlow in the background gets a trained batch, not an import error.

The server is this test's own (a fresh `streamlit run`, not the session's warm one): the
page is opened as soon as the server answers its health check, and Start is pressed as soon
as the page is drawn. The router starts the TensorFlow warm-up (lib/core/tf.py) only after
that first page is drawn, and the warm-up takes 5-30 s, so the click lands inside it; the
server's log, which the warm-up writes to when it is over, shows that it did.

What it guards: importing `tensorflow` in one thread while another imports `keras` breaks
both imports (lib/core/tf.py). The quick start's `build_model` used to import keras itself,
without waiting for the warm-up.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import streamlit_server
from tests.browser.helpers import expect_no_exception, open_app_page, screenshot

WARM_UP_OVER = "Tensor Lab: the TensorFlow warm-up"       # its last line in the server's log
A_BATCH = re.compile(r"Epoch 1/\d+\s+\d+/\d+ [━─]+ .*loss: \d+\.\d+")  # 3/32 ━─ … loss: 2.1


def test_start_in_a_fresh_servers_first_seconds_trains_a_batch(browser, tmp_path):
    with streamlit_server(tmp_path) as url:
        server_log = tmp_path / "streamlit.log"
        context = browser.new_context(viewport={"width": 1400, "height": 2400})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            open_app_page(page, url, "first_network", timeout_ms=180_000)
            page.get_by_role("button", name="▶️ Start").click()
            clicked = time.monotonic()
            warm_up_said = [line for line in server_log.read_text().splitlines()
                            if WARM_UP_OVER in line]
            assert not warm_up_said, ("the warm-up was over before Start was pressed, so this "
                                      f"run did not race it: {warm_up_said}")

            fit_log = page.locator('[data-testid="stCode"]').filter(has_text="Epoch 1/").first
            expect(fit_log).to_contain_text(A_BATCH, timeout=180_000)
            first_batch_s = time.monotonic() - clicked
            expect_no_exception(page)
            expect(page.get_by_text("Training stopped by an error")).to_have_count(0)
            screenshot(page, "first_seconds_quick_start")
            warm_up = [line for line in server_log.read_text().splitlines()
                       if WARM_UP_OVER in line]
            print(f"Start -> first batch on screen: {first_batch_s:.1f} s; {warm_up}")
            assert warm_up and "failed" not in warm_up[0], warm_up
        finally:
            context.close()

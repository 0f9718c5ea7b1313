"""Tensor Lab: the router. Page config, navigation by chapter section, shared sidebar.

Run with `streamlit run streamlit_app.py`. Each page lives in pages/; logic in lib/.
"""
from __future__ import annotations

import threading

import streamlit as st

from lib import ui
from lib.ui.internals import keep_keras_state_between_runs


@st.cache_resource(show_spinner=False)
def start_server_housekeeping() -> threading.Thread:
    """Once per server process: keep Keras's state between script runs, warm the training
    stack in the background (TensorFlow's 5-7 s import, then one tiny step of each engine,
    then `gc.freeze()`: see lib/server.py), and start the janitor that gives memory back
    after sessions leave. Pages that do not train never wait for any of it."""
    from lib.server import JANITOR, start_warm_up

    keep_keras_state_between_runs()
    # Plotly looks up pandas/PIL in sys.modules without waiting for an import in flight, so a
    # half-imported module from the warm-up thread could break a figure on another page:
    # finish those imports here first.
    import pandas  # noqa: F401
    import PIL.Image  # noqa: F401

    from lib.train.live import SHARED

    thread = start_warm_up()
    JANITOR.is_busy = lambda: SHARED.busy_runs(window_s=10.0) > 0
    JANITOR.start()
    return thread


st.set_page_config(page_title="Tensor Lab", page_icon="🧮", layout="wide",
                   initial_sidebar_state="collapsed" if ui.projector_requested() else "auto")
data = ui.get_dataset()
page = st.navigation(ui.navigation_pages())
ui.follow_redirect()          # a direct link that reached a page before the router did
ui.projector_controls()
ui.start_at_the_top(page.url_path)   # a page switched to opens at its top, not where the last one was
ui.dataset_sidebar(data)
ui.data_notice(data)
with ui.routing():
    page.run()
ui.lesson_links(page.url_path)
ui.view_link(page.url_path)   # after the page: the URL holds the values it just drew
start_server_housekeeping()   # after the first page is drawn, so the warm-up never delays it

"""Tensor Lab: the router. Page config, navigation by chapter section, shared sidebar.

Run with `streamlit run streamlit_app.py`. Each page lives in pages/; logic in lib/.
"""
from __future__ import annotations

import threading

import streamlit as st

from lib.ui import data_notice, dataset_sidebar, get_dataset, navigation_pages


@st.cache_resource(show_spinner=False)
def prewarm_tensorflow() -> threading.Thread:
    """Import TensorFlow in the background once per server, so Start on a training page
    answers in about a second instead of after a 5-7 s import. Nothing else uses it here."""
    # Plotly looks up pandas/PIL in sys.modules without waiting for an import in flight, so a
    # half-imported module from this thread could break a figure on another page: finish
    # those imports here first.
    import pandas  # noqa: F401
    import PIL.Image  # noqa: F401

    def _import() -> None:
        try:
            import tensorflow  # noqa: F401
        except Exception:  # a broken TF install surfaces on the training page itself
            pass
    thread = threading.Thread(target=_import, name="prewarm-tensorflow", daemon=True)
    thread.start()
    return thread


st.set_page_config(page_title="Tensor Lab", page_icon="🧮", layout="wide")
data = get_dataset()
page = st.navigation(navigation_pages())
dataset_sidebar(data)
data_notice(data)
page.run()
prewarm_tensorflow()   # after the first page is drawn, so the import never delays it

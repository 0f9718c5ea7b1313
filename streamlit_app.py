"""Tensor Lab: the router. Page config, navigation by chapter section, shared sidebar.

Run with `streamlit run streamlit_app.py`. Each page lives in pages/; logic in lib/.
"""
from __future__ import annotations

import streamlit as st

from lib import ui


st.set_page_config(page_title="Tensor Lab", page_icon="🧮", layout="wide",
                   initial_sidebar_state="collapsed" if ui.projector_requested() else "auto")
data = ui.get_dataset()
page = st.navigation(ui.navigation_pages())
ui.follow_redirect()          # a direct link that reached a page before the router did
ui.projector_controls()
ui.start_at_the_top(page.url_path)   # a page switched to opens at its top, not where the last one was
ui.dataset_sidebar(data)
ui.data_notice(data)
ui.class_mode(page.url_path)  # class mode: the sidebar's join box; a student's question card
with ui.routing():
    page.run()
ui.lesson_links(page.url_path)
ui.view_link(page.url_path)   # after the page: the URL holds the values it just drew
ui.start_server_housekeeping()   # after the first page is drawn, so the warm-up never delays it

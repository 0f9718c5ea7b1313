"""Class: the teacher's page. Start a class, show the join code and its QR code on the
projector, put a shape question to the whole room and watch the answers come in; students
join from the sidebar of any page and answer wherever they are."""
import streamlit as st

from lib import ui
from lib.ui import class_runs
from lib.site.views import CLASS_ROOM
from lib.ui.class_runs import teacher_runs_panel

ui.enter_page(__file__)        # first: routes a direct link, records the page

ui.page_intro(
    "🙋 Class",
    "Run a class from here: start it, put the join code on the projector, then ask the room "
    "a shape question. Students join from the sidebar of any page (**🙋 Join a class**), "
    "answer on whatever page they are on, and may change their answer until you lock it. "
    "The projector shows how many answered; the spread of answers only when you reveal it.")

store, seat = ui.class_teacher()          # None, None: the store is down (the page says so)
if store is not None and seat is None:
    if ui.class_start(store):             # not a student: "Start a class"
        ui.settings_row(CLASS_ROOM, ("kind", "level", "question"))
elif seat is not None:
    # ------------------------------------------------------------ the projector: join, poll
    join, poll = st.columns([2, 5], gap="medium")
    with join:
        ui.class_join_card(seat)
    with poll:
        ui.class_poll_controls(store, seat)       # the question (kind, level, number), Ask
        ui.class_teacher_live(store, seat)        # polls the class about once a second
    # ------------------------------------------------------------ the class's runs (issue 20 #3)
    st.subheader("📉 The class's runs")
    teacher_runs_panel(store, seat.code, seat.secret)     # polls the class's runs every ~2 s
    # ------------------------------------------------------------ the teacher's tools
    st.divider()
    ui.class_tools(store, seat)

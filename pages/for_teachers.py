"""For teachers: a 50-minute class on the chapter, in steps, each with a link to its view."""
import streamlit as st

from lib import ui
from lib.site.lesson import LESSON_MINUTES, schedule, total_minutes
from lib.site.views import FOR_TEACHERS

ui.enter_page(__file__)        # first: routes a direct link, records the page

ui.page_intro(
    "🧑‍🏫 For teachers: a 50-minute class",
    "One path through the chapter for a class with a projector. Each step says what to put "
    "on screen, what to ask the room **before** you reveal it, and what they should find. "
    "Every link opens the exact view (the shapes, the index, the settings): click it on "
    "the projector, or send it to the students so they land on the same picture.")

projector = ui.setting_widget(FOR_TEACHERS["projector_links"])
st.caption(f"{total_minutes()} minutes in {len(schedule())} steps (planned for "
           f"{LESSON_MINUTES}). The poll and the split need a class: start one on the Class "
           "page before the lesson. Students can practise afterwards on the Shape drill page.")

for start, end, step in schedule():
    page = step.chapter_page
    with st.container(border=True):
        head, go = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"**{start}–{end} min · {step.title}** ({page.icon} {page.title})")
        url = ui.full_url(step.link(projector), here="for_teachers")
        go.link_button("Open this view", url, width="stretch")
        st.markdown(f"**Show:** {step.show}  \n**Ask:** {step.ask}")
        with st.expander("What they should find"):
            st.markdown(step.answer)
        st.code(url, language=None)

"""The only package of lib that imports Streamlit. Pages use it as `from lib import ui`:

- nav: the router's helpers (pages, direct links, the lesson path, the link to this view),
  the shared dataset and sidebar;
- widgets: page furniture: titles, code panels, shape badges, figures, errors;
- bound: the widgets a page's declared settings (lib/site/settings.py) draw, bound to the
  URL, and `apply`, the one way a page writes its settings (presets, example buttons);
- live: the live-training panel; inside: the look-inside panels (and the quick start's
  predictions); quiz: the shape quiz;
- race: the naive-loops-against-NumPy race button and its scoreboard;
- classroom: class mode (joining from the sidebar, the student's question card, the
  teacher's Class page: join code, polls with a live tally, follow the teacher);
- projector: projector mode (the toggle, styles, the main figure's place); mode: whether
  it is on (asked by widgets, nav and projector alike; imports run bound -> widgets -> mode,
  projector -> bound);
- internals: the one place that touches Streamlit's private internals (guarded, tested).
"""
from lib.ui.inside import live_view, look_inside, numpy_engine_panel, predictions_panel
from lib.ui.live import (NAIVE_RUN, QUICKSTART_RUN, RunState, current_run, live_panel,
                         training_metrics)
from lib.ui.nav import (came_back, data_notice, dataset_sidebar, enter_page, follow_redirect,
                        full_url, get_dataset, lesson_links, nav_link, navigation_pages, routing,
                        start_at_the_top, start_server_housekeeping, view_link)
from lib.ui.mode import height as projector_height
from lib.ui.mode import requested as projector_requested
from lib.ui.projector import main_place, projector_controls, top_slot
from lib.ui.race import race_button, race_scoreboard
from lib.ui.classroom import (class_join_card, class_mode, class_poll_controls, class_start,
                              class_teacher, class_teacher_live, class_tools)
from lib.ui.bound import (apply, example_buttons, keep_last_good, last_good, setting_value,
                          setting_widget, settings_expander, settings_row, shape_pair_inputs)
from lib.ui.widgets import (PLOTLY_CONFIG, broadcast_step_list, code_panel, lazy_expander,
                            matplotlib_image, open_tabs, page_intro, plotly, shape_badge,
                            shape_badges, show_error)

__all__ = [
    "lazy_expander", "matplotlib_image", "open_tabs",
    "live_view", "look_inside", "numpy_engine_panel", "predictions_panel",
    "NAIVE_RUN", "QUICKSTART_RUN", "RunState", "current_run", "live_panel", "training_metrics",
    "came_back", "data_notice", "dataset_sidebar", "enter_page", "follow_redirect", "full_url", "get_dataset",
    "lesson_links", "nav_link", "navigation_pages", "routing", "start_at_the_top", "start_server_housekeeping", "view_link",
    "main_place", "projector_controls", "projector_height", "projector_requested", "top_slot",
    "race_button", "race_scoreboard",
    "class_join_card", "class_mode", "class_poll_controls", "class_start", "class_teacher",
    "class_teacher_live", "class_tools",
    "apply", "keep_last_good", "last_good",
    "PLOTLY_CONFIG", "broadcast_step_list", "code_panel", "example_buttons", "page_intro",
    "plotly", "setting_value", "setting_widget", "settings_expander", "settings_row", "shape_badge",
    "shape_badges", "shape_pair_inputs", "show_error",
]

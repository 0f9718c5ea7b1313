"""The class's runs, together (issue 20 item 3), in the app:

- `report_epochs(run, config, preset)`: the student's hook. On "Train the naive network", a
  student in a class reports each finished epoch once to the class store (one write per
  epoch, never per batch). A store that is down or refuses never stops the training: the
  report waits and tries again a few seconds later, and the page says so in one line.
- `teacher_runs_panel(store, code, key)`: every run on one live chart (one line per
  student, coloured by a setting the teacher picks), a table ranked by test accuracy, and
  "split the room" (groups of settings sent to the class).
- `split_offer(settings, run)`: on the student's train page, "your teacher gave your group:
  learning_rate=0.1" and one click that loads those settings into the page's widgets (through
  the page's declaration, `apply`); it starts nothing.

Every value of a split is checked twice against the train page's declaration (lib/site/views.py
TRAIN_NAIVE): before the teacher sends it, and before a student's page writes it.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

import streamlit as st

from lib.classroom.runs import (COLOUR_BY, COLOUR_LABELS, MAX_GROUPS, check_groups, colour_key,
                                colour_keys, group_settings, latest_per_member, new_run_id,
                                ranked, records_from_rows, report_settings, settings_text,
                                table_rows)
from lib.classroom.store import TOO_FAST, Refused, StoreDown
from lib.figures.classroom import EMPTY_TEXT, class_loss_figure
from lib.site.settings import PageSettings
from lib.site.views import TRAIN_NAIVE
from lib.train.config import PRESETS
from lib.train.live import FINISHED
from lib.ui.bound import apply
from lib.ui.classroom import Seat, class_seat, class_store, plain
from lib.ui.mode import height as projector_height
from lib.ui.widgets import fragment, plotly

TEACHER_EVERY_S = 2.0     # the runs chart: a student's epoch shows within ~2 s (one versions read)
RETRY_DOWN_S = 10.0       # a report that found the store down waits this long before the next try
RETRY_FAST_S = 2.0        # ... and one refused as too fast this long

REPORT = "class_run_report"          # session state: the run being reported (_Reporting)
TEACHER_CACHE = "class_runs_panel"   # session state: what the teacher's chart was built from
SPLIT_SEEN = "class_split_seen"      # session state: the student's group settings, by version
SPLIT_LOADED = "class_split_loaded"  # session state: a click loaded them; redraw the whole page
COLOUR_KEY = "class_runs_colour_by"
NOT_SET = "—"


# ------------------------------------------------------------------ the student's reports

@dataclass
class _Reporting:
    """One run's reports: which class and seat, the run's name, what was sent."""
    code: str
    seat: str
    first: Any                      # the run's first EpochEvent: a new object for a new run
    run_id: str
    settings: dict
    sent: int = 0                   # the last epoch the store took
    done_sent: bool = False
    retry_at: float = 0.0           # time.monotonic() before which nothing is tried
    stopped: str | None = None      # the class refused for good (ended, removed): why
    note: str | None = None         # the last failure, for the page


def in_class_as_student() -> Seat | None:
    """This session's seat when it is a student in a class, else None (a dict lookup)."""
    seat = class_seat()
    return seat if seat is not None and not seat.teacher else None


def report_epochs(run, config, preset: str | None = None, store=None) -> None:
    """Report the finished epochs of `run` (a lib.train.live.LiveRun trained with `config`, a
    TrainConfig, from the preset named `preset`) that the class has not got yet: one store
    write each, and the last one again with done=True once the run is over (one more write).
    Nothing at all happens outside a class. Called by the train page wherever it draws the
    run: on every live tick, so it must cost nothing when there is nothing new. Draws one
    caption only when a report could not be made (split_offer says that runs are shared)."""
    me = in_class_as_student()
    if me is None or not run.epochs:
        return
    code, seat = me.code, me.secret
    rep = st.session_state.get(REPORT)
    first = run.epochs[0]
    if rep is None or rep.first is not first or (rep.code, rep.seat) != (code, seat):
        try:
            settings = report_settings({**config.as_dict(), "preset": preset})
        except ValueError:                  # a value of the wrong kind: report without it
            settings = {}
        rep = st.session_state[REPORT] = _Reporting(code, seat, first, new_run_id(), settings)
    _send(rep, run, store)
    if rep.stopped:
        st.caption(f"📡 This run is not shared with the class: {plain(rep.stopped)}")
    elif rep.note:
        st.caption(f"📡 {plain(rep.note)} Your run goes on; the class gets it when the store "
                   "is back.")


def _send(rep: _Reporting, run, store) -> None:
    if rep.stopped or time.monotonic() < rep.retry_at:
        return
    trained = [e for e in run.epochs if e.epoch >= 1 and e.mean_loss is not None
               and math.isfinite(e.mean_loss)]
    if not trained:
        return
    over = run.status in FINISHED
    pending = [e for e in trained if e.epoch > rep.sent]
    if not pending:
        if not over or rep.done_sent:
            return                                  # the common case: nothing new
        pending = [trained[-1]]                     # the run ended after its last report
    for event in pending:
        done = over and event is trained[-1]
        try:
            store = store if store is not None else class_store()
            store.report_epoch(rep.code, rep.seat, rep.run_id, rep.settings, int(event.epoch),
                               float(event.mean_loss),
                               None if event.test_acc is None else float(event.test_acc), done)
        except StoreDown as err:
            rep.retry_at, rep.note = time.monotonic() + RETRY_DOWN_S, err.message
            return
        except Refused as err:
            if err.message == TOO_FAST:
                rep.retry_at = time.monotonic() + RETRY_FAST_S
            else:
                rep.stopped = err.message
            return
        rep.sent, rep.done_sent, rep.note = int(event.epoch), done, None


# ------------------------------------------------------------------ the split, on the train page

def group_values(settings: PageSettings, group: Mapping[str, Any]) -> dict[str, Any]:
    """The page's values for a group's settings: a preset brings its settings (as the Preset
    box does), the group's own values go over them; each checked against the page's
    declaration (ValueError with a sentence when one is not the page's)."""
    values: dict[str, Any] = {}
    preset = group.get("preset")
    if preset is not None:
        if preset not in PRESETS:
            raise ValueError("the preset is not one of this page's")
        values.update(PRESETS[preset], preset=preset)
    values.update({name: value for name, value in group.items() if name != "preset"})
    checked = {}
    for name, value in values.items():
        if name not in settings.by_name:
            raise ValueError(f"{name} is not a setting of this page")
        checked[name] = settings[name].check(value)
    return checked


def _my_group(store, me: Seat) -> dict[str, Any] | None:
    """This student's group settings in the class's split, read again only when the class's
    state version moved (one cheap versions read otherwise)."""
    versions = store.versions(me.code)
    if versions is None:
        return None
    seen = st.session_state.get(SPLIT_SEEN)
    if seen is not None and seen[0] == (me.code, me.member_id, versions.state):
        return seen[1]
    view = store.view(me.code)
    mine = next((m for m in view.members if m.member_id == me.member_id), None)
    group = group_settings(view.split, mine.group) if view.split and mine is not None else None
    st.session_state[SPLIT_SEEN] = ((me.code, me.member_id, versions.state), group)
    return group


def _load(settings: PageSettings, values: dict, run) -> None:
    """The click: the group's settings go into the widgets; a finished run is cleared so the
    next Start trains with them (a run in progress keeps going: the page says to Reset)."""
    apply(settings, values)
    if run is not None and run.status in FINISHED:
        run.reset()
    st.session_state[SPLIT_LOADED] = True


def split_offer(settings: PageSettings = TRAIN_NAIVE, run=None, store=None) -> None:
    """"Your teacher gave your group: learning_rate=0.1" and a button that loads it, for a
    student in a class whose teacher split the room. Its own small fragment (the button's)
    never ticks: a split moves the class's state version, the student's ticker
    (lib/ui/classroom.py) redraws the page, and the offer reads its group again there. (It
    once ticked every 3 s of its own: with the card's ticks, that polling cost a 30-student
    class 11% of its training share; bench/classroom.py --class-mode.) Nothing is drawn
    outside a class or without a split."""
    me = in_class_as_student()
    if me is None:
        return

    @fragment
    def _offer() -> None:
        if st.session_state.pop(SPLIT_LOADED, False):
            st.rerun(scope="app")          # the widgets above hold the new values: redraw them
        shared = (f"📡 In class {me.code}, each finished epoch of your runs appears on "
                  "your teacher's chart.")
        try:
            group = _my_group(store if store is not None else class_store(), me)
        except (StoreDown, Refused):
            return                          # the sidebar says what is wrong with the class
        try:
            values = group_values(settings, group) if group else None
        except ValueError:
            values = None                   # not this page's values: nothing to offer
        if not values:
            st.caption(shared)
            return
        words = settings_text(group)
        current, _ = settings.read(st.session_state)
        if all(current.get(name) == value for name, value in values.items()):
            st.caption(f"👥 Your settings are the ones your teacher gave your group: {words}. "
                       + shared[2:])
            return
        st.info(f"Your teacher gave your group: **{words}**", icon="👥")
        st.button("Load these settings", key="class_split_load", on_click=_load,
                  args=(settings, values, run),
                  help="Writes them into the settings above; press Start to train.")

    _offer()


# ------------------------------------------------------------------ the teacher's panel

@dataclass
class _Drawn:
    """What the teacher's chart and table were last built from, and them."""
    key: tuple = ()
    figure: Any = None
    table: list = field(default_factory=list)
    count: int = 0


def _build(rows: list[dict], colour_by: str, height: int) -> tuple[Any, list, int]:
    records = latest_per_member(records_from_rows(rows))
    figure = class_loss_figure(records, [colour_key(r, colour_by) for r in records],
                               COLOUR_LABELS[colour_by], colour_keys(records, colour_by),
                               height=height)
    return figure, table_rows(ranked(records)), len(records)


def teacher_runs_panel(store, code: str, key: str, every: float = TEACHER_EVERY_S) -> None:
    """The class's runs on the teacher's page: a live chart and a ranked table (their own
    fragment, which reads the class's versions every `every` s and rebuilds only when a run
    report or the class changed), then the split-the-room form."""

    @fragment(run_every=every)
    def _runs() -> None:
        try:
            versions = store.versions(code)
        except StoreDown as err:
            st.warning(plain(err.message), icon="🔌")
            return
        if versions is None:
            st.info("This class is over: no runs to show.")
            return
        colour_by = st.session_state.get(COLOUR_KEY)        # the box below, as last set
        colour_by = colour_by if colour_by in COLOUR_BY else COLOUR_BY[0]
        height = projector_height(440, 400)
        drawn = st.session_state.get(TEACHER_CACHE)
        wanted = (code, versions.runs, versions.state, colour_by, height)
        if drawn is None or drawn.key != wanted:     # a report, a split, a student removed
            try:
                rows = store.runs(code)
            except (StoreDown, Refused) as err:
                st.warning(plain(err.message), icon="🔌")
                return
            drawn = st.session_state[TEACHER_CACHE] = _Drawn(
                wanted, *_build(rows, colour_by, height))
        if not drawn.count:            # no chart until there is a run: the poll keeps the room
            st.caption(f"📉 {EMPTY_TEXT}")
            return
        st.columns([1, 2])[0].selectbox("Colour the lines by", COLOUR_BY, key=COLOUR_KEY,
                                        format_func=COLOUR_LABELS.get)
        plotly(drawn.figure, key="class_runs_chart")
        if drawn.table:
            st.caption(f"{drawn.count} student{'s' if drawn.count != 1 else ''} trained; "
                       "each student's latest run, best test accuracy first.")
            st.dataframe(drawn.table, hide_index=True, key="class_runs_table",
                         column_config={"test accuracy": st.column_config.NumberColumn(
                             format="%.1f%%")})

    _runs()
    split_room_form(store, code, key)


def _group_choices() -> dict[str, tuple]:
    return {"preset": (NOT_SET, *TRAIN_NAIVE["preset"].options),
            "learning_rate": (NOT_SET, *TRAIN_NAIVE["learning_rate"].options),
            "batch_size": (NOT_SET, *TRAIN_NAIVE["batch_size"].options),
            "epochs": (NOT_SET, 1, 2, 3, 5, 10, 20)}


GROUP_DEFAULTS = ({"learning_rate": 1e-3}, {"learning_rate": 0.1}, {})
SPLIT_LABELS = {"preset": "preset", "learning_rate": "learning_rate",
                "batch_size": "batch_size", "epochs": "epochs"}


def groups_from_form(choices: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The groups a teacher filled in (NOT_SET left out, empty groups dropped), each checked
    against the train page's declaration and as a split (ValueError with a sentence)."""
    groups = []
    for number, chosen in enumerate(choices, start=1):
        group = {name: value for name, value in chosen.items() if value != NOT_SET}
        if not group:
            continue
        try:
            group_values(TRAIN_NAIVE, group)
        except ValueError as err:
            raise ValueError(f"Group {number}: {err}.") from None
        groups.append(group)
    return check_groups(groups)


def split_room_form(store, code: str, key: str) -> None:
    """Split the room: up to MAX_GROUPS groups of settings (a preset, a learning rate, a batch
    size, epochs); each student gets one, in the order they joined, on their train page."""

    @fragment
    def _form() -> None:
        st.subheader("👥 Split the room")
        st.caption("Give groups of students different settings: each student sees their "
                   "group's on the training page and loads them with one click. Leave a "
                   "group empty to use fewer groups.")
        choices = _group_choices()
        with st.form("class_split_form", border=True):
            picked = []
            for g, column in enumerate(st.columns(MAX_GROUPS)):
                with column:
                    st.markdown(f"**Group {g + 1}**")
                    chosen = {}
                    for name, options in choices.items():
                        default = GROUP_DEFAULTS[g].get(name, NOT_SET)
                        chosen[name] = st.selectbox(
                            SPLIT_LABELS[name], options, index=options.index(default),
                            key=f"class_split_{g}_{name}",
                            format_func=lambda v, n=name: v if v == NOT_SET else
                            TRAIN_NAIVE[n].label_of(v) if n in TRAIN_NAIVE.by_name else str(v))
                    picked.append(chosen)
            sent = st.form_submit_button("👥 Split the room", type="primary",
                                         key="class_split_send")
        if sent:
            try:
                groups = groups_from_form(picked)
                store.split_room(code, key, groups)
            except ValueError as err:
                st.error(plain(err), icon="⚠️")
            except (StoreDown, Refused) as err:
                st.error(plain(err.message), icon="⚠️")
        try:
            view = store.view(code)
        except (StoreDown, Refused):
            return
        if view.split:
            counts: dict[int, int] = {}
            for m in view.members:
                if m.group is not None and not m.removed and not getattr(m, "left", False):
                    counts[m.group] = counts.get(m.group, 0) + 1
            lines = [f"- group {i + 1} ({counts.get(i, 0)} student"
                     f"{'s' if counts.get(i, 0) != 1 else ''}): {settings_text(group)}"
                     for i, group in enumerate(view.split.get("groups", []))]
            st.success("Sent to the class:\n" + "\n".join(lines), icon="👥")

    _form()

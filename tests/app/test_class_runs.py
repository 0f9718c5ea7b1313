"""The class's runs, together (issue 20 item 3), in AppTest: a student in a class trains a
short run on "Train the naive network" and every finished epoch reaches the class store once;
the teacher's panel draws it on the class's chart and in the ranked table; the teacher splits
the room and the group's settings arrive on the student's train page, loaded with one click.
One SQLite store on a temporary file (TENSORLAB_CLASS_STORE). AppTest does not tick run_every:
each at.run() runs the fragments once, as a tick would."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.classroom.store import StoreDown
from lib.ui import classroom
from lib.ui.class_runs import REPORT
from lib.ui.classroom import SEAT, Seat
from lib.ui.live import NAIVE_RUN
from tests.app.helpers import open_app, open_page, plotly_specs

TRAIN = "pages/train_naive.py"
WAIT_S = 180       # AppTest's wait for one script run: a first run imports and warms TensorFlow,
#                    which on a loaded 2-core machine took over 60 s once (a wait, not a timing)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store of its own for each test (a new spec is a new cached store)."""
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", f"sqlite:///{tmp_path}/classes.sqlite3")
    return classroom.class_store()


def ok(at):
    assert not at.exception, at.exception
    return at


def student(store, code: str, epochs: int = 2) -> tuple[AppTest, Seat]:
    """A student who joined `code`, on the train page, with a short fast run set up: 1,000
    digits (8 batches of 128), `epochs` epochs, learning rate 0.1."""
    secret, me = store.join(code)
    at = open_page(TRAIN, timeout=WAIT_S)
    seat = at.session_state[SEAT] = Seat(code, "student", secret, me.member_id)
    at.select_slider(key="naive_size").set_value(1000)
    at.select_slider(key="naive_lr").set_value(0.1)
    at.number_input(key="naive_epochs").set_value(epochs)
    return ok(at.run()), seat


def train_to_the_end(at, ticks: int = 40):
    at.button(key="naive_start").click().run()
    ok(at)
    run = at.session_state[NAIVE_RUN].run
    for _ in range(ticks):
        if run.status != "running":
            break
        ok(at.run())
    assert run.status == "done"
    return ok(at.run())         # the page as it stands once the run is over


def teacher_panel_script():
    import streamlit as st

    from lib.ui.class_runs import teacher_runs_panel
    from lib.ui.classroom import class_store

    teacher_runs_panel(class_store(), st.session_state["code"], st.session_state["key"])


def teacher(code: str, key: str) -> AppTest:
    at = AppTest.from_function(teacher_panel_script, default_timeout=WAIT_S)
    at.session_state["code"], at.session_state["key"] = code, key
    return ok(at.run())


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_a_students_run_reaches_the_class_once_per_epoch_and_the_teacher_sees_it(store):
    code, key = store.create_class()
    at, seat = student(store, code, epochs=2)
    assert store.runs(code) == []                       # nothing before a run
    calls = []
    report = store.report_epoch

    def counted(*args, **kwargs):
        calls.append(args[4])                            # the epoch
        return report(*args, **kwargs)

    store.report_epoch = counted                         # the one store all sessions share
    try:
        train_to_the_end(at)
        ok(at.run())                                     # more ticks: nothing new to send
    finally:
        del store.report_epoch
    assert "appears on your teacher's chart" in captions(at)
    (row,) = store.runs(code)
    assert [e[0] for e in row["epochs"]] == [1, 2] and row["done"] is True
    assert row["settings"] == {"preset": "book", "init": "uniform", "learning_rate": 0.1,
                               "batch_size": 128, "engine": "compiled"}
    assert sorted(set(calls)) == [1, 2] and len(calls) <= 3   # once each (+ "done" once)
    run = at.session_state[NAIVE_RUN].run
    assert [round(e[1], 6) for e in row["epochs"]] == [round(e.mean_loss, 6)
                                                       for e in run.epochs if e.epoch >= 1]

    board = teacher(code, key)
    nickname = row["nickname"]
    chart = next(s for s in plotly_specs(board)
                 if "class" in ((s["layout"].get("title") or {}).get("text") or ""))
    (line,) = chart["data"]
    assert line["text"][0].startswith(nickname) and list(line["x"]) == [1, 2]
    assert line["name"] == "0.1"                         # coloured by learning rate first
    table = board.dataframe[0].value
    assert list(table["student"]) == [nickname] and list(table["epochs"]) == [2]

    board.selectbox(key="class_runs_colour_by").set_value("engine").run()
    ok(board)
    chart = next(s for s in plotly_specs(board) if s["data"])
    assert chart["data"][0]["name"] == "compiled"


def test_the_table_ranks_by_test_accuracy_and_the_chart_is_rebuilt_only_on_news(store):
    code, key = store.create_class()
    runs = []
    for nickname, lr, acc in (("Slow", 1e-3, 0.3), ("Fast", 0.1, 0.9), ("Mid", 0.01, 0.6)):
        secret, me = store.join(code, nickname)
        store.report_epoch(code, secret, f"run-of-{nickname}-0000", {"learning_rate": lr}, 1,
                           2.0 - acc, acc)
        runs.append(secret)
    read = []
    rows = store.runs
    store.runs = lambda c: read.append(c) or rows(c)
    try:
        board = teacher(code, key)
        assert list(board.dataframe[0].value["student"]) == ["Fast", "Mid", "Slow"]
        ok(board.run())
        ok(board.run())
        assert len(read) == 1                            # versions unchanged: no second read
        store.report_epoch(code, runs[0], "run-of-Slow-0000", {"learning_rate": 1e-3}, 2, 0.5,
                           0.95)
        ok(board.run())
        assert len(read) == 2
        assert list(board.dataframe[0].value["student"]) == ["Slow", "Fast", "Mid"]
    finally:
        del store.runs


def test_the_split_arrives_on_the_train_page_and_loads_with_one_click(store):
    code, key = store.create_class()
    store.join(code)                                     # first to join: group 1
    at, seat = student(store, code)                      # second: group 2
    assert not at.info or all("teacher gave" not in i.value for i in at.info)

    board = teacher(code, key)                           # the form's defaults: 1e-3 / 0.1
    board.selectbox(key="class_split_1_epochs").set_value(3)
    board.button(key="class_split_send").click().run()
    ok(board)
    assert store.view(code).split["groups"] == [{"learning_rate": 1e-3},
                                               {"learning_rate": 0.1, "epochs": 3}]
    assert any("group 2 (1 student)" in s.value for s in board.success)

    ok(at.run())
    offer = [i.value for i in at.info if "teacher gave your group" in i.value]
    assert offer and "learning_rate=0.1" in offer[0] and "epochs=3" in offer[0]
    assert at.session_state["naive_epochs"] == 2
    at.button(key="class_split_load").click().run()
    ok(at)
    assert at.session_state["naive_lr"] == 0.1 and at.session_state["naive_epochs"] == 3
    assert at.session_state[NAIVE_RUN].run.status == "idle"        # starts nothing
    assert at.session_state[NAIVE_RUN].config.epochs == 3          # the next Start uses them
    assert "the ones your teacher gave your group" in captions(at)


def test_a_bad_split_is_refused_with_a_sentence(store):
    code, key = store.create_class()
    board = teacher(code, key)
    board.selectbox(key="class_split_1_learning_rate").set_value(1e-3)     # = group 1
    board.button(key="class_split_send").click().run()
    ok(board)
    assert any("same settings" in e.value for e in board.error)
    assert store.view(code).split is None


def test_a_store_that_is_down_never_stops_the_training(store):
    code, _ = store.create_class()
    at, seat = student(store, code)

    def down(*args, **kwargs):
        raise StoreDown()

    store.report_epoch = down
    try:
        train_to_the_end(at)
    finally:
        del store.report_epoch
    assert at.session_state[NAIVE_RUN].run.latest_epoch.epoch == 2
    assert "the class gets it when the store is back" in captions(at)
    assert at.session_state[REPORT].sent == 0


def test_outside_a_class_the_page_reports_nothing(store):
    at = open_page(TRAIN, timeout=WAIT_S)
    at.select_slider(key="naive_size").set_value(1000)
    at.number_input(key="naive_epochs").set_value(1).run()
    train_to_the_end(at)
    assert REPORT not in at.session_state
    assert "teacher's chart" not in captions(at)


@pytest.mark.parametrize("group", [{"learning_rate": 0.2}, {"preset": "<script>alert(1)</script>"},
                                   {"batch_size": 100}, {"epochs": 999}])
def test_a_split_the_page_does_not_declare_offers_nothing(store, group):
    """The store keeps any well-formed settings; the page writes only its own declared values
    (a split sent around the teacher's form, by the key, is checked again here)."""
    code, key = store.create_class()
    at, seat = student(store, code)
    store.split_room(code, key, [group, {"learning_rate": 0.01}])      # the student: the first
    ok(at.run())
    assert not any("teacher gave" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "class_split_load"]
    assert "appears on your teacher's chart" in captions(at)
    assert at.session_state["naive_lr"] == 0.1


def test_the_class_page_shows_the_teacher_the_runs(store):
    at = ok(open_app("pages/class_room.py", timeout=WAIT_S))
    at.button(key="class_start").click().run()
    seat = ok(at).session_state[SEAT]
    secret, _ = store.join(seat.code, "Ann")
    store.report_epoch(seat.code, secret, "run-of-Ann-0000", {"learning_rate": 0.1}, 1, 1.0, 0.8)
    ok(at.run())
    tables = [d.value for d in at.dataframe if "student" in d.value.columns]
    assert tables and list(tables[0]["student"]) == ["Ann"]
    chart = next(s for s in plotly_specs(at)
                 if "class's runs" in ((s["layout"].get("title") or {}).get("text") or ""))
    assert chart["data"][0]["text"][0].startswith("Ann")
    assert at.button(key="class_split_send")


def test_before_any_run_the_teacher_sees_a_line_not_an_empty_chart(store):
    code, key = store.create_class()
    board = teacher(code, key)
    assert not board.get("plotly_chart") and not board.dataframe
    assert "No runs yet" in captions(board)
    assert board.button(key="class_split_send")            # the room can be split already

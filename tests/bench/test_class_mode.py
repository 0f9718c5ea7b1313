"""bench/class_mode.py's reading of the pages and its figures, without a server: the teacher's
"answered n of m", the answer-to-tally matching, the runs chart, the store it reports."""
from __future__ import annotations

import json
import types

from bench import class_mode
from bench.class_mode import Room, Teacher, metric_pair, runs_on_chart, server_store


class Page:
    """Just what the readers use of a StreamlitClient."""

    def __init__(self, metrics=None, texts=(), nodes=()):
        self._metrics, self._texts = metrics or {}, list(texts)
        self.tree = {(i,): node for i, node in enumerate(nodes)}

    def metric(self, label):
        return self._metrics.get(label)

    def texts(self, kind=None):
        return self._texts


def chart(traces, title="The class's runs: loss after each epoch"):
    spec = json.dumps({"data": traces, "layout": {"title": {"text": title}}})
    element = types.SimpleNamespace(plotly_chart=types.SimpleNamespace(id="", spec=spec))
    return types.SimpleNamespace(kind="plotly_chart", element=element, widget_id=None)


def test_the_teachers_counts_are_read_from_the_metrics():
    assert metric_pair(Page({"Answered": "12 of 15"}), "Answered") == (12, 15)
    assert metric_pair(Page({"Here": "7"}), "Here") == (7, 7)
    assert metric_pair(Page({"Answered": "–"}), "Answered") is None
    assert metric_pair(Page(), "Answered") is None


def test_the_kth_answer_is_matched_with_the_first_count_of_k_after_it():
    teacher = Teacher(client=None)
    teacher.counts = [(10.0, 0), (11.2, 1), (11.3, 1), (12.9, 3), (14.0, 4)]
    room = Room.__new__(Room)
    room.teacher = teacher
    room.seats = [types.SimpleNamespace(sent_at=t) for t in (12.0, 11.0, 12.5, 13.5, None)]
    # sent in order 11.0, 12.0, 12.5, 13.5: counts >= 1, 2, 3, 4 first seen at 11.2, 12.9, 12.9, 14.0
    assert [round(x, 3) for x in room.latencies()] == [0.2, 0.9, 0.4, 0.5]
    teacher.counts = [(10.0, 0), (11.2, 1)]          # the later answers never showed
    assert [round(x, 3) for x in room.latencies()] == [0.2]


def test_runs_on_the_teachers_chart():
    done = {"x": [1, 2], "y": [2.0, 1.5], "marker": {"symbol": ["circle", "circle"]}}
    running = {"x": [1], "y": [2.1], "marker": {"symbol": ["circle-open"]}}
    page = Page(texts=["3 students trained; each student's latest run"],
                nodes=[chart([done, running, {"x": [], "y": []}])])
    assert runs_on_chart(page) == (3, 2, 1)
    other = Page(texts=[], nodes=[chart([done], title="Loss")])   # not the runs chart
    assert runs_on_chart(other) == (None, 0, 0)


def test_the_store_is_what_the_server_was_told(monkeypatch):
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("TENSORLAB_DATA_DIR", "/tmp/x")
    assert server_store(None) == ("redis", {"TENSORLAB_CLASS_STORE": "redis://127.0.0.1:6379/0",
                                            "TENSORLAB_DATA_DIR": "/tmp/x"})
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", "")
    assert server_store(None)[0] == "sqlite"


def test_the_poll_the_teacher_puts_has_a_right_answer():
    kind, level, seed = class_mode.POLL
    from lib.quiz import make_question
    assert make_question(kind, level, seed).answer_text

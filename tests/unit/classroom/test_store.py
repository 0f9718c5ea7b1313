"""The class store's semantics, each test on both backends (SQLite file, real redis-server):
join, rejoin, rename, answer, change, lock, reveal, tally, remove, end, expiry, caps, rate
limit, teacher keys, version numbers, and two store objects on one place."""
from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from lib.classroom import docstore, names, redis_store, sqlite_store
from lib.classroom.store import (ENDED, EXPIRE_S, MAX_NICKNAME, NOT_TEACHER, PRESENT_S,
                                 RATE_REPORTS, RATE_WINDOW_S, RATE_WRITES, TOO_FAST, TOUCH_S,
                                 ClassView, Member, Refused, StoreDown, Versions, open_store)

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def refused(fn, *args, **kw) -> str:
    with pytest.raises(Refused) as info:
        fn(*args, **kw)
    return info.value.message


@pytest.fixture
def room(store):
    """A class with two students and an open question."""
    code, key = store.create_class()
    seat_a, a = store.join(code, "Ada")
    seat_b, b = store.join(code, "Bo")
    qid = store.put_question(code, key, "slicing", "basic", 7)
    return store, code, key, (seat_a, a), (seat_b, b), qid


# ------------------------------------------------------------------------- create and keys

def test_a_new_class_has_a_code_a_key_and_zero_versions(store):
    code, key = store.create_class()
    assert names.read_code(code) == code and len(code) == names.CODE_LEN
    assert names.read_key(key) == key
    assert store.versions(code) == Versions(0, 0, 0)
    view = store.view(code)
    assert isinstance(view, ClassView) and view.code == code
    assert (view.ended, view.members, view.question, view.view, view.split) == \
        (False, (), None, None, None)
    assert store.kind in ("sqlite", "redis")


def test_is_teacher_only_for_the_class_key(store):
    code, key = store.create_class()
    other_code, other_key = store.create_class()
    assert store.is_teacher(code, key)
    assert not store.is_teacher(code, other_key)
    assert not store.is_teacher(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    for bad in ("", "x" * 5000, "<script>alert(1)</script>", None, 42, key + "'--"):
        assert not store.is_teacher(code, bad)
    assert not store.is_teacher("K7PX4M" if code != "K7PX4M" else "K7PX4N", key)
    assert not store.is_teacher("not a code", key)


def test_the_key_and_seats_are_kept_only_as_hashes(backend, store, tmp_path):
    code, key = store.create_class()
    seat, _ = store.join(code)
    if backend == "sqlite":
        dump = b"".join(p.read_bytes() for p in tmp_path.glob("classes.sqlite3*"))
    else:
        client = store._client
        dump = repr(client.hgetall(store._key(code))).encode()
    assert key.encode() not in dump and seat.encode() not in dump
    assert docstore.digest(key).encode() in dump and docstore.digest(seat).encode() in dump


def test_every_teacher_call_checks_the_key(room):
    store, code, key, (seat_a, a), _, qid = room
    before = store.versions(code)
    for wrong in (seat_a, names.new_key(), "short", None):
        calls = [(store.end_class, (code, wrong)),
                 (store.remove_member, (code, wrong, a.member_id)),
                 (store.put_question, (code, wrong, "dot", "basic", 1)),
                 (store.lock_question, (code, wrong, qid)),
                 (store.reveal_question, (code, wrong, qid)),
                 (store.set_names_visible, (code, wrong, True)),
                 (store.send_view, (code, wrong, "broadcasting", "Broadcasting",
                                    "/broadcasting")),
                 (store.split_room, (code, wrong, [{"learning_rate": 0.1}])),
                 (store.answers, (code, wrong))]
        for fn, args in calls:
            assert refused(fn, *args) == NOT_TEACHER, fn.__name__
    assert store.versions(code) == before
    assert store.view(code).question.state == "open"


# ------------------------------------------------------------------------- join, rejoin, rename

def test_join_gives_a_seat_and_a_two_word_nickname(store):
    code, _ = store.create_class()
    seat, me = store.join(code)
    assert isinstance(me, Member) and me.present and not me.removed and me.group is None
    assert len(me.nickname.split()) == 2 and len(me.nickname) <= MAX_NICKNAME
    assert seat != me.member_id and names.read_key(seat, "seat") == seat
    assert store.view(code).members == (me,)
    assert store.versions(code).state == 1


def test_nicknames_are_cleaned_and_made_unique(store):
    code, _ = store.create_class()
    _, a = store.join(code, "Ada")
    _, b = store.join(code, "ada")
    _, c = store.join(code, "  <b>Ada</b>  ")
    _, d = store.join(code, "A" * 40)
    _, e = store.join(code, "A" * 40)
    assert (a.nickname, b.nickname) == ("Ada", "ada 2")
    assert c.nickname == "b Ada b"
    assert d.nickname == "A" * MAX_NICKNAME and e.nickname == "A" * (MAX_NICKNAME - 2) + " 2"
    assert refused(store.join, code, "<>&\"'") .startswith("A nickname needs")
    assert len({m.nickname.casefold() for m in store.view(code).members}) == 5


def test_rename_is_cleaned_deduped_and_bumps_state(room):
    store, code, _, (seat_a, a), (seat_b, b), _ = room
    v = store.versions(code)
    me = store.rename(code, seat_a, "Bo")
    assert me.member_id == a.member_id and me.nickname == "Bo 2"
    assert store.versions(code).state == v.state + 1
    assert store.rename(code, seat_a, "Bo 2").nickname == "Bo 2"       # no change, no bump
    assert store.versions(code).state == v.state + 1
    assert store.rename(code, seat_b, "Bo").nickname == "Bo"           # own name stays
    assert refused(store.rename, code, names.new_key(), "Eve").startswith("You are not in")


def test_rejoin_finds_the_same_member_and_brings_back_a_left_one(room):
    store, code, _, (seat_a, a), _, _ = room
    assert store.rejoin(code, seat_a).member_id == a.member_id
    v = store.versions(code)
    store.leave(code, seat_a)
    assert store.versions(code).state == v.state + 1
    gone = next(m for m in store.view(code).members if m.member_id == a.member_id)
    assert gone.left and not gone.present
    back = store.rejoin(code, seat_a)
    assert back.member_id == a.member_id and back.present and not back.left
    assert store.versions(code).state == v.state + 2
    assert refused(store.rejoin, code, names.new_key()).startswith("You are not in")
    assert refused(store.rejoin, code, "<script>").startswith("You are not in")


def test_a_seat_is_only_good_in_its_own_class(store):
    code, _ = store.create_class()
    other, _ = store.create_class()
    seat, _ = store.join(code)
    assert refused(store.rejoin, other, seat).startswith("You are not in")


def test_wrong_and_malformed_codes_are_refused_calmly(store):
    code, _ = store.create_class()
    unknown = next(c for c in ("K7PX4M", "K7PX4N") if c != code)
    assert refused(store.join, unknown) == f"No class has the code {unknown}."
    assert store.versions(unknown) is None
    for bad in ("", "<img src=x onerror=alert(1)>", "0O1IL5", "K7PX4", "x" * 10_000, None):
        message = refused(store.join, bad)
        assert "<" not in message and "onerror" not in message
    assert store.join(code.lower()[:3] + "-" + code[3:])[1].present   # typed loosely


# ------------------------------------------------------------------------- answers and polls

def test_answer_change_tally_and_my_answer(room):
    store, code, key, (seat_a, a), (seat_b, b), qid = room
    v0 = store.versions(code)
    store.answer(code, seat_a, qid, "(3, 4)", "(3, 4)", True)
    store.answer(code, seat_b, qid, "3,4", "(3, 4)", True)
    assert store.tally(code, qid) == {"(3, 4)": 2}
    v1 = store.versions(code)
    assert (v1.state, v1.answers, v1.runs) == (v0.state, v0.answers + 2, v0.runs)
    store.answer(code, seat_b, qid, "error", "error", False)       # changed
    assert store.tally(code, qid) == {"(3, 4)": 1, "error": 1}
    assert store.versions(code).answers == v1.answers + 1
    store.answer(code, seat_b, qid, "error", "error", False)       # the same again: no bump
    assert store.versions(code).answers == v1.answers + 1
    assert store.my_answer(code, seat_a, qid) == {"text": "(3, 4)", "label": "(3, 4)",
                                                  "correct": True}
    assert store.my_answer(code, seat_b, qid)["correct"] is False
    rows = store.answers(code, key)
    assert [(r["member_id"], r["label"]) for r in rows] == [(a.member_id, "(3, 4)"),
                                                            (b.member_id, "error")]
    assert rows[0]["nickname"] == "Ada" and rows[0]["kind"] == "slicing"
    assert store.answers(code, key, qid) == rows


def test_lock_and_reveal_close_answers_and_bump_only_state(room):
    store, code, key, (seat_a, _), (seat_b, _), qid = room
    store.answer(code, seat_a, qid, "(1,)", "(1,)", False)
    v = store.versions(code)
    store.lock_question(code, key, qid)
    assert store.view(code).question.state == "locked"
    assert store.versions(code) == Versions(v.state + 1, v.answers, v.runs)
    assert refused(store.answer, code, seat_a, qid, "(2,)", "(2,)", True) == \
        "Answers to this question are closed."
    assert refused(store.answer, code, seat_b, qid, "(2,)", "(2,)", True) == \
        "Answers to this question are closed."
    store.reveal_question(code, key, qid)
    assert store.view(code).question.state == "revealed"
    store.lock_question(code, key, qid)                       # never goes back
    assert store.view(code).question.state == "revealed"
    assert store.versions(code).state == v.state + 2
    assert store.tally(code, qid) == {"(1,)": 1}
    assert refused(store.lock_question, code, key, qid + 1) == "This class has no such question."


def test_reveal_straight_from_open(room):
    store, code, key, (seat_a, _), _, qid = room
    store.reveal_question(code, key, qid)
    assert store.view(code).question.state == "revealed"
    assert refused(store.answer, code, seat_a, qid, "(1,)", "(1,)", True).startswith("Answers")


def test_a_new_question_closes_the_last_one(room):
    store, code, key, (seat_a, _), _, q1 = room
    store.answer(code, seat_a, q1, "(1,)", "(1,)", True)
    q2 = store.put_question(code, key, "dot", "harder", 11, page="dot-product")
    assert q2 == q1 + 1
    view = store.view(code)
    assert view.question.qid == q2 and view.question.page == "dot-product"
    assert [q.state for q in view.questions] == ["locked", "open"]
    assert refused(store.answer, code, seat_a, q1, "(2,)", "(2,)", True).startswith(
        "That question is over")
    store.answer(code, seat_a, q2, "(2,)", "(2,)", True)
    assert store.tally(code, q1) == {"(1,)": 1} and store.tally(code, q2) == {"(2,)": 1}
    assert store.my_answer(code, seat_a, q1)["label"] == "(1,)"


def test_answers_are_bounded_and_typed(room):
    store, code, _, (seat_a, _), _, qid = room
    assert refused(store.answer, code, seat_a, qid, "x" * 201, "x", True).startswith("The answer")
    assert refused(store.answer, code, seat_a, qid, "(1,)", "(1,)", "yes") == \
        "An answer is right or wrong."
    assert refused(store.answer, code, seat_a, True, "(1,)", "(1,)", True).startswith(
        "This class has no such")
    store.answer(code, seat_a, qid, "(1,)\x00\x1b[2J", "(1,)", True)
    assert store.my_answer(code, seat_a, qid)["text"] == "(1,)[2J"
    assert store.versions(code).answers == 1


def test_questions_are_checked(room):
    store, code, key, *_ = room
    for args in [("<b>", "basic", 1), ("dot", "Basic!", 1), ("dot", "basic", -1),
                 ("dot", "basic", 2**31), ("dot", "basic", "7"), ("dot", "basic", True)]:
        refused(store.put_question, code, key, *args)
    refused(store.put_question, code, key, "dot", "basic", 1, page="javascript:alert(1)")


# ------------------------------------------------------------------------- remove, end, names

def test_remove_member_drops_their_answers_runs_and_seat(room):
    store, code, key, (seat_a, a), (seat_b, b), qid = room
    store.answer(code, seat_a, qid, "(1,)", "(1,)", True)
    store.answer(code, seat_b, qid, "(2,)", "(2,)", False)
    store.report_epoch(code, seat_a, "run1", {"learning_rate": 0.1}, 1, 0.9, 0.5)
    v = store.versions(code)
    store.remove_member(code, key, a.member_id)
    assert store.versions(code) == Versions(v.state + 1, v.answers + 1, v.runs + 1)
    gone = next(m for m in store.view(code).members if m.member_id == a.member_id)
    assert gone.removed and not gone.present
    assert store.tally(code, qid) == {"(2,)": 1}
    assert store.runs(code) == []
    assert [r["member_id"] for r in store.answers(code, key)] == [b.member_id]
    for fn, args in [(store.rejoin, ()), (store.touch, ()), (store.leave, ()),
                     (store.answer, (qid, "(1,)", "(1,)", True)),
                     (store.report_epoch, ("run1", {}, 2, 0.5, None))]:
        assert refused(fn, code, seat_a, *args) == "The teacher took you out of this class."
    assert refused(store.remove_member, code, key, "m0000000000") == \
        "This class has no such student."
    _, again = store.join(code, "Ada")        # the name is free again
    assert again.nickname == "Ada" and again.member_id != a.member_id


def test_end_class_stops_every_write_but_keeps_the_answers_for_the_csv(room):
    store, code, key, (seat_a, _), _, qid = room
    store.answer(code, seat_a, qid, "(1,)", "(1,)", True)
    v = store.versions(code)
    store.end_class(code, key)
    store.end_class(code, key)                               # twice is fine
    assert store.versions(code).state == v.state + 1
    assert store.view(code).ended
    for fn, args in [(store.join, (code,)), (store.rejoin, (code, seat_a)),
                     (store.answer, (code, seat_a, qid, "(2,)", "(2,)", True)),
                     (store.rename, (code, seat_a, "Zed")),
                     (store.put_question, (code, key, "dot", "basic", 1)),
                     (store.send_view, (code, key, "home", "Home", "/"))]:
        assert refused(fn, *args) == ENDED
    assert len(store.answers(code, key)) == 1
    assert store.my_answer(code, seat_a, qid)["label"] == "(1,)"


def test_names_visible_view_and_split(room):
    store, code, key, (seat_a, a), (seat_b, b), _ = room
    v = store.versions(code).state
    store.set_names_visible(code, key, True)
    store.set_names_visible(code, key, True)                 # no change, no bump
    assert store.view(code).names_visible and store.versions(code).state == v + 1
    for link in ("javascript:alert(1)", "//evil.example/x", "https://evil.example",
                 "JaVaScRiPt:alert(1)", "data:text/html,x", "/a b", "/<script>",
                 "/x\"onmouseover=alert(1)", "/" + "a" * 700):
        refused(store.send_view, code, key, "broadcasting", "B", link)
    store.send_view(code, key, "", "", "")
    assert store.view(code).view is None
    groups = [{"learning_rate": 0.001}, {"learning_rate": 0.1, "preset": "book"}]
    store.split_room(code, key, groups)
    seat_c, c = store.join(code, "Cy")
    view = store.view(code)
    assert view.split["groups"] == groups
    assert [m.group for m in view.members] == [0, 1, 0]
    store.split_room(code, key, [])
    assert store.view(code).split is None
    assert all(m.group is None for m in store.view(code).members)
    refused(store.split_room, code, key, [{}] * 9)
    refused(store.split_room, code, key, [{"lr": object()}])
    refused(store.split_room, code, key, [{"bad key": 1}])


def test_send_view_keeps_what_the_teacher_sent(room):
    store, code, key, *_ = room
    link = "/broadcasting?a=(32,%2010)&index=x[:,%20None]&op=*"
    store.send_view(code, key, "broadcasting", "Broadcasting", link)
    sent = store.view(code).view
    assert {k: sent[k] for k in ("url_path", "title", "link")} == \
        {"url_path": "broadcasting", "title": "Broadcasting", "link": link}
    store.send_view(code, key, "broadcasting", "Broadcasting", "broadcasting?a=3")
    assert isinstance(sent["sent_at"], float)


# ------------------------------------------------------------------------- runs

def test_report_epoch_builds_runs(room):
    store, code, _, (seat_a, a), (seat_b, b), _ = room
    v = store.versions(code)
    settings = {"preset": "book", "learning_rate": 0.1, "batch_size": 128, "engine": "numpy",
                "warm": True, "note": None, "nan": float("nan")}
    store.report_epoch(code, seat_a, "r1", settings, 1, 2.5, 0.4)
    store.report_epoch(code, seat_a, "r1", settings, 2, 1.5, 0.7)
    store.report_epoch(code, seat_a, "r1", settings, 2, 1.4, 0.75, done=True)   # replaced
    store.report_epoch(code, seat_b, "r9", {"learning_rate": 1e-3}, 1, 2.2, None)
    assert store.versions(code) == Versions(v.state, v.answers, v.runs + 4)
    runs = store.runs(code)
    assert [(r["member_id"], r["run_id"], r["done"]) for r in runs] == \
        [(a.member_id, "r1", True), (b.member_id, "r9", False)]
    assert runs[0]["epochs"] == [(1, 2.5, 0.4), (2, 1.4, 0.75)]
    assert runs[0]["settings"]["nan"] is None and runs[0]["settings"]["batch_size"] == 128
    assert runs[0]["nickname"] == "Ada" and runs[1]["epochs"] == [(1, 2.2, None)]
    for args in [("bad id!", {}, 1, 1.0, None), ("r", {"x": [1]}, 1, 1.0, None),
                 ("r", {}, -1, 1.0, None), ("r", {}, 1, "1.0", None),
                 ("r", {}, 1, 1.0, "high"), ("r", {"k": "v" * 81}, 1, 1.0, None)]:
        refused(store.report_epoch, code, seat_a, *args)


def test_runs_per_seat_and_epochs_per_run_are_capped(room, monkeypatch):
    store, code, _, (seat_a, _), _, _ = room
    monkeypatch.setattr(docstore, "MAX_RUNS_PER_SEAT", 2)
    monkeypatch.setattr(docstore, "MAX_EPOCHS_PER_RUN", 3)
    for run in ("r1", "r2", "r3"):
        store.report_epoch(code, seat_a, run, {}, 1, 1.0, None)
    assert [r["run_id"] for r in store.runs(code)] == ["r2", "r3"]      # the oldest went
    for epoch in (2, 3):
        store.report_epoch(code, seat_a, "r3", {}, epoch, 1.0, None)
    store.report_epoch(code, seat_a, "r3", {}, 3, 0.5, None)             # a repeat is fine
    assert refused(store.report_epoch, code, seat_a, "r3", {}, 4, 1.0, None) == \
        "A run reports at most 3 epochs."


# ------------------------------------------------------------------------- versions, touch

def test_touch_writes_rarely_and_bumps_only_on_coming_back(room, clock):
    store, code, _, (seat_a, a), _, _ = room
    v = store.versions(code)
    store.touch(code, seat_a)
    clock.advance(TOUCH_S + 1)
    store.touch(code, seat_a)
    assert store.versions(code) == v
    seen = next(m for m in store.view(code).members if m.member_id == a.member_id).last_seen
    assert seen == clock.t
    clock.advance(PRESENT_S + 1)
    away = next(m for m in store.view(code).members if m.member_id == a.member_id)
    assert not away.present
    store.touch(code, seat_a)
    assert store.versions(code).state == v.state + 1
    assert next(m for m in store.view(code).members if m.member_id == a.member_id).present


def test_versions_is_none_for_a_class_that_is_not_there(store):
    code, _ = store.create_class()
    unknown = next(c for c in ("K7PX4M", "K7PX4N") if c != code)
    assert store.versions(unknown) is None
    assert refused(store.view, unknown) == f"No class has the code {unknown}."
    assert refused(store.versions, "<b>").startswith("That is not a class code")


# ------------------------------------------------------------------------- expiry

def test_a_class_without_activity_expires(store, clock):
    code, key = store.create_class()
    seat, _ = store.join(code)
    clock.advance(EXPIRE_S - 60)
    store.touch(code, seat)                                  # activity keeps it alive
    clock.advance(EXPIRE_S - 60)
    assert store.versions(code) is not None and store.expire() == 0
    clock.advance(61)
    assert store.versions(code) is None
    assert refused(store.view, code).startswith(f"The class {code} has expired")
    assert refused(store.rejoin, code, seat).startswith(f"The class {code} has expired")
    assert not store.is_teacher(code, key)
    assert store.expire() == 1
    assert refused(store.view, code) == f"No class has the code {code}."
    assert store.expire() == 0


# ------------------------------------------------------------------------- caps and limits

def test_the_class_is_full_at_max_students(store, monkeypatch):
    monkeypatch.setattr(docstore, "MAX_STUDENTS", 3)
    code, _ = store.create_class()
    seats = [store.join(code)[0] for _ in range(3)]
    assert refused(store.join, code) == "The class is full (3 students)."
    store.leave(code, seats[0])                               # a seat is free again
    store.join(code)
    assert refused(store.rejoin, code, seats[0]) == "The class is full (3 students)."


def test_member_records_are_capped_too(store, monkeypatch):
    monkeypatch.setattr(docstore, "MAX_MEMBERS", 4)
    code, _ = store.create_class()
    for _ in range(4):
        store.leave(code, store.join(code)[0])
    assert refused(store.join, code).startswith("The class is full")


def test_classes_per_store_are_capped_and_expired_ones_make_room(backend, store, clock,
                                                                 monkeypatch):
    module = sqlite_store if backend == "sqlite" else redis_store
    monkeypatch.setattr(module, "MAX_CLASSES", 3)
    codes = [store.create_class()[0] for _ in range(3)]
    assert refused(store.create_class).startswith("This server has 3 classes already")
    clock.advance(EXPIRE_S + 1)
    code, key = store.create_class()                         # the old ones expired
    assert store.is_teacher(code, key)
    assert all(store.versions(c) is None for c in codes)


def test_questions_per_class_are_capped(room, monkeypatch):
    store, code, key, *_ = room
    monkeypatch.setattr(docstore, "MAX_QUESTIONS", 3)
    store.put_question(code, key, "dot", "basic", 1)
    store.put_question(code, key, "dot", "basic", 2)
    assert refused(store.put_question, code, key, "dot", "basic", 3).startswith(
        "A class can have 3 questions")


def test_a_seat_is_rate_limited(room, clock):
    store, code, _, (seat_a, _), (seat_b, _), qid = room
    for i in range(RATE_WRITES):
        store.answer(code, seat_a, qid, f"({i},)", f"({i},)", False)
    assert refused(store.answer, code, seat_a, qid, "(99,)", "(99,)", False) == TOO_FAST
    assert refused(store.rename, code, seat_a, "Zed") == TOO_FAST
    store.answer(code, seat_b, qid, "(1,)", "(1,)", True)    # another seat is not slowed
    for epoch in range(RATE_REPORTS):                        # runs have their own budget
        store.report_epoch(code, seat_a, "r", {}, epoch, 1.0, None)
    assert refused(store.report_epoch, code, seat_a, "r", {}, 999, 1.0, None) == TOO_FAST
    clock.advance(RATE_WINDOW_S + 0.1)
    store.answer(code, seat_a, qid, "(99,)", "(99,)", False)
    assert store.my_answer(code, seat_a, qid)["label"] == "(99,)"


# ------------------------------------------------------------------------- sharing and restart

def test_two_store_objects_on_one_place_see_each_other(make_store):
    one, two = make_store(), make_store()
    code, key = one.create_class()
    seat, me = two.join(code, "Ada")
    qid = one.put_question(code, key, "reshape", "basic", 3)
    two.answer(code, seat, qid, "(6,)", "(6,)", True)
    assert one.tally(code, qid) == {"(6,)": 1}
    assert one.versions(code) == two.versions(code) == Versions(2, 1, 0)
    assert two.is_teacher(code, key)
    one.end_class(code, key)
    assert two.view(code).ended


def test_sqlite_survives_a_restart(tmp_path, clock):
    path = tmp_path / "c.sqlite3"
    first = sqlite_store.SqliteStore(path, clock=clock)
    code, key = first.create_class()
    seat, me = first.join(code, "Ada")
    first.close()
    again = sqlite_store.SqliteStore(path, clock=clock)
    assert again.rejoin(code, seat).member_id == me.member_id
    assert again.is_teacher(code, key)
    again.close()


def test_many_threads_join_one_store_at_once(store):
    code, _ = store.create_class()
    seats, errors = [], []

    def student():
        try:
            seats.append(store.join(code, "Ada")[0])
        except Exception as e:            # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=student) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    members = store.view(code).members
    assert len(members) == 12 == len({m.nickname for m in members})
    assert store.versions(code).state == 12


JOINER = """
import sys
from lib.classroom.store import open_store
store = open_store(sys.argv[1])
for _ in range(int(sys.argv[3])):
    store.join(sys.argv[2], "Ada")
print("ok")
"""


def test_two_processes_write_one_sqlite_file(tmp_path, clock):
    path = tmp_path / "c.sqlite3"
    store = sqlite_store.SqliteStore(path)
    code, _ = store.create_class()
    procs = [subprocess.Popen([sys.executable, "-c", JOINER, f"sqlite:///{path}", code, "15"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o[0].strip() for o in outs] == ["ok", "ok"], [o[1][-2000:] for o in outs]
    members = store.view(code).members
    assert len(members) == 30 == len({m.nickname for m in members})
    store.close()


# ------------------------------------------------------------------------- down, and open_store

def test_a_redis_that_is_not_there_is_store_down():
    from tests.unit.classroom.conftest import _free_port
    store = redis_store.RedisStore(f"redis://127.0.0.1:{_free_port()}/0")
    with pytest.raises(StoreDown) as info:
        store.versions("K7PX4M")
    assert "not answering" in info.value.message
    with pytest.raises(StoreDown):
        store.create_class()
    store.close()


def test_a_sqlite_file_that_cannot_be_made_is_store_down(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreDown):
        sqlite_store.SqliteStore(blocker / "classes.sqlite3")


def test_open_store_reads_its_spec(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TENSORLAB_CLASS_STORE", raising=False)
    default = open_store()
    assert default.kind == "sqlite" and default.path == tmp_path / "data" / "classes.sqlite3"
    default.close()
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", f"sqlite:///{tmp_path}/x.db")
    named = open_store()
    assert named.path == tmp_path / "x.db"
    named.close()
    plain = open_store("sqlite")
    assert plain.kind == "sqlite"
    plain.close()
    r = open_store("redis://127.0.0.1:1/0?prefix=abc:")
    assert r.kind == "redis" and r.prefix == "abc:"
    r.close()
    three = open_store(f"sqlite://{tmp_path}/y.db")            # sqlite:/// + /abs/path
    assert three.path == tmp_path / "y.db"
    three.close()
    for bad in ("sqlite://relative.db", "mysql://x", "redis"):
        with pytest.raises(ValueError):
            open_store(bad)


def test_the_store_never_imports_streamlit_or_tensorflow():
    code = ("import sys\nimport lib.classroom.store, lib.classroom.sqlite_store, "
            "lib.classroom.redis_store\n"
            "print(sorted(m for m in ('streamlit', 'tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]



def test_rejoin_writes_only_when_something_changed(room):
    store, code, key, (seat_a, a), (seat_b, b), _ = room
    v = store.versions(code)
    for _ in range(50):                                     # a reconnect storm writes nothing
        assert store.rejoin(code, seat_a).member_id == a.member_id
    assert store.versions(code) == v
    store.leave(code, seat_b)
    store.split_room(code, key, [{"learning_rate": 0.001}, {"learning_rate": 0.1}])
    assert next(m for m in store.view(code).members if m.member_id == b.member_id).group is None
    back = store.rejoin(code, seat_b)                       # the split happened while away
    assert back.group == 1 and not back.left


def test_no_answer_lands_after_the_lock(store, monkeypatch):
    """Students answering while the teacher locks: once lock_question returns, the tally never
    changes again (on Redis, an answer that read the open question before the lock must fail
    its compare-and-set and be refused on the retry)."""
    monkeypatch.setattr(docstore, "RATE_WRITES", 10_000)
    code, key = store.create_class()
    seats = [store.join(code)[0] for _ in range(8)]
    qid = store.put_question(code, key, "dot", "basic", 1)
    started, errors = threading.Barrier(len(seats) + 1), []

    def student(seat):
        started.wait()
        i = 0
        while True:                                          # until the lock refuses
            i += 1
            try:
                store.answer(code, seat, qid, f"({i},)", f"({i % 3},)", True)
            except Exception as e:       # noqa: BLE001 - the lock's refusal, or reported
                if getattr(e, "message", "") != "Answers to this question are closed.":
                    errors.append(repr(e))
                return
    threads = [threading.Thread(target=student, args=(s,)) for s in seats]
    for t in threads:
        t.start()
    started.wait()
    while store.versions(code).answers < 3 * len(seats) \
            and any(t.is_alive() for t in threads):          # answers are flowing
        pass
    store.lock_question(code, key, qid)
    at_lock = (store.tally(code, qid), store.versions(code).answers)
    for t in threads:                                        # each stops on its first refusal
        t.join()
    assert errors == []
    assert (store.tally(code, qid), store.versions(code).answers) == at_lock

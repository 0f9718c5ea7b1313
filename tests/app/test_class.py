"""Class mode in AppTest (issue 20 items 1, 2, 4, 6): a teacher session and student sessions
in one process, sharing one SQLite store on a temporary file (TENSORLAB_CLASS_STORE). AppTest
does not tick run_every: each at.run() runs the fragments once, as a tick would. Class mode
lives in the router (the sidebar, the student's card), so every run here goes through it
(`router_on_every_run`)."""
import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.quiz import make_question
from lib.ui import classroom
from lib.classroom.store import StoreDown
from lib.ui.classroom import SEAT, SEAT_COOKIE, TEACHER_COOKIE, Seat
from lib.ui.live import NAIVE_RUN
from tests.app.helpers import APP, plotly_specs

CLASS = "pages/class_room.py"
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
           "[click](javascript:alert(1))", "**bold** :red[x] $x$", "' OR 1=1 --", "A" * 500,
           "../../etc/passwd", "K7PX4M<b>", "\u202eK7PX4M", "%3Cscript%3E")


@pytest.fixture(autouse=True)
def class_store(tmp_path, monkeypatch):
    """A store of its own for each test (a new spec is a new cached store)."""
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", f"sqlite:///{tmp_path}/classes.sqlite3")
    yield classroom.class_store()


def ok(at):
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    """Every piece of text on the page (markdown, captions, alerts, code), one per line."""
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error",
                                   "code", "title") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


HOME = "pages/home.py"


@pytest.fixture(autouse=True)
def router_on_every_run(monkeypatch):
    """See the module's docstring: a real server runs the router on every run once
    st.navigation has been called; AppTest, seeing a pages/ folder, runs a later run's page
    file alone. Each run here starts as a real server's does."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class RoutedPages(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", RoutedPages)
    yield
    PagesManager.uses_pages_directory = None


def open_app(page: str | None = None, **params) -> AppTest:
    """A new session (a new browser tab) on `page`, opened by a link with these query
    parameters (a join link, a teacher link) if any."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    ok(at.run())
    if page is not None:
        goto(at, page)
    return at


def goto(at: AppTest, page: str) -> AppTest:
    return ok(at.switch_page(page).run())


open_link = open_app


def start_class(page: str = CLASS):
    at = ok(open_app(CLASS))
    at.button(key="class_start").click().run()
    ok(at)
    seat = at.session_state[SEAT]
    assert seat.teacher and len(seat.code) == 6
    if page != CLASS:
        goto(at, page)
    return at, seat


def join(code: str, page: str | None = None):
    at = ok(open_app(page))
    at.session_state[classroom.JOIN_BOX] = True               # open "Join a class"
    ok(at.run())
    at.text_input(key="class_join_code").input(code)
    at.button(key="class_join").click().run()
    return ok(at)


def ask(teacher, kind="broadcast", level="basic", seed=7):
    teacher.selectbox(key="class_kind").set_value(kind)
    teacher.radio(key="class_level").set_value(level)
    teacher.number_input(key="class_seed").set_value(seed)
    ok(teacher.run())
    teacher.button(key="class_ask").click().run()
    return make_question(kind, level, seed)


def answer(student, qid: int, text: str):
    student.text_input(key=f"class_answer_{qid}").input(text)
    student.button(key=f"class_send_{qid}").click().run()
    return ok(student)


def metric(at, label):
    return next((m.value for m in at.metric if m.label == label), None)


def teacher_controls(at) -> set[str]:
    keys = {"class_ask", "class_lock", "class_reveal", "class_next", "class_end",
            "class_remove", "class_show_key", "class_send_view", "class_ask_here"}
    present = {b.key for b in at.button} | {t.key for t in at.toggle}
    return keys & present


def test_a_class_join_poll_change_lock_reveal_remove_end(class_store):
    teacher, seat = start_class()
    assert any(m.value == f"# {seat.code}" for m in teacher.markdown)     # the code, large
    assert teacher.image, "the QR code of the join link"
    ana = join(seat.code)
    ben = open_link(join=seat.code)                 # the join link (the QR code's)
    assert "join" not in ben.query_params
    for student in (ana, ben):
        assert student.session_state[SEAT].code == seat.code
        assert not student.session_state[SEAT].teacher
    nick_a = class_store.view(seat.code).members[0].nickname
    ok(teacher.run())
    assert metric(teacher, "Here") == "2"
    assert nick_a in texts(teacher)

    question = ask(teacher)
    qid = class_store.view(seat.code).question.qid
    ok(teacher.run())
    assert metric(teacher, "Answered") == "0 of 2"
    for student in (ana, ben):
        ok(student.run())                           # the fragment's tick
        assert any(c.value == question.code for c in student.code)
    answer(ana, qid, question.answer_text)                       # right
    answer(ben, qid, "(1, 2, 3, 4, 5, 6)")                       # wrong ...
    assert f"Sent: {classroom.plain('(1, 2, 3, 4, 5, 6)')}" in texts(ben)
    answer(ben, qid, "error" if question.answer is not None else "(1,)")   # ... changed, wrong
    ok(teacher.run())
    assert metric(teacher, "Answered") == "2 of 2"
    assert not teacher.get("plotly_chart"), "the spread stays hidden until the reveal"
    assert "Right" not in texts(ana) and "Not quite" not in texts(ben)

    teacher.button(key="class_lock").click().run()
    ok(ben.run())
    assert f"class_answer_{qid}" not in {t.key for t in ben.text_input}
    assert "Locked" in texts(ben)
    teacher.button(key="class_reveal").click().run()
    ok(teacher)
    bars = plotly_specs(teacher)[0]["data"][0]
    assert sum(bars["y"]) == 2
    right = [x for x in bars["x"] if "✓ right" in x]
    assert right == [f"{question.answer_text}  ✓ right"]
    assert bars["y"][bars["x"].index(right[0])] == 1
    ok(ana.run())
    ok(ben.run())
    assert ana.success and "Right" in ana.success[0].value
    assert ben.error and "Not quite" in ben.error[0].value

    rows = list(csv.DictReader(io.StringIO(classroom.answers_csv(
        class_store.answers(seat.code, seat.secret)))))
    assert len(rows) == 2 and {r["correct"] for r in rows} == {"yes", "no"}
    assert {r["right answer"] for r in rows} == {question.answer_text}

    ok(teacher.run())
    ben_id = ben.session_state[SEAT].member_id
    teacher.selectbox(key="class_remove_who").set_value(ben_id)
    teacher.button(key="class_remove").click().run()
    ok(ben.run())                                  # the fragment's tick, then a full run
    assert SEAT not in ben.session_state
    assert "took you out" in texts(ben)
    assert "🙋 Join a class" in {e.label for e in ben.expander}     # may join again

    teacher.button(key="class_end").click().run()
    ok(teacher)
    assert SEAT not in teacher.session_state
    assert "class_start" in {b.key for b in teacher.button}
    ok(ana.run())
    assert SEAT not in ana.session_state
    assert "ended" in texts(ana)


def test_the_teacher_sends_a_view_and_a_page_question_students_follow_with_a_click(
        class_store):
    teacher, seat = start_class("pages/broadcasting.py")
    teacher.text_input(key="bc_x").input("(7, 1, 5)")
    teacher.text_input(key="bc_y").input("(3, 1)").run()
    student = join(seat.code)
    teacher.button(key="class_send_view").click().run()
    ok(teacher)
    ok(student.run())
    assert "Your teacher is on" in texts(student) and "Broadcasting" in texts(student)
    assert student.session_state["_page_now"] in ("", "home")   # Home; never moved by itself
    student.button(key="class_follow_open").click().run()
    ok(student)
    assert student.query_params["bc_x"] == "(7, 1, 5)"
    assert student.session_state["_page_now"] == "broadcasting"
    assert student.text_input(key="bc_x").value == "(7, 1, 5)"          # the teacher's view
    assert student.text_input(key="bc_y").value == "(3, 1)"
    assert "class_follow_open" not in {b.key for b in student.button}

    # the question of the page the teacher is on
    quiz = teacher.session_state["quiz_question"]
    teacher.button(key="class_ask_here").click().run()
    ok(teacher)
    q = class_store.view(seat.code).question
    assert (q.kind, q.level, q.seed, q.page) == (*quiz.ident, "broadcasting")
    ok(student.run())
    assert any(c.value == quiz.code for c in student.code)


def test_wrong_expired_and_hostile_codes_are_refused_calmly(class_store):
    at = join("K7PX4M")                                  # well formed, no such class
    assert SEAT not in at.session_state
    assert "No class has the code K7PX4M" in texts(at)
    at = ok(open_app())
    at.session_state[classroom.JOIN_BOX] = True
    ok(at.run())
    for text in HOSTILE:                           # typed into the box, one session
        at.text_input(key="class_join_code").input(text)
        at.button(key="class_join").click().run()
        ok(at)
        assert SEAT not in at.session_state
        assert at.warning, text
        assert "<script" not in texts(at) and "<img" not in texts(at)
    for text in HOSTILE[:4]:                       # in a join link
        link = open_link(join=text)
        assert SEAT not in link.session_state and "join" not in link.query_params
        assert not link.html or all("<script" not in h.proto.body or "document.cookie"
                                    not in h.proto.body for h in link.html)


def test_hostile_nicknames_stay_text(class_store):
    teacher, seat = start_class()
    student = join(seat.code)
    for text in HOSTILE[:6]:
        student.text_input(key="class_nickname").input(text)
        student.button(key="class_rename").click().run()
        ok(student)
        nickname = class_store.view(seat.code).members[0].nickname
        assert all(c.isalnum() or c == " " for c in nickname), nickname
    ok(teacher.run())
    shown = texts(teacher) + texts(student)
    for bad in ("<script", "<img", "javascript:", ":red["):
        assert bad not in shown


def test_a_student_has_no_teacher_controls_and_a_forged_teacher_is_refused(class_store):
    teacher, seat = start_class()
    student = join(seat.code, CLASS)
    assert teacher_controls(student) == set()
    assert "as a student" in texts(student)
    for page in ("pages/shape_drill.py", "pages/broadcasting.py"):
        goto(student, page)
        assert teacher_controls(student) == set()

    # a forged teacher seat in session state: the page asks the store, which says no
    forger = ok(open_app())
    forger.session_state[SEAT] = Seat(seat.code, "teacher", "A" * 32)
    goto(forger, CLASS)
    assert teacher_controls(forger) == set()
    assert SEAT not in forger.session_state
    # a forged or hostile teacher link: refused, and gone from the address bar
    for text in (f"{seat.code}.{'B' * 32}", f"{seat.code}.{seat.secret[:-1]}x", *HOSTILE):
        at = open_link(teacher=text)
        assert "teacher" not in at.query_params
        assert SEAT not in at.session_state
        goto(at, CLASS)
        assert teacher_controls(at) == set()
    # and the store itself refuses a teacher's action without the key
    from lib.classroom.store import Refused
    with pytest.raises(Refused):
        class_store.put_question(seat.code, "C" * 32, "dot", "basic", 1)


def test_the_teacher_link_opens_the_class_on_another_device_and_leaves_the_url(class_store):
    teacher, seat = start_class()
    teacher.toggle(key="class_show_key").set_value(True).run()
    link = next(c.value for c in teacher.code if "teacher=" in c.value)
    assert seat.secret in link
    from urllib.parse import parse_qs, urlsplit
    other = open_link(teacher=parse_qs(urlsplit(link).query)["teacher"][0])
    assert "teacher" not in other.query_params
    assert other.session_state[SEAT] == seat
    goto(other, CLASS)
    assert {"class_ask", "class_end"} <= teacher_controls(other)
    # the key is not on the page unless asked for
    assert all(seat.secret not in c.value for c in other.code)
    # ended on one device: the other one's page says so and keeps no teacher control
    teacher.button(key="class_end").click().run()
    ok(other.run())
    assert SEAT not in other.session_state and "has ended" in texts(other)
    assert teacher_controls(other) == set()


def test_a_reconnected_student_is_still_in_the_class_with_their_answer(class_store, monkeypatch):
    """A replica died: the browser opens a new session elsewhere, with its cookies."""
    teacher, seat = start_class()
    student = join(seat.code)
    mine = student.session_state[SEAT]
    cookie = next(h.proto.body for h in student.html if SEAT_COOKIE in h.proto.body)
    assert f"{SEAT_COOKIE}={mine.code}.{mine.secret};" in cookie     # told to the browser
    question = ask(teacher)
    qid = class_store.view(seat.code).question.qid
    ok(student.run())
    answer(student, qid, question.answer_text)
    nickname = class_store.view(seat.code).members[0].nickname

    monkeypatch.setattr(classroom, "_read_cookies",
                        lambda: {SEAT_COOKIE: f"{mine.code}.{mine.secret}"})
    again = ok(open_app("pages/slicing.py"))       # a fresh session, the same browser
    assert again.session_state[SEAT] == mine
    assert nickname in texts(again)
    assert f"Sent: {classroom.plain(question.answer_text)}" in texts(again)
    assert len(class_store.view(seat.code).members) == 1           # no second seat

    # the teacher's session comes back the same way
    monkeypatch.setattr(classroom, "_read_cookies",
                        lambda: {TEACHER_COOKIE: f"{seat.code}.{seat.secret}"})
    back = ok(open_app(CLASS))
    assert back.session_state[SEAT] == seat
    assert metric(back, "Answered") == "1 of 1"

    # a stale cookie (a class that ended) is dropped, calmly
    teacher.button(key="class_end").click().run()
    monkeypatch.setattr(classroom, "_read_cookies",
                        lambda: {SEAT_COOKIE: f"{mine.code}.{mine.secret}"})
    late = ok(open_app())
    assert SEAT not in late.session_state
    assert any(f"{SEAT_COOKIE}=;" in h.proto.body for h in late.html)


def test_a_store_that_is_down_says_so_and_the_app_works(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("TENSORLAB_CLASS_STORE", f"sqlite:///{blocker}/sub/classes.sqlite3")
    at = ok(open_app(CLASS))
    assert any("class store" in e.value for e in at.error)
    at = join("K7PX4M", "pages/slicing.py")
    assert any("class store" in e.value for e in [*at.error, *at.warning])
    assert at.title and at.code                     # the page itself is there


def test_a_session_not_in_a_class_never_touches_the_store(monkeypatch):
    def refuse():
        raise AssertionError("a session not in a class read the store")
    monkeypatch.setattr(classroom, "class_store", refuse)
    at = ok(open_app("pages/slicing.py"))
    ok(at.run())
    goto(at, HOME)
    assert "class_join_code" not in {t.key for t in at.text_input}    # folded: not even run
    at.session_state[classroom.JOIN_BOX] = True
    ok(at.run())
    assert "class_join_code" in {t.key for t in at.text_input}


# ---------------------------------------------------------------- a student who is training

def tick_script():
    """The live panel's tick as a training student's session runs it: the card was drawn
    once (the full run before), then the panel's hook (classroom._tick_in_run)."""
    import streamlit as st

    from lib.ui import classroom

    if "card_drawn" not in st.session_state:
        st.session_state["card_drawn"] = True
        classroom._fresh_view(classroom.class_store(), st.session_state[classroom.SEAT],
                              classroom._cache())
    classroom._tick_in_run()


def test_the_live_panels_tick_brings_a_training_student_the_teachers_news(class_store,
                                                                            monkeypatch):
    """While a student's run trains, their card does not tick; the live panel's tick reads the
    class's versions (every STUDENT_EVERY s) and redraws the page only when the teacher did
    something the card shows. A store that is down changes nothing."""
    import streamlit

    from lib.ui.live import TICK_HOOKS

    assert classroom._tick_in_run in TICK_HOOKS           # registered with the live panel
    code, key = class_store.create_class()
    secret, me = class_store.join(code)
    reruns, touched = [], []
    monkeypatch.setattr(streamlit, "rerun", lambda scope="app": reruns.append(scope))
    monkeypatch.setattr(classroom, "STUDENT_EVERY", 0.0)
    real_touch = class_store.touch
    monkeypatch.setattr(class_store, "touch",
                        lambda *a: (touched.append(a), real_touch(*a))[1])
    at = AppTest.from_function(tick_script, default_timeout=60)
    at.session_state[SEAT] = Seat(code, "student", secret, me.member_id)
    ok(at.run())
    assert reruns == [] and touched == [(code, secret)]   # nothing new; "still here" said
    ok(at.run())
    assert reruns == [] and len(touched) == 1             # touched every TOUCH_EVERY s only
    class_store.put_question(code, key, "broadcast", "basic", 7)
    ok(at.run())
    assert reruns == ["app"]                              # the question: the page is redrawn
    monkeypatch.setattr(classroom, "STUDENT_EVERY", 60.0)
    class_store.put_question(code, key, "broadcast", "basic", 8)
    ok(at.run())
    assert reruns == ["app"]                              # not more often than STUDENT_EVERY

    def down():
        raise StoreDown("The class store cannot be reached.")

    monkeypatch.setattr(classroom, "STUDENT_EVERY", 0.0)
    real_store = classroom.class_store
    monkeypatch.setattr(classroom, "class_store", down)
    ok(at.run())
    assert reruns == ["app"] * 2                          # the store went down: the card says so
    at.session_state[classroom.CACHE]["down"] = True      # (as the card notes when it did)
    ok(at.run())
    assert reruns == ["app"] * 2                          # down and said: nothing more
    monkeypatch.setattr(classroom, "class_store", real_store)
    ok(at.run())
    assert reruns == ["app"] * 3                          # back: the card is drawn again


def ticker_script():
    """A student's page as the ticker sees it: the card drawn by the run before, then the
    ticker's own run (its tick)."""
    import streamlit as st

    from lib.ui import classroom

    if "card_drawn" not in st.session_state:
        st.session_state["card_drawn"] = True
        classroom._fresh_view(classroom.class_store(), st.session_state[classroom.SEAT],
                              classroom._cache())
    st.session_state["ticks"] = st.session_state.get("ticks", 0) + 1
    classroom._student_ticker()


def test_the_ticker_draws_nothing_and_redraws_the_page_only_for_news(class_store, monkeypatch):
    """Away from a training run, the student's ticker reads the class's versions on every
    tick, draws nothing, and asks for a full rerun only when the teacher did something."""
    import streamlit

    code, key = class_store.create_class()
    secret, me = class_store.join(code)
    reruns = []
    monkeypatch.setattr(streamlit, "rerun", lambda scope="app": reruns.append(scope))
    at = AppTest.from_function(ticker_script, default_timeout=60)
    at.session_state[SEAT] = Seat(code, "student", secret, me.member_id)
    ok(at.run())
    ok(at.run())
    assert reruns == [] and at.session_state["ticks"] == 2   # nothing new: nothing redrawn
    assert not at.main.children or all(not c.children for c in at.main.children.values())
    class_store.put_question(code, key, "broadcast", "basic", 7)
    ok(at.run())
    assert reruns == ["app"]                                 # the question: the page redrawn
    assert not at.code and not at.text_input                 # by the page's card, not here
    class_store.end_class(code, key)
    ok(at.run())
    assert reruns == ["app"] * 2                             # the class is over: said at once


def test_a_training_students_card_does_not_tick_until_the_run_stops(class_store, monkeypatch):
    """The router draws the card (which never ticks) and the ticker beside it on every page,
    except on a training page whose run is training: there, no ticker."""
    drawn = []
    for name in ("_student_card", "_student_ticker"):
        original = getattr(classroom, name)
        monkeypatch.setattr(classroom, name,
                            lambda original=original, name=name: (drawn.append(name),
                                                                  original())[1])
    teacher, seat = start_class()
    student = join(seat.code, "pages/train_naive.py")
    student.number_input(key="naive_epochs").set_value(20)   # longer than this test's ticks
    ok(student.run())
    assert drawn[-2:] == ["_student_card", "_student_ticker"]
    del drawn[:]
    student.button(key="naive_start").click().run()
    ok(student)
    run = student.session_state[NAIVE_RUN].run
    assert run.status == "running" and drawn == ["_student_card"]
    question = ask(teacher)
    ok(student.run())                                      # the redraw the panel's tick asks for
    assert any(c.value == question.code for c in student.code)
    assert run.status == "running" and drawn == ["_student_card"] * 2
    student.button(key="naive_pause").click().run()
    ok(student)
    assert run.status == "paused"
    assert drawn[-2:] == ["_student_card", "_student_ticker"]   # the ticker once it stops


def test_the_revealed_chart_is_built_once_per_tally_not_on_every_tick(class_store, monkeypatch):
    """The teacher's live part ticks every second beside a training class: the answers'
    chart is made again only when the tally changed, and drawn on every tick."""
    built = []
    real = classroom.poll_bars
    monkeypatch.setattr(classroom, "poll_bars", lambda *a, **k: (built.append(a), real(*a, **k))[1])
    teacher, seat = start_class()
    ana = join(seat.code)
    question = ask(teacher)
    qid = class_store.view(seat.code).question.qid
    ok(ana.run())
    answer(ana, qid, question.answer_text)
    teacher.button(key="class_reveal").click().run()
    ok(teacher)
    for _ in range(3):                                   # three ticks of the live part
        ok(teacher.run())
        assert sum(plotly_specs(teacher)[0]["data"][0]["y"]) == 1
    assert len(built) == 1


def test_a_new_split_redraws_the_train_page_once_from_the_ticker(class_store, monkeypatch):
    """The split offer never ticks of its own: a split moves the class's state version, the
    student's ticker asks for one redraw of the page, and that redraw reads the group and
    offers it, asking for no further one; nothing more on the next ticks."""
    import streamlit

    from lib.ui.class_runs import SPLIT_SEEN

    teacher, seat = start_class()
    student = join(seat.code, "pages/train_naive.py")
    assert student.session_state[SPLIT_SEEN][1] is None        # the offer was read: no split
    reruns = []
    monkeypatch.setattr(streamlit, "rerun", lambda scope="app": reruns.append(scope))
    ticks = []
    real = classroom._look_for_news
    monkeypatch.setattr(classroom, "_look_for_news", lambda: (ticks.append(1), real())[1])
    ok(student.run())
    assert reruns == [] and ticks                            # the ticker looked: nothing new
    class_store.split_room(seat.code, seat.secret, [{"learning_rate": 1e-3},
                                                   {"learning_rate": 0.1}])
    ticker = AppTest.from_function(ticker_script, default_timeout=60)
    ticker.session_state[SEAT] = student.session_state[SEAT]
    ticker.session_state["card_drawn"] = True
    ticker.session_state[classroom.CACHE] = dict(student.session_state[classroom.CACHE])
    ok(ticker.run())                          # the student's ticker sees the state move
    assert reruns == ["app"]
    ok(student.run())                         # the redraw it asks for
    assert reruns == ["app"]                  # ... which asks for no other
    assert student.session_state[SPLIT_SEEN][1] == {"learning_rate": 1e-3}
    said = [e.value for e in (*student.info, *student.caption)]
    assert any("teacher gave your group" in text for text in said)   # 1e-3: already set
    ok(student.run())
    assert reruns == ["app"]                 # once

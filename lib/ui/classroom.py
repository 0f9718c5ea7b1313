"""Class mode on screen (issue 20): joining a class from the sidebar of any page, the
student's question card, the teacher's Class page (join code and QR code, who is here, polls
with a live tally, the answers as CSV) and "follow the teacher".

Where things live:
- the class itself in the store (lib.classroom.store; one thread-safe object per process,
  `class_store()`), which checks every call: codes, nicknames, keys, caps, rate limits;
- this session's place in it in st.session_state[SEAT]: a Seat (code, role, secret), where
  the secret is the student's seat token or the teacher's key. Nothing else identifies a
  student: not a nickname, not a member id;
- the seat across a reconnect (a replica died, HAProxy sent the browser to another one: a
  new Streamlit session) in a cookie of the app's own origin, written by a constant script
  once the seat is known and read back from st.context.cookies when a session starts. A
  cookie, not a URL parameter: a student's address bar, the "link to this view" and a
  screenshot of the projector never carry a secret, and the seat survives every page
  switch without being bound to a widget. The teacher's key is in the URL only in the
  "teacher link", shown on demand, and removed from the address bar as soon as it is read.

What it costs: a session that is not in a class reads nothing from the store (one dict
lookup per run; the URL and cookies are looked at once per session). A session in a class
runs one small fragment: the teacher's every TEACHER_EVERY s on the Class page, a student's
every STUDENT_EVERY s on any page (the ticker: it draws nothing and redraws the page when the
student's card would change), each reading one version triple (store.versions) and the class
itself only when a number changed (or, for the teacher, every REFRESH_S: who went away).

Everything a user types or a URL carries goes through lib.classroom.names' whitelists and
lib.quiz's answer parser; nothing typed is ever drawn as HTML (nicknames and messages are
markdown-escaped text)."""
from __future__ import annotations

import csv
import io
import os
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from lib.classroom import names
from lib.classroom.store import (EXPIRE_S, ClassStore, ClassView, Refused, StoreDown,
                                 open_store)
from lib.figures.class_poll import answered_of, poll_bars
from lib.quiz import KIND_LABELS, MAX_ANSWER_TEXT, make_question, mark, new_seed
from lib.rules.shapes import format_shape
from lib.site.chapter import BY_PAGE, BY_URL_PATH, page_path, view_params
from lib.site.settings import MAX_TEXT, query_string
from lib.site.views import CLASS_ROOM
from lib.ui.bound import apply, setting_value, settings_row
from lib.ui.mode import height, requested
from lib.train.live import RUNNING
from lib.ui.live import NAIVE_RUN, QUICKSTART_RUN, on_tick
from lib.ui.nav import came_back, full_url, page_exists
from lib.ui.widgets import fragment, lazy_expander, plotly

__all__ = ["Seat", "answers_csv", "class_join_card", "class_mode", "class_poll_controls",
           "class_seat", "class_start", "class_store", "class_teacher", "class_teacher_live",
           "class_tools", "plain"]

STORE_ENV = "TENSORLAB_CLASS_STORE"
CLASS_PAGE = "class_room"           # the Class page's url path
JOIN_PARAM = "join"                 # ?join=K7PX4M: the link the QR code holds
TEACHER_PARAM = "teacher"           # ?teacher=K7PX4M.<key>: the teacher link
SEAT_COOKIE = "tensorlab_seat"      # "K7PX4M.<seat>"
TEACHER_COOKIE = "tensorlab_teacher"    # "K7PX4M.<key>"

TEACHER_EVERY = 1.0     # s: the projector's "answered n of m" follows within about a second
STUDENT_EVERY = 2.0     # s: a question appears on a student's page within about two
TRAINING_RUNS = {"train_naive": NAIVE_RUN, "first_network": QUICKSTART_RUN}  # page -> its run
REFRESH_S = 10.0        # s: the class is read again at least this often (who went away)
TOUCH_EVERY = 10.0      # s: a student tells the store they are still here

SEAT = "_class_seat"            # this session's Seat, or absent
CACHE = "_class_cache"          # what the last read gave: view, versions, tally, answers
NOTE = "_class_note"            # (kind, sentence) for the sidebar, said once
PAGE_NOTE = "_class_page_note"  # (kind, sentence) for the Class page, said once
ARRIVED = "_class_arrived"      # the URL and cookies were looked at (once per session)
COOKIES = "_class_cookies"      # cookie writes waiting for the next full run
JOIN_BOX = "class_join_box"     # the sidebar's folded "Join a class" (open: True)

_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=/^%@,;?])")


@dataclass(frozen=True)
class Seat:
    """This session's place in a class."""
    code: str
    role: str               # "student" | "teacher"
    secret: str             # the student's seat token, or the teacher's key
    member_id: str = ""     # a student's public id (to see a removal), "" for the teacher

    @property
    def teacher(self) -> bool:
        return self.role == "teacher"


def plain(text) -> str:
    """Any text as markdown that shows exactly that text: every punctuation sign escaped, so
    a nickname or a message can never become a link, markup or a colour directive."""
    return _PUNCT.sub(r"\\\1", str(text)).replace("\n", " ")


# ---------------------------------------------------------------- the store

@st.cache_resource(show_spinner=False)
def _open(spec: str) -> ClassStore:
    return open_store(spec or None)


def class_store() -> ClassStore:
    """The process's one store (TENSORLAB_CLASS_STORE, else SQLite under the data
    directory). Raises StoreDown when it cannot be opened; nothing is cached then, so the
    next call tries again."""
    try:
        return _open(os.environ.get(STORE_ENV, ""))
    except StoreDown:
        raise
    except (OSError, ValueError) as err:      # a path that cannot be made, a bad spec
        raise StoreDown() from err


def class_seat() -> Seat | None:
    """This session's seat, or None (a dictionary lookup: free for a session not in a class)."""
    return st.session_state.get(SEAT)


def _cache() -> dict:
    return st.session_state.setdefault(CACHE, {})


def _note(kind: str, text: str, where: str = NOTE) -> None:
    st.session_state[where] = (kind, text)


def _say(where=NOTE, place=None) -> None:
    """The waiting sentence, once, as text."""
    note = st.session_state.pop(where, None)
    if note is None:
        return
    kind, text = note
    place = place if place is not None else st
    {"error": place.error, "warning": place.warning, "success": place.success}.get(
        kind, place.info)(plain(text))


def _act(action, *args, where: str = NOTE, done: str | None = None):
    """Call the store; a refusal or a store that is down becomes a calm sentence. Returns
    the store's answer, or None."""
    try:
        result = action(*args)
    except Refused as refused:
        _note("warning", refused.message, where)
        return None
    except StoreDown as down:
        _note("error", down.message, where)
        return None
    if done:
        _note("success", done, where)
    return result if result is not None else True


# ---------------------------------------------------------------- the seat across reconnects

def _cookie_out(name: str, value: str | None) -> None:
    """A cookie to write (value None: to delete) on the next full run."""
    if value is not None and not _SAFE.fullmatch(value):
        return                                  # never happens: codes and keys are checked
    st.session_state.setdefault(COOKIES, []).append((name, value))


def _flush_cookies() -> None:
    """Write the waiting cookies with a constant script (its only variable parts are checked
    codes and URL-safe keys), from the sidebar, which takes no room from the page."""
    pending = st.session_state.pop(COOKIES, None)
    if not pending:
        return
    lines = []
    for name, value in pending:
        life = int(EXPIRE_S) if value is not None else 0
        lines.append(f"document.cookie = '{name}={value or ''}; path=/; max-age={life}; "
                     "SameSite=Lax';")
    st.sidebar.html("<script>" + "\n".join(lines) + "</script>", unsafe_allow_javascript=True)


def _read_cookies() -> dict:
    """The browser's cookies as this session's connection brought them (empty in AppTest)."""
    try:
        return dict(st.context.cookies or {})
    except Exception:                           # no request behind this session
        return {}


def _split_pair(text) -> tuple[str, str] | None:
    """'K7PX4M.<secret>' -> (code, secret), both read by their whitelists; else None."""
    if not isinstance(text, str) or len(text) > 120 or text.count(".") != 1:
        return None
    code, secret = text.split(".")
    try:
        return names.read_code(code), names.read_key(secret)
    except Refused:
        return None


def _arrive() -> None:
    """Once per session: a teacher link, a join link, or a seat kept in a cookie. The
    secrets leave the address bar at once."""
    params = st.query_params
    teacher_text = params.get(TEACHER_PARAM)
    join_text = params.get(JOIN_PARAM)
    for name in (TEACHER_PARAM, JOIN_PARAM):
        if name in params:
            del params[name]
    cookies = _read_cookies()
    if teacher_text is not None:
        pair = _split_pair(teacher_text)
        if pair is None or not _become_teacher(*pair):
            _note("warning", "That teacher link does not open a class: it is wrong, or its "
                             "class has ended.")
        return
    seat_cookie = _split_pair(cookies.get(SEAT_COOKIE))
    if join_text is not None:
        try:
            code = names.read_code(join_text)
        except Refused as refused:
            _note("warning", refused.message)
            return
        if seat_cookie is not None and seat_cookie[0] == code and _rejoin(*seat_cookie):
            return
        _join(code)
        return
    teacher_cookie = _split_pair(cookies.get(TEACHER_COOKIE))
    if teacher_cookie is not None and _become_teacher(*teacher_cookie, quiet=True):
        return
    if seat_cookie is not None:
        _rejoin(*seat_cookie, quiet=True)


def _become_teacher(code: str, key: str, quiet: bool = False) -> bool:
    try:
        ok = class_store().is_teacher(code, key)
    except (Refused, StoreDown) as err:
        if not quiet:
            _note("warning", err.message)
        ok = False
    if ok:
        _seat_taken(Seat(code, "teacher", key))
        _cookie_out(TEACHER_COOKIE, f"{code}.{key}")
    elif quiet:
        _cookie_out(TEACHER_COOKIE, None)
    return ok


def _rejoin(code: str, seat: str, quiet: bool = False) -> bool:
    """Back in the class with this seat (a reconnect): answers and nickname as they were."""
    try:
        me = class_store().rejoin(code, seat)
    except Refused as refused:
        _cookie_out(SEAT_COOKIE, None)
        if not quiet:
            _note("info", refused.message)
        return False
    except StoreDown as down:
        _note("error", down.message)
        return False
    _seat_taken(Seat(code, "student", seat, me.member_id), nickname=me.nickname)
    return True


def _join(code: str) -> bool:
    result = _act(lambda: class_store().join(code))
    if result is None:
        return False
    seat, me = result
    _seat_taken(Seat(code, "student", seat, me.member_id), nickname=me.nickname)
    _cookie_out(SEAT_COOKIE, f"{code}.{seat}")
    _note("success", f"You are in class {code} as {me.nickname}.")
    return True


def _seat_taken(seat: Seat, nickname: str = "") -> None:
    state = st.session_state
    state[SEAT] = seat
    state[CACHE] = {"nickname": nickname}


def _seat_gone(message: str | None, kind: str = "info") -> None:
    """This session is no longer in its class: forget it here and in the cookie."""
    seat = st.session_state.pop(SEAT, None)
    st.session_state.pop(CACHE, None)
    if seat is not None:
        _cookie_out(TEACHER_COOKIE if seat.teacher else SEAT_COOKIE, None)
    if message:
        _note(kind, message)
        if seat is not None and seat.teacher:
            _note(kind, message, PAGE_NOTE)


# ---------------------------------------------------------------- the router's one call

def class_mode(url_path: str) -> None:
    """In the router, before the page: the sidebar's class box (join, or who you are in
    which class, or the teacher's sending buttons) and, for a student in a class, the
    question card at the top of the page (a small fragment that polls the class)."""
    state = st.session_state
    if ARRIVED not in state:
        state[ARRIVED] = True
        if JOIN_PARAM in st.query_params or TEACHER_PARAM in st.query_params \
                or SEAT_COOKIE in _read_cookies() or TEACHER_COOKIE in _read_cookies():
            _arrive()
    _flush_cookies()
    seat = state.get(SEAT)
    with st.sidebar:
        if seat is None:
            _join_box()
        elif seat.teacher:
            _teacher_sidebar(seat, url_path)
        else:
            _student_sidebar(seat)
    if seat is not None and not seat.teacher:
        _student_card()
        if not _training_here(url_path):   # while the run trains, the live panel's tick looks
            _student_ticker()              # for news (_tick_in_run)


# ---------------------------------------------------------------- a student

def _join_box() -> None:
    """The sidebar's "Join a class": its form runs only while it is open, so a session that
    is not in a class pays one folded element per run."""
    _say()
    box, is_open = lazy_expander("🙋 Join a class", key=JOIN_BOX)
    if not is_open:
        return
    with box:
        with st.form("class_join_form", border=False):
            st.text_input("Class code", key="class_join_code", max_chars=names.MAX_CODE_INPUT,
                          placeholder=names.CODE_EXAMPLE,
                          help="The six letters and digits your teacher shows.")
            st.form_submit_button("Join", key="class_join", on_click=_join_clicked,
                                  type="primary")


def _join_clicked() -> None:
    try:
        code = names.read_code(st.session_state.get("class_join_code", ""))
    except Refused as refused:
        _note("warning", refused.message)
        return
    if _join(code):
        st.session_state["class_join_code"] = ""


def _student_sidebar(seat: Seat) -> None:
    nickname = _cache().get("nickname", "")
    with st.container(border=True):
        st.markdown(f"🙋 In class **{seat.code}** as **{plain(nickname)}**")
        _say()
        with st.popover("Change my nickname", width="stretch"):
            with st.form("class_rename_form", border=False):
                st.text_input("Nickname", key="class_nickname", max_chars=names.MAX_NICKNAME,
                              placeholder=nickname or "Brave Otter",
                              help="Letters, digits and spaces; shown to your class.")
                st.form_submit_button("Save", key="class_rename", on_click=_rename_clicked)
        st.button("Leave the class", key="class_leave", on_click=_leave_clicked,
                  width="stretch")


def _rename_clicked() -> None:
    seat = class_seat()
    if seat is None:
        return
    try:
        nickname = names.clean_nickname(st.session_state.get("class_nickname", ""))
    except Refused as refused:
        _note("warning", refused.message)
        return
    me = _act(class_store().rename, seat.code, seat.secret, nickname)
    if me is not None:
        _cache()["nickname"] = me.nickname
        st.session_state["class_nickname"] = ""


def _leave_clicked() -> None:
    seat = class_seat()
    if seat is None:
        return
    try:
        class_store().leave(seat.code, seat.secret)
    except (Refused, StoreDown):
        pass                                    # leaving here works whatever the store says
    _seat_gone(f"You left class {seat.code}.")


def _watched(versions, teacher: bool) -> tuple:
    """The version numbers a session redraws on: a student's card shows neither the tally
    nor the runs, so only `state` (a question put, locked, revealed; a view sent; the class
    ended) makes it read the class again; the teacher's live part also follows `answers`.
    Runs are read by the teacher's runs panel on its own (lib/ui/class_runs.py): with the
    whole triple, every epoch a student reported made every card re-read the class."""
    if versions is None:
        return ()
    return (versions.state, versions.answers) if teacher else (versions.state,)


def _fresh_view(store: ClassStore, seat: Seat, cache: dict) -> ClassView:
    """The class as this session last read it, read again when a version number it watches
    changed (one cheap read each tick) or REFRESH_S went by. Refused when the class is gone."""
    versions = store.versions(seat.code)
    if versions is None:
        raise Refused("That class is over: it ended or expired.")
    now = time.monotonic()
    if _watched(versions, seat.teacher) != _watched(cache.get("versions"), seat.teacher) \
            or now - cache.get("read_at", 0.0) > REFRESH_S or "view" not in cache:
        cache["view"] = store.view(seat.code)
        cache["read_at"] = now
        if versions.answers != getattr(cache.get("versions"), "answers", None):
            cache.pop("tally", None)
            cache.pop("who", None)
        cache["versions"] = versions
    return cache["view"]


# A student's card does not tick. Redrawn every STUDENT_EVERY s, it cost a 30-student class
# 7% more server CPU per trained sample and 7-17% of its training share (bench/classroom.py
# --class-mode, 3 epochs: 0.83-0.97 of the plain class) though it changed only when the
# teacher did something: the students who had finished kept redrawing their cards (a question
# with its code, the reveal) while the others trained. Now one small fragment that draws
# nothing, the ticker, reads the class's version numbers every STUDENT_EVERY s and redraws the
# page only when something the card shows changed (a question, a lock, a reveal, a view sent,
# a split, the class ended or the student removed) or the store went down or came back.
# While the student's own run trains, not even the ticker runs: the live panel ticks every
# 0.4 s anyway and calls _tick_in_run, which does the same every STUDENT_EVERY s.

def _training_here(url_path: str) -> bool:
    """This run draws a training page whose run is training (not one that was left running
    on another page: the page pauses that one)."""
    key = TRAINING_RUNS.get(url_path)
    state = st.session_state.get(key) if key else None
    return state is not None and state.run.status == RUNNING and not came_back()


def _look_for_news() -> None:
    """One versions read (and, every TOUCH_EVERY s, the "still here" touch) for a student in
    a class; a full rerun when the card would change: a version it watches moved, the class
    is gone, or the store went down or came back since the card was drawn."""
    seat = st.session_state.get(SEAT)
    if seat is None or seat.teacher:
        return
    cache, now = _cache(), time.monotonic()
    try:
        store = class_store()
        versions = store.versions(seat.code)
        if versions is not None and now - cache.get("touched", 0.0) > TOUCH_EVERY:
            cache["touched"] = now
            store.touch(seat.code, seat.secret)
    except StoreDown:
        if not cache.get("down"):
            st.rerun(scope="app")           # the card says the store is down
        return
    except Refused:
        return
    if cache.get("down") or versions is None \
            or _watched(versions, False) != _watched(cache.get("versions"), False):
        st.rerun(scope="app")


def _tick_in_run() -> None:
    """Called by the live panel on each tick of a run in progress: every STUDENT_EVERY s,
    look for news (see _look_for_news)."""
    cache, now = _cache(), time.monotonic()
    if now - cache.get("tick_in_run", 0.0) < STUDENT_EVERY:
        return
    cache["tick_in_run"] = now
    _look_for_news()


on_tick(_tick_in_run)


@fragment(run_every=STUDENT_EVERY)
def _student_ticker() -> None:
    """Draws nothing: looks for news every STUDENT_EVERY s (see _look_for_news)."""
    _look_for_news()


@fragment
def _student_card() -> None:
    """The student's view of the class, at the top of whatever page they are on: the
    teacher's view to open, the question to answer. A fragment (an answer sent reruns the
    card alone) that never ticks: the ticker redraws the page when the class changed."""
    _card()


def _card() -> None:
    seat, cache = class_seat(), _cache()
    if seat is None or seat.teacher:
        return
    try:
        store = class_store()
        view = _fresh_view(store, seat, cache)
        me = next((m for m in view.members if m.member_id == seat.member_id), None)
        if view.ended or me is None or me.removed:
            raise Refused("The class has ended. Thanks for taking part!" if view.ended else
                          "Your teacher took you out of the class.")
        cache.pop("down", None)
        if time.monotonic() - cache.get("touched", 0.0) > TOUCH_EVERY:
            cache["touched"] = time.monotonic()
            store.touch(seat.code, seat.secret)
    except StoreDown as down:
        cache["down"] = True                    # the ticker redraws the card when it is back
        st.warning(plain(down.message), icon="🔌")
        return
    except Refused as refused:
        _seat_gone(refused.message)
        st.rerun()                              # the sidebar says so and offers to join again
    go = cache.pop("go", None)
    if go is not None:
        _open_page(*go)
    _follow_card(view, cache)
    _question_card(store, seat, view, cache)


def _follow_card(view: ClassView, cache: dict) -> None:
    """'Your teacher is on Broadcasting: open it': one click away, never a jump."""
    sent = view.view or {}
    page = BY_URL_PATH.get(sent.get("url_path"))
    sent_at = sent.get("sent_at", 0)
    if page is None or not page_exists(page.path) or sent_at <= cache.get("followed", 0):
        return
    with st.container(border=True, key="class_follow"):
        text, go, later = st.columns([5, 2, 1], vertical_alignment="center")
        text.markdown(f"🧑‍🏫 Your teacher is on **{page.icon} {plain(page.title)}**")
        go.button("Open it", key="class_follow_open", type="primary", width="stretch",
                  on_click=_follow_clicked, args=(page.url_path, sent.get("link", ""), sent_at))
        later.button("✕", key="class_follow_later", help="Not now",
                     on_click=_follow_later, args=(sent_at,))


def _view_values(url_path: str, link) -> tuple[dict, dict]:
    """The teacher's view link read as the page's own declared settings: ({name: value}
    for apply, {param: text} for the URL). Anything else in the link is dropped; values go
    through each setting's checks, as any link's."""
    settings = BY_PAGE.get(url_path)
    if settings is None or not isinstance(link, str) or len(link) > 4 * MAX_TEXT:
        return {}, {}
    by_key = {s.key: s for s in settings.settings}
    values, params = {}, {}
    for key, text in parse_qsl(urlsplit(link).query)[:40]:
        setting = by_key.get(key)
        if setting is None or setting.widget in ("number", "slider") and setting.min_value is None:
            continue
        try:
            values[setting.name] = setting.from_url(text)
        except ValueError:
            continue
        params[key] = text
    return values, params


def _follow_clicked(url_path: str, link: str, sent_at: float) -> None:
    cache = _cache()
    cache["followed"] = sent_at
    values, params = _view_values(url_path, link)
    try:
        apply(BY_PAGE[url_path], values)
    except (ValueError, KeyError):
        pass                                    # the page's own checks read the link then
    cache["go"] = (BY_URL_PATH[url_path].path, params)


def _open_page(path: str, params: dict) -> None:
    """Open a page of the app with these query parameters (the student's click on 'Open it')."""
    st.switch_page(path, query_params=params)


def _follow_later(sent_at: float) -> None:
    _cache()["followed"] = sent_at


def _mine(store: ClassStore, seat: Seat, qid: int, cache: dict) -> dict | None:
    """This student's answer to question qid (read once, then kept; a reconnect reads it)."""
    answers = cache.setdefault("mine", {})
    if qid not in answers:
        answers[qid] = store.my_answer(seat.code, seat.secret, qid)
    return answers[qid]


def _question_card(store: ClassStore, seat: Seat, view: ClassView, cache: dict) -> None:
    q = view.question
    if q is None:
        return
    question = make_question(q.kind, q.level, q.seed)
    try:
        mine = _mine(store, seat, q.qid, cache)
    except (Refused, StoreDown):
        mine = None
    with st.container(border=True, key="class_question"):
        st.markdown(f"**❓ Your teacher asks** ({KIND_LABELS[q.kind]}): what shape?")
        st.code(question.code, language="python", wrap_lines=True)
        if q.state == "open":
            with st.form(f"class_answer_form_{q.qid}", border=False):
                st.text_input("Your answer: the shape, or error", key=f"class_answer_{q.qid}",
                              max_chars=MAX_ANSWER_TEXT, placeholder="(32, 10)  or  error")
                st.form_submit_button("Send" if mine is None else "Change my answer",
                                      key=f"class_send_{q.qid}", type="primary",
                                      on_click=_answer_clicked, args=(q.qid,))
            note = cache.pop("answer_note", None)
            if note:
                st.warning(plain(note), icon="🤔")
            if mine is not None:
                st.caption(f"Sent: {plain(mine['label'])}. You can change it until your "
                           "teacher locks the question.")
        elif q.state == "locked":
            st.info("🔒 Locked: " + (f"your answer is {plain(mine['label'])}. Wait for the "
                                     "reveal." if mine else "you did not answer this one."))
        else:
            if mine is None:
                st.info(f"The answer: **{question.answer_text}**. You did not answer this one.")
            elif mine.get("correct"):
                st.success(f"Right: **{question.answer_text}**.", icon="🎉")
            else:
                st.error(f"Not quite: you said {plain(mine['label'])}; NumPy gives "
                         f"**{question.answer_text}**.", icon="🤔")
            with st.expander("Why: step by step"):
                st.markdown("\n".join(f"{n}. {line}" for n, line in
                                      enumerate(question.explanation, start=1)))


def _answer_clicked(qid: int) -> None:
    """Send (or change) the answer: marked here by NumPy's judge, kept by the store."""
    seat, cache = class_seat(), _cache()
    view = cache.get("view")
    if seat is None or view is None or view.question is None or view.question.qid != qid:
        return
    q = view.question
    text = st.session_state.get(f"class_answer_{qid}", "")
    verdict = mark(make_question(q.kind, q.level, q.seed), text)
    if not verdict.readable:
        cache["answer_note"] = verdict.message
        return
    label = "error" if verdict.given is None else format_shape(verdict.given)
    try:
        class_store().answer(seat.code, seat.secret, qid, text.strip(), label, verdict.correct)
    except (Refused, StoreDown) as err:
        cache["answer_note"] = err.message
        return
    cache.setdefault("mine", {})[qid] = {"text": text.strip(), "label": label,
                                         "correct": verdict.correct}


# ---------------------------------------------------------------- the teacher, on any page

def _quiz_key(url_path: str) -> str | None:
    """The key of the shape quiz a page shows (its declared question number's key, minus
    '_seed'), or None. The Class page's own number is the poll's, not a quiz on screen."""
    settings = BY_PAGE.get(url_path)
    if settings is None or url_path == CLASS_PAGE:
        return None
    return next((s.key[:-len("_seed")] for s in settings.settings
                 if s.name == "question" and s.key.endswith("_seed")), None)


def _teacher_sidebar(seat: Seat, url_path: str) -> None:
    with st.container(border=True):
        st.markdown(f"🧑‍🏫 Teaching class **{seat.code}**")
        _say()
        if url_path != CLASS_PAGE:
            st.page_link(f"pages/{CLASS_PAGE}.py", label="Back to the class", icon="🙋")
            st.button("📣 Send this view to the class", key="class_send_view", width="stretch",
                      on_click=_send_view, args=(url_path,),
                      help="Each student gets a button that opens this page as you see it.")
            if _quiz_key(url_path):
                st.button("❓ Ask the class this question", key="class_ask_here",
                          width="stretch", on_click=_ask_page_question, args=(url_path,),
                          help="The question of this page's shape quiz, as a class poll.")


def _send_view(url_path: str) -> None:
    seat = class_seat()
    page = BY_URL_PATH.get(url_path)
    if seat is None or not seat.teacher or page is None:
        return
    params = view_params(url_path, st.session_state)
    link = page_path(url_path) + (("?" + query_string(params)) if params else "")
    _act(class_store().send_view, seat.code, seat.secret, url_path, page.title, link,
         done=f"Sent: your students see a button that opens {page.title}.")


def _ask_page_question(url_path: str) -> None:
    seat, key = class_seat(), _quiz_key(url_path)
    question = st.session_state.get(f"{key}_question") if key else None
    if seat is None or not seat.teacher or question is None or question.seed is None:
        _note("warning", "This page shows no question to ask yet.")
        return
    _act(class_store().put_question, seat.code, seat.secret, question.kind, question.level,
         question.seed, url_path,
         done="Asked: the question is on every student's page. The Class page shows the "
              "answers.")


# ---------------------------------------------------------------- the teacher's Class page

def class_teacher() -> tuple[ClassStore | None, Seat | None]:
    """For the Class page: (store, the teacher's seat) when this session teaches a class
    (its key checked by the store on every full run of the page); (store, None) when not;
    (None, None) when the store is down (the page says so)."""
    try:
        store = class_store()
    except StoreDown as down:
        st.error(plain(down.message), icon="🔌")
        return None, None
    seat = class_seat()
    if seat is not None and seat.teacher:
        try:
            if not store.is_teacher(seat.code, seat.secret):
                _seat_gone("This session does not hold the class's teacher key.", "warning")
                seat = None
        except StoreDown as down:
            st.error(plain(down.message), icon="🔌")
            return None, None
        except Refused as refused:
            _seat_gone(refused.message)
            seat = None
    _say(PAGE_NOTE)
    return store, (seat if seat is not None and seat.teacher else None)


def class_start(store: ClassStore) -> bool:
    """Not teaching: a student is told where they are (False); anyone else gets "Start a
    class" and what happens then (True: the page draws the first question's chooser)."""
    seat = class_seat()
    if seat is not None:
        st.info(f"You are in class **{seat.code}** as a student: the question your teacher "
                "puts up appears at the top of every page. To teach a class yourself, leave "
                "this one first (in the sidebar).", icon="🙋")
        return False
    st.button("🚀 Start a class", key="class_start", type="primary", on_click=_start_clicked,
              args=(store,))
    st.markdown(
        "You get a join code and a QR code to put on the projector. Students open the app, "
        "type the code in the sidebar (**🙋 Join a class**) or scan the QR code, and get a "
        "nickname they can change. Then put a shape question to the whole room: every "
        "student sees it on whatever page they are on, answers, and can change the answer "
        "until you lock it; the projector shows how many have answered and, when you reveal "
        "it, how the answers spread. No points for speed, no names unless you turn them on.")
    st.caption("The first question, ready for when the class has started (a link to this "
               "page can choose it):")
    return True


def _start_clicked(store: ClassStore) -> None:
    result = _act(store.create_class, where=PAGE_NOTE)
    if result is None:
        return
    code, key = result
    _seat_taken(Seat(code, "teacher", key))
    _cookie_out(TEACHER_COOKIE, f"{code}.{key}")


def _join_url(code: str) -> str:
    return full_url(f"./?{query_string({JOIN_PARAM: code})}", here=CLASS_PAGE)


@st.cache_data(max_entries=64, show_spinner=False)
def _qr_png(url: str) -> bytes:
    """The join link as a QR code, a PNG made in memory (segno, pure Python)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


_CODE_STYLE = """<style>
.st-key-class_code h1 { font-size: 3.3rem; letter-spacing: 0.06em; font-family: monospace;
  padding: 0; line-height: 1.1; white-space: nowrap; }
.st-key-class_code [data-testid="stImage"] img { image-rendering: pixelated; }
</style>"""


def class_join_card(seat: Seat) -> None:
    """What the projector shows for joining: the code, large; the QR code of the join link;
    the link itself."""
    st.html(_CODE_STYLE)
    url = _join_url(seat.code)
    with st.container(key="class_code"):
        st.caption("Join code")
        st.markdown(f"# {seat.code}")
        st.image(_qr_png(url), width=height(220, 190), caption="Scan to join")
        st.caption(f"or open {plain(url.split('?')[0])} and type the code in the sidebar")


def class_poll_controls(store: ClassStore, seat: Seat) -> None:
    """'Ask the class': the question chosen in the popover beside it (kind, level, number:
    the page's declared settings, bound to the URL) goes to every student. Folded into a
    popover whose label names the question, so the projector keeps its room for the room."""
    kind, level, seed = (setting_value(CLASS_ROOM[name]) for name in ("kind", "level",
                                                                       "question"))
    label = (f"❓ {KIND_LABELS.get(kind, kind)} · {CLASS_ROOM['level'].label_of(level)} · "
             f"question {seed}")
    choose, ask = st.columns([3, 2], vertical_alignment="center")
    with choose.popover(label, width="stretch"):
        values = settings_row(CLASS_ROOM, ("kind", "level", "question"))
    ask.button("📣 Ask the class", key="class_ask", type="primary", on_click=_ask,
               args=(store, seat, values["kind"], values["level"], values["question"]),
               width="stretch",
               help="Puts this question on every student's page; the last question closes.")


def _ask(store: ClassStore, seat: Seat, kind: str, level: str, seed: int) -> None:
    _act(store.put_question, seat.code, seat.secret, kind, level, int(seed), where=PAGE_NOTE)
    _cache().pop("tally", None)


def _next(store: ClassStore, seat: Seat) -> None:
    """Next question: a new number, same kind and level, put at once."""
    seed = new_seed()
    apply(CLASS_ROOM, {"question": seed})
    _ask(store, seat, setting_value(CLASS_ROOM["kind"]), setting_value(CLASS_ROOM["level"]),
         seed)


@fragment(run_every=TEACHER_EVERY)
def class_teacher_live(store: ClassStore, seat: Seat) -> None:
    """The projector's live part: who is here, the question, answered n of m, and after
    the reveal the answers' chart and the explanation. Reads the class only on a change."""
    cache = _cache()
    try:
        view = _fresh_view(store, seat, cache)
        if view.ended:                          # ended from another of the teacher's devices
            raise Refused(f"Class {seat.code} has ended.")
        q = view.question
        if q is not None and "tally" not in cache:
            cache["tally"] = (q.qid, store.tally(seat.code, q.qid))
        if q is not None and view.names_visible and "who" not in cache:
            cache["who"] = (q.qid, store.answers(seat.code, seat.secret, q.qid))
    except StoreDown as down:
        st.error(plain(down.message), icon="🔌")
        return
    except Refused as refused:
        _seat_gone(refused.message)
        st.rerun()
    _say(PAGE_NOTE)
    here = [m for m in view.members if m.present and not m.removed]
    away = [m for m in view.members if not m.present and not m.removed]
    tally = cache["tally"][1] if q is not None and cache.get("tally", (None,))[0] == q.qid \
        else {}
    answered = sum(tally.values())
    count, progress = st.columns(2)
    count.metric("Here", len(here))
    progress.metric("Answered", answered_of(answered, len(here)) if q is not None else "–")
    if q is None:
        st.info("No question yet: choose one above and press **📣 Ask the class**.")
    else:
        _teacher_question(store, seat, view, q, tally, cache)
    st.caption("**Here:** " + (" · ".join(plain(m.nickname) for m in here) or "nobody yet")
               + ("  \n**Away or left:** " + " · ".join(plain(m.nickname) for m in away)
                  if away else ""))


def _teacher_question(store, seat, view, q, tally, cache) -> None:
    question = make_question(q.kind, q.level, q.seed)
    where = f" from {BY_URL_PATH[q.page].title}" if q.page in BY_URL_PATH else ""
    status = {"open": "open: answers may change", "locked": "🔒 locked",
              "revealed": "👀 revealed"}[q.state]
    st.caption(f"Question {q.qid}{where} · {KIND_LABELS[q.kind]} · {status}")
    revealed = q.state == "revealed"
    code, side = st.columns([2, 3] if revealed else [3, 2])
    code.code(question.code, language="python", wrap_lines=True)
    with side if not revealed else code:
        if q.state == "open":
            st.button("🔒 Lock", key="class_lock", width="stretch",
                      on_click=_act, args=(store.lock_question, seat.code, seat.secret, q.qid),
                      kwargs={"where": PAGE_NOTE}, help="No more answers or changes.")
        if not revealed:
            st.button("👀 Reveal", key="class_reveal", type="primary", width="stretch",
                      on_click=_act, args=(store.reveal_question, seat.code, seat.secret,
                                           q.qid), kwargs={"where": PAGE_NOTE},
                      help="Shows the answers' spread and the right one (and locks).")
        st.button("➡️ Next question", key="class_next", width="stretch", on_click=_next,
                  args=(store, seat))
    if revealed:
        with side:
            # built once per tally: the live part ticks every second and a class trains
            # beside it (building it was 2.6% of the server's lock time during a class)
            made = (q.qid, tuple(sorted(tally.items())), question.answer_text, height(300, 250))
            if cache.get("poll_figure", (None,))[0] != made:
                cache["poll_figure"] = (made, poll_bars(tally, question.answer_text,
                                                        height=made[-1]))
            plotly(cache["poll_figure"][1], key="class_poll_chart")
        with st.expander(f"Why: step by step (answer: {question.answer_text})"):
            st.markdown("\n".join(f"{n}. {line}" for n, line in
                                  enumerate(question.explanation, start=1)))
    who = cache.get("who")
    if view.names_visible and who is not None and who[0] == q.qid:
        rows = who[1]
        if q.state == "revealed":
            st.caption(" · ".join(f"{plain(r['nickname'])}: {plain(r['label'])}"
                                  for r in rows) or "No answers.")
        else:
            st.caption("Answered: " + (" · ".join(plain(r["nickname"]) for r in rows)
                                       or "nobody yet"))


def class_tools(store: ClassStore, seat: Seat) -> None:
    """Below the live part: names on or off, remove a student, the answers as CSV, the
    teacher link (hidden until asked for), end the class."""
    view = _cache().get("view")
    members = [m for m in view.members if not m.removed] if view is not None else []
    names_on = bool(view.names_visible) if view is not None else False
    left, middle, right = st.columns(3)
    with left:
        st.toggle("Show names on the projector", value=names_on, key=f"class_names_{names_on}",
                  on_change=_names_changed, args=(store, seat, not names_on),
                  help="Off: counts only. On: who answered, and after the reveal, what.")
        by_id = {m.member_id: m.nickname for m in members}
        with st.popover("Remove a student", width="stretch", disabled=not members):
            st.selectbox("Student", list(by_id), format_func=by_id.get, index=None,
                         key="class_remove_who", placeholder="Choose a nickname")
            st.button("Remove", key="class_remove", on_click=_remove_clicked,
                      args=(store, seat))
    with middle:
        st.download_button("⬇️ Every answer (CSV)", key="class_csv", width="stretch",
                           data=lambda: answers_csv(store.answers(seat.code, seat.secret)),
                           file_name=f"class-{seat.code}-answers.csv", mime="text/csv",
                           on_click="ignore")
        with st.popover("🛑 End the class", width="stretch"):
            st.markdown("Everyone leaves the class. Download the answers first if you want "
                        "them.")
            st.button("End it now", key="class_end", type="primary", on_click=_end_clicked,
                      args=(store, seat))
    with right:
        if st.toggle("🔑 Show the teacher link", key="class_show_key", value=False,
                     help="To run this class from another device."):
            link = full_url(f"./?{query_string({TEACHER_PARAM: f'{seat.code}.{seat.secret}'})}",
                            here=CLASS_PAGE)
            st.code(link, language=None, wrap_lines=True)
            st.caption("Keep it secret: whoever opens it runs the class. Opened on another "
                       "device, that device becomes the teacher too.")


def _remove_clicked(store: ClassStore, seat: Seat) -> None:
    who = st.session_state.get("class_remove_who")
    if isinstance(who, str):
        _act(store.remove_member, seat.code, seat.secret, who, where=PAGE_NOTE,
             done="Removed: that student is out of the class.")
        st.session_state["class_remove_who"] = None


def _names_changed(store: ClassStore, seat: Seat, on: bool) -> None:
    _act(store.set_names_visible, seat.code, seat.secret, on, where=PAGE_NOTE)
    _cache().pop("who", None)


def _end_clicked(store: ClassStore, seat: Seat) -> None:
    if _act(store.end_class, seat.code, seat.secret, where=PAGE_NOTE) is not None:
        _seat_gone(f"Class {seat.code} has ended.")


CSV_COLUMNS = ("question", "kind", "level", "seed", "code", "right answer", "nickname",
               "answer", "read as", "correct")


def answers_csv(rows: list[dict]) -> str:
    """Every question and answer of the class as CSV (one row per answer). Cells are text
    from the store; a cell that a spreadsheet would run as a formula is quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        try:
            question = make_question(row["kind"], row["level"], row["seed"])
            code, right = question.code.replace("\n", "; "), question.answer_text
        except (KeyError, ValueError):
            code, right = "", ""
        writer.writerow([_cell(v) for v in (
            row.get("qid"), row.get("kind"), row.get("level"), row.get("seed"), code, right,
            row.get("nickname"), row.get("text"), row.get("label"),
            "yes" if row.get("correct") else "no")])
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

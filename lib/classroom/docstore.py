"""The semantics of a class, written once for both backends.

A class is a few small JSON documents ("parts") plus a meta row (created_at, last_active,
key_hash and the three version numbers):

- "state": members, seats (hash -> member_id), questions, names_visible, view, split, ended;
- "a:<member_id>": that student's answers {qid: {"text","label","correct","at"}};
- "r:<member_id>": that student's runs {run_id: {"settings","epochs","done","started_at"}};
- "w:<member_id>": that student's recent write times (the rate limit).

A backend supplies four primitives: `_create` (a new class, under the cap), `_versions` (one
cheap read), `_transact` (run a function on a Txn atomically: SQLite in one BEGIN IMMEDIATE
transaction, Redis by compare-and-set on each part's revision in a Lua script, retried) and
`_expire`. Every rule (who may do what, caps, rate limit, dedupe, versions) lives here, so the
two backends cannot disagree.
"""
from __future__ import annotations

import abc
import hashlib
import hmac
import math
import random
import re
import secrets
import time
from typing import Any, Callable

from lib.classroom import names
from lib.classroom.base import (ENDED, EXPIRE_S, MAX_EPOCH, MAX_EPOCHS_PER_RUN,
                                MAX_GROUPS, MAX_LABEL, MAX_LINK, MAX_MEMBERS, MAX_NICKNAME,
                                MAX_QUESTIONS, MAX_RUNS_PER_SEAT, MAX_SETTING_TEXT, MAX_SETTINGS,
                                MAX_STUDENTS, MAX_TITLE, NOT_TEACHER, PRESENT_S, RATE_REPORTS,
                                RATE_WINDOW_S, RATE_WRITES, TOO_FAST, TOUCH_S, ClassStore,
                                ClassView, Member, Question, Refused, Versions)
from lib.quiz.core import MAX_ANSWER_TEXT, MAX_SEED

BUMPS = ("state", "answers", "runs")
NOT_IN = "You are not in this class: join it with its code."
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_PATH_RE = re.compile(r"[A-Za-z0-9_\-/]{0,100}")
_LINK_RE = re.compile(r"[A-Za-z0-9_\-/?&=%.,:+~()\[\]*]*")      # a view_url: shapes readable
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_RUN_RE = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_MEMBER_RE = re.compile(r"m[0-9a-f]{10}")


def digest(secret: str) -> str:
    """How a key or a seat is kept: its SHA-256, never the secret itself."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _text(value, limit: int, what: str) -> str:
    """Plain text from a caller: a str, at most `limit` characters, control characters gone."""
    if not isinstance(value, str):
        raise Refused(f"The {what} must be text.")
    if len(value) > limit:
        raise Refused(f"The {what} has at most {limit} characters.")
    return "".join(c for c in value if c.isprintable())


def _int(value, lo: int, hi: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Refused(f"The {what} must be a whole number from {lo} to {hi}.")
    return value


def _number(value, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Refused(f"The {what} must be a number.")
    return float(value)


def clean_settings(settings) -> dict:
    """A settings dict from a caller: at most MAX_SETTINGS identifier keys; values None, bool,
    int, float or short text. Anything else is Refused (nothing is ever eval'ed)."""
    if not isinstance(settings, dict) or len(settings) > MAX_SETTINGS:
        raise Refused(f"Settings are at most {MAX_SETTINGS} names with plain values.")
    out = {}
    for k, v in settings.items():
        if not isinstance(k, str) or not _KEY_RE.fullmatch(k):
            raise Refused("A setting's name is a short word (letters, digits, _).")
        if v is None or isinstance(v, (bool, int)):
            out[k] = v
        elif isinstance(v, float):
            out[k] = v if math.isfinite(v) else None
        elif isinstance(v, str):
            out[k] = _text(v, MAX_SETTING_TEXT, "setting's value")
        else:
            raise Refused("A setting's value is a number, a word, yes/no or nothing.")
    return out


class Txn(abc.ABC):
    """One atomic unit of work on one class: read parts, put parts, bump versions. A backend
    subclasses it with `_load`; the store commits `writes`, `bumps` and `meta_sets`."""

    def __init__(self, now: float, meta: dict | None):
        self.now = now
        self.meta = meta        # created_at, last_active, key_hash, v_state, v_answers, v_runs
        self.docs: dict[str, Any] = {}
        self.writes: dict[str, Any] = {}
        self.bumps: set[str] = set()

    @abc.abstractmethod
    def _load(self, names_: list[str]) -> dict[str, Any]:
        """Each named part's document (None if missing)."""

    def get(self, name: str):
        if name not in self.docs:
            self.docs.update(self._load([name]))
        return self.docs[name]

    def get_many(self, names_: list[str]) -> dict[str, Any]:
        missing = [n for n in names_ if n not in self.docs]
        if missing:
            self.docs.update(self._load(missing))
        return {n: self.docs[n] for n in names_}

    def put(self, name: str, doc) -> None:
        self.docs[name] = doc
        self.writes[name] = doc

    def bump(self, *which: str) -> None:
        assert all(w in BUMPS for w in which), which
        self.bumps.update(which)

    @property
    def dirty(self) -> bool:
        return bool(self.writes or self.bumps)


class DocStore(ClassStore):
    """ClassStore's methods on top of the backend's primitives."""

    def __init__(self, clock: Callable[[], float] = time.time, rng: random.Random | None = None):
        self.clock = clock
        self._rng = rng or random.SystemRandom()

    # ------------------------------------------------------------------ backend primitives
    @abc.abstractmethod
    def _create(self, code: str, key_hash: str, state: dict, now: float) -> bool:
        """Make the class unless the code is taken (False). Refused when MAX_CLASSES classes
        are alive (after dropping expired ones)."""

    @abc.abstractmethod
    def _versions(self, code: str) -> tuple[int, int, int, float] | None:
        """(v_state, v_answers, v_runs, last_active) in one read, or None."""

    @abc.abstractmethod
    def _transact(self, code: str, fn: Callable[[Txn], Any], write: bool) -> Any:
        """fn(txn) atomically (it may run again on a conflict); commit its writes when `write`;
        a write also sets last_active = txn.now. An exception rolls everything back."""

    @abc.abstractmethod
    def _expire(self, cutoff: float) -> int:
        """Drop every class whose last_active < cutoff; return how many."""

    # ------------------------------------------------------------------ helpers
    def _state(self, txn: Txn, code: str) -> dict:
        if txn.meta is None:
            raise Refused(f"No class has the code {code}.")
        if txn.now - txn.meta["last_active"] > EXPIRE_S:
            raise Refused(f"The class {code} has expired: it had no activity for "
                          f"{EXPIRE_S / 3600:g} hours.")
        state = txn.get("state")
        if state is None:       # a half-made class (cannot happen: _create writes both)
            raise Refused(f"No class has the code {code}.")
        return state

    def _live(self, txn: Txn, code: str) -> dict:
        state = self._state(txn, code)
        if state["ended"]:
            raise Refused(ENDED)
        return state

    @staticmethod
    def _check_key(txn: Txn, key) -> None:
        try:
            given = digest(names.read_key(key))
        except Refused:
            raise Refused(NOT_TEACHER) from None
        if not hmac.compare_digest(given, txn.meta["key_hash"]):
            raise Refused(NOT_TEACHER)

    def _teacher(self, txn: Txn, code: str, key, live: bool = True) -> dict:
        state = self._live(txn, code) if live else self._state(txn, code)
        self._check_key(txn, key)
        return state

    @staticmethod
    def _seat(state: dict, seat) -> tuple[str, dict]:
        try:
            h = digest(names.read_key(seat, "seat"))
        except Refused:
            raise Refused(NOT_IN) from None
        mid = state["seats"].get(h)
        if mid is None:
            raise Refused(NOT_IN)
        member = state["members"][mid]
        if not hmac.compare_digest(member["seat"], h):
            raise Refused(NOT_IN)
        if member["removed"]:
            raise Refused("The teacher took you out of this class.")
        return mid, member

    def _student(self, txn: Txn, code: str, seat) -> tuple[dict, str, dict]:
        state = self._live(txn, code)
        mid, member = self._seat(state, seat)
        return state, mid, member

    @staticmethod
    def _spend(txn: Txn, mid: str, bucket: str, limit: int) -> None:
        part = f"w:{mid}"
        w = txn.get(part) or {}
        stamps = [t for t in w.get(bucket, []) if txn.now - t < RATE_WINDOW_S]
        if len(stamps) >= limit:
            raise Refused(TOO_FAST)
        w[bucket] = stamps + [txn.now]
        txn.put(part, w)

    @staticmethod
    def _unique(nick: str, state: dict, me: str | None) -> str:
        taken = {m["nick"].casefold() for mid, m in state["members"].items()
                 if mid != me and not m["removed"]}
        if nick.casefold() not in taken:
            return nick
        for i in range(2, MAX_MEMBERS + 3):
            suffix = f" {i}"
            candidate = nick[:MAX_NICKNAME - len(suffix)].rstrip() + suffix
            if candidate.casefold() not in taken:
                return candidate
        raise Refused("Choose another nickname.")      # unreachable: more tries than members

    @staticmethod
    def _member(mid: str, m: dict, now: float) -> Member:
        present = not m["left"] and not m["removed"] and now - m["last_seen"] <= PRESENT_S
        return Member(member_id=mid, nickname=m["nick"], group=m["group"],
                      joined_at=m["joined_at"], last_seen=m["last_seen"], present=present,
                      removed=m["removed"], left=m["left"])

    @staticmethod
    def _question(q: dict) -> Question:
        return Question(qid=q["qid"], kind=q["kind"], level=q["level"], seed=q["seed"],
                        page=q["page"], state=q["state"], put_at=q["put_at"])

    @staticmethod
    def _find_question(state: dict, qid) -> dict:
        if isinstance(qid, bool) or not isinstance(qid, int) \
                or not 1 <= qid <= len(state["questions"]):
            raise Refused("This class has no such question.")
        return state["questions"][qid - 1]

    # ------------------------------------------------------------------ teacher
    def create_class(self) -> tuple[str, str]:
        key = names.new_key()
        now = self.clock()
        state = {"ended": False, "names_visible": False, "members": {}, "seats": {},
                 "questions": [], "view": None, "split": None}
        for _ in range(20):
            code = names.new_code()
            if self._create(code, digest(key), state, now):
                return code, key
        raise Refused("Could not find a free class code: try again.")

    def is_teacher(self, code, key) -> bool:
        """True only for the class's own key; False for a wrong or malformed key, or a class
        that does not exist or has expired."""
        try:
            code = names.read_code(code)

            def fn(txn):
                self._state(txn, code)
                self._check_key(txn, key)
                return True
            return self._transact(code, fn, write=False)
        except Refused:
            return False

    def end_class(self, code, key) -> None:
        code = names.read_code(code)

        def fn(txn):
            state = self._teacher(txn, code, key, live=False)
            if not state["ended"]:
                state["ended"] = True
                txn.put("state", state)
                txn.bump("state")
        self._transact(code, fn, write=True)

    def remove_member(self, code, key, member_id) -> None:
        code = names.read_code(code)

        def fn(txn):
            state = self._teacher(txn, code, key)
            m = state["members"].get(member_id) if isinstance(member_id, str) else None
            if m is None:
                raise Refused("This class has no such student.")
            if not m["removed"]:
                m["removed"] = True
                txn.put("state", state)
                txn.bump("state", "answers", "runs")
        self._transact(code, fn, write=True)

    def put_question(self, code, key, kind, level, seed, page=None) -> int:
        code = names.read_code(code)
        if not isinstance(kind, str) or not _NAME_RE.fullmatch(kind):
            raise Refused("That is not a kind of question.")
        if not isinstance(level, str) or not _NAME_RE.fullmatch(level):
            raise Refused("That is not a level.")
        seed = _int(seed, 0, MAX_SEED, "seed")
        if page is not None and (not isinstance(page, str) or not _PATH_RE.fullmatch(page)):
            raise Refused("That is not a page of Tensor Lab.")

        def fn(txn):
            state = self._teacher(txn, code, key)
            qs = state["questions"]
            if len(qs) >= MAX_QUESTIONS:
                raise Refused(f"A class can have {MAX_QUESTIONS} questions: start a new class "
                              "for more.")
            for q in qs:
                if q["state"] == "open":
                    q["state"] = "locked"
            qid = len(qs) + 1
            qs.append({"qid": qid, "kind": kind, "level": level, "seed": seed, "page": page,
                       "state": "open", "put_at": txn.now})
            txn.put("state", state)
            txn.bump("state")
            return qid
        return self._transact(code, fn, write=True)

    def _move_question(self, code, key, qid, to: str) -> None:
        code = names.read_code(code)

        def fn(txn):
            state = self._teacher(txn, code, key)
            q = self._find_question(state, qid)
            order = ("open", "locked", "revealed")
            if order.index(q["state"]) < order.index(to):
                q["state"] = to
                txn.put("state", state)
                txn.bump("state")
        self._transact(code, fn, write=True)

    def lock_question(self, code, key, qid) -> None:
        self._move_question(code, key, qid, "locked")

    def reveal_question(self, code, key, qid) -> None:
        self._move_question(code, key, qid, "revealed")

    def set_names_visible(self, code, key, on) -> None:
        code = names.read_code(code)
        on = bool(on)

        def fn(txn):
            state = self._teacher(txn, code, key)
            if state["names_visible"] != on:
                state["names_visible"] = on
                txn.put("state", state)
                txn.bump("state")
        self._transact(code, fn, write=True)

    def send_view(self, code, key, url_path, title, link) -> None:
        """Send the teacher's view to the class; an empty url_path takes it back."""
        code = names.read_code(code)
        if not isinstance(url_path, str) or not _PATH_RE.fullmatch(url_path):
            raise Refused("That is not a page of Tensor Lab.")
        title = _text(title, MAX_TITLE, "title")
        if not isinstance(link, str) or len(link) > MAX_LINK or not _LINK_RE.fullmatch(link) \
                or link.startswith("//") or _SCHEME_RE.match(link):
            raise Refused("That is not a link inside Tensor Lab.")

        def fn(txn):
            state = self._teacher(txn, code, key)
            state["view"] = ({"url_path": url_path, "title": title, "link": link,
                              "sent_at": txn.now} if url_path else None)
            txn.put("state", state)
            txn.bump("state")
        self._transact(code, fn, write=True)

    def split_room(self, code, key, groups) -> None:
        """Give the students (in join order, present ones) groups i % n with these settings;
        an empty list ends the split. Students who join later get the next group."""
        code = names.read_code(code)
        if not isinstance(groups, (list, tuple)) or len(groups) > MAX_GROUPS:
            raise Refused(f"The room splits into at most {MAX_GROUPS} groups.")
        groups = [clean_settings(g) for g in groups]

        def fn(txn):
            state = self._teacher(txn, code, key)
            active = [m for m in state["members"].values() if not m["removed"]]
            if groups:
                state["split"] = {"groups": groups, "sent_at": txn.now}
                i = 0
                for m in active:
                    if not m["left"]:
                        m["group"] = i % len(groups)
                        i += 1
                    else:
                        m["group"] = None
            else:
                state["split"] = None
                for m in active:
                    m["group"] = None
            txn.put("state", state)
            txn.bump("state")
        self._transact(code, fn, write=True)

    def answers(self, code, key, qid=None) -> list[dict]:
        """Every answer (of one question, or all), for the teacher's table and CSV: rows
        {"qid","kind","level","seed","member_id","nickname","text","label","correct","at"}
        in question order, then join order. Removed students' answers are left out."""
        code = names.read_code(code)

        def fn(txn):
            state = self._teacher(txn, code, key, live=False)
            qs = state["questions"] if qid is None else [self._find_question(state, qid)]
            mids = [mid for mid, m in state["members"].items() if not m["removed"]]
            parts = txn.get_many([f"a:{mid}" for mid in mids])
            rows = []
            for q in qs:
                for mid in mids:
                    a = (parts[f"a:{mid}"] or {}).get(str(q["qid"]))
                    if a:
                        rows.append({"qid": q["qid"], "kind": q["kind"], "level": q["level"],
                                     "seed": q["seed"], "member_id": mid,
                                     "nickname": state["members"][mid]["nick"],
                                     "text": a["text"], "label": a["label"],
                                     "correct": a["correct"], "at": a["at"]})
            return rows
        return self._transact(code, fn, write=False)

    # ------------------------------------------------------------------ student
    def join(self, code, nickname=None) -> tuple[str, Member]:
        code = names.read_code(code)
        nick = names.clean_nickname(nickname) if nickname is not None else None

        def fn(txn):
            state = self._live(txn, code)
            members = state["members"]
            active = [m for m in members.values() if not m["removed"] and not m["left"]]
            if len(active) >= MAX_STUDENTS or len(members) >= MAX_MEMBERS:
                raise Refused(f"The class is full ({MAX_STUDENTS} students).")
            name = self._unique(nick or names.new_nickname(self._rng), state, None)
            seat = names.new_key()
            mid = "m" + secrets.token_hex(5)
            while mid in members:
                mid = "m" + secrets.token_hex(5)
            split = state["split"]
            group = len(active) % len(split["groups"]) if split else None
            members[mid] = {"nick": name, "seat": digest(seat), "group": group,
                            "joined_at": txn.now, "last_seen": txn.now,
                            "left": False, "removed": False}
            state["seats"][digest(seat)] = mid
            txn.put("state", state)
            txn.bump("state")
            return seat, self._member(mid, members[mid], txn.now)
        return self._transact(code, fn, write=True)

    def rejoin(self, code, seat) -> Member:
        code = names.read_code(code)

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            if not m["left"] and txn.now - m["last_seen"] < TOUCH_S:
                return self._member(mid, m, txn.now)           # here already: no write
            was_present = not m["left"] and txn.now - m["last_seen"] <= PRESENT_S
            if m["left"]:
                active = [x for x in state["members"].values()
                          if not x["removed"] and not x["left"]]
                if len(active) >= MAX_STUDENTS:
                    raise Refused(f"The class is full ({MAX_STUDENTS} students).")
                split = state["split"]
                if split and m["group"] is None:
                    m["group"] = len(active) % len(split["groups"])
            m["left"] = False
            m["last_seen"] = txn.now
            txn.put("state", state)
            if not was_present:
                txn.bump("state")
            return self._member(mid, m, txn.now)
        return self._transact(code, fn, write=True)

    def rename(self, code, seat, nickname) -> Member:
        code = names.read_code(code)
        nick = names.clean_nickname(nickname)

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            name = self._unique(nick, state, mid)
            if name != m["nick"]:
                self._spend(txn, mid, "w", RATE_WRITES)
                m["nick"] = name
                txn.put("state", state)
                txn.bump("state")
            return self._member(mid, m, txn.now)
        return self._transact(code, fn, write=True)

    def leave(self, code, seat) -> None:
        code = names.read_code(code)

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            if not m["left"]:
                m["left"] = True
                txn.put("state", state)
                txn.bump("state")
        self._transact(code, fn, write=True)

    def touch(self, code, seat) -> None:
        """The student is still here: writes last_seen at most every TOUCH_S; bumps the state
        version only when the student comes back from away (a left student stays left)."""
        code = names.read_code(code)

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            if m["left"] or txn.now - m["last_seen"] < TOUCH_S:
                return
            away = txn.now - m["last_seen"] > PRESENT_S
            m["last_seen"] = txn.now
            txn.put("state", state)
            if away:
                txn.bump("state")
        self._transact(code, fn, write=True)

    def answer(self, code, seat, qid, text, label, correct) -> None:
        code = names.read_code(code)
        text = _text(text, MAX_ANSWER_TEXT, "answer")
        label = _text(label, MAX_LABEL, "answer's label")
        if not isinstance(correct, bool):
            raise Refused("An answer is right or wrong.")

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            q = self._find_question(state, qid)
            if q["qid"] != len(state["questions"]):
                raise Refused("That question is over: the teacher has put up another one.")
            if q["state"] != "open":
                raise Refused("Answers to this question are closed.")
            part = f"a:{mid}"
            mine = txn.get(part) or {}
            old = mine.get(str(q["qid"]))
            if old and (old["text"], old["label"], old["correct"]) == (text, label, correct):
                return
            self._spend(txn, mid, "w", RATE_WRITES)
            mine[str(q["qid"])] = {"text": text, "label": label, "correct": correct,
                                   "at": txn.now}
            txn.put(part, mine)
            txn.bump("answers")
        self._transact(code, fn, write=True)

    def my_answer(self, code, seat, qid) -> dict | None:
        code = names.read_code(code)

        def fn(txn):
            state = self._state(txn, code)
            mid, _ = self._seat(state, seat)
            q = self._find_question(state, qid)
            a = (txn.get(f"a:{mid}") or {}).get(str(q["qid"]))
            return None if a is None else {k: a[k] for k in ("text", "label", "correct")}
        return self._transact(code, fn, write=False)

    def report_epoch(self, code, seat, run_id, settings, epoch, loss, test_acc,
                     done=False) -> None:
        """One epoch of a student's run (a repeated epoch replaces the earlier report). A seat
        keeps its last MAX_RUNS_PER_SEAT runs; a run at most MAX_EPOCHS_PER_RUN epochs."""
        code = names.read_code(code)
        if not isinstance(run_id, str) or not _RUN_RE.fullmatch(run_id):
            raise Refused("That is not a run's name.")
        settings = clean_settings(settings)
        epoch = _int(epoch, 0, MAX_EPOCH, "epoch")
        loss = _number(loss, "loss")
        test_acc = _number(test_acc, "test accuracy", optional=True)
        done = bool(done)

        def fn(txn):
            state, mid, m = self._student(txn, code, seat)
            self._spend(txn, mid, "r", RATE_REPORTS)
            part = f"r:{mid}"
            runs = txn.get(part) or {}
            run = runs.get(run_id)
            if run is None:
                while len(runs) >= MAX_RUNS_PER_SEAT:
                    runs.pop(next(iter(runs)))
                run = runs[run_id] = {"settings": settings, "epochs": [], "done": False,
                                      "started_at": txn.now}
            epochs = [e for e in run["epochs"] if e[0] != epoch]
            if len(epochs) >= MAX_EPOCHS_PER_RUN:
                raise Refused(f"A run reports at most {MAX_EPOCHS_PER_RUN} epochs.")
            epochs.append([epoch, loss, test_acc])
            run["epochs"] = sorted(epochs, key=lambda e: e[0])
            run["done"] = run["done"] or done
            txn.put(part, runs)
            txn.bump("runs")
        self._transact(code, fn, write=True)

    # ------------------------------------------------------------------ reads
    def versions(self, code) -> Versions | None:
        row = self._versions(names.read_code(code))
        if row is None or self.clock() - row[3] > EXPIRE_S:
            return None
        return Versions(state=row[0], answers=row[1], runs=row[2])

    def view(self, code) -> ClassView:
        code = names.read_code(code)

        def fn(txn):
            state = self._state(txn, code)
            meta = txn.meta
            qs = tuple(self._question(q) for q in state["questions"])
            return ClassView(
                code=code, created_at=meta["created_at"], ended=state["ended"],
                names_visible=state["names_visible"],
                members=tuple(self._member(mid, m, txn.now)
                              for mid, m in state["members"].items()),
                question=qs[-1] if qs else None, view=state["view"], split=state["split"],
                versions=Versions(meta["v_state"], meta["v_answers"], meta["v_runs"]),
                questions=qs)
        return self._transact(code, fn, write=False)

    def tally(self, code, qid) -> dict[str, int]:
        """label -> how many students gave it (removed students left out), most first."""
        code = names.read_code(code)

        def fn(txn):
            state = self._state(txn, code)
            q = self._find_question(state, qid)
            mids = [mid for mid, m in state["members"].items() if not m["removed"]]
            counts: dict[str, int] = {}
            for part in txn.get_many([f"a:{mid}" for mid in mids]).values():
                a = (part or {}).get(str(q["qid"]))
                if a:
                    counts[a["label"]] = counts.get(a["label"], 0) + 1
            return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return self._transact(code, fn, write=False)

    def runs(self, code) -> list[dict]:
        """Every run of the class's students (removed ones left out), in join order:
        {"member_id","nickname","group","run_id","settings","epochs":[(epoch,loss,test_acc)],
        "done","started_at"}."""
        code = names.read_code(code)

        def fn(txn):
            state = self._state(txn, code)
            mids = [mid for mid, m in state["members"].items() if not m["removed"]]
            parts = txn.get_many([f"r:{mid}" for mid in mids])
            out = []
            for mid in mids:
                m = state["members"][mid]
                for run_id, run in (parts[f"r:{mid}"] or {}).items():
                    out.append({"member_id": mid, "nickname": m["nick"], "group": m["group"],
                                "run_id": run_id, "settings": run["settings"],
                                "epochs": [tuple(e) for e in run["epochs"]],
                                "done": run["done"], "started_at": run["started_at"]})
            return out
        return self._transact(code, fn, write=False)

    def expire(self) -> int:
        return self._expire(self.clock() - EXPIRE_S)


__all__ = ["DocStore", "NOT_IN", "Txn", "clean_settings", "digest"]

"""What every class store is and says: the errors, the caps, the records a page draws, and the
interface (ClassStore). lib.classroom.store re-exports all of it with `open_store`; import from
there. This module imports nothing of lib, so names.py and the backends can build on it without
an import circle."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------- caps and limits
MAX_CLASSES = 200            # classes alive at once in one store (ended ones count until expiry)
MAX_STUDENTS = 60            # students in a class at once (not removed, not left)
MAX_MEMBERS = 2 * MAX_STUDENTS   # member records a class keeps (left/removed ones included)
MAX_QUESTIONS = 200          # questions a class can put up
MAX_RUNS_PER_SEAT = 20       # runs a student's seat keeps (the oldest goes first)
MAX_EPOCHS_PER_RUN = 200     # epochs one run may report
MAX_EPOCH = 100_000          # an epoch number
MAX_NICKNAME = 24            # characters of a nickname
MAX_GROUPS = 8               # groups when the teacher splits the room
MAX_SETTINGS = 24            # keys of one settings dict (a run's or a group's)
MAX_SETTING_TEXT = 80        # characters of a text value in a settings dict
MAX_TITLE = 120              # characters of a view's title the teacher sends
MAX_LINK = 600               # characters of a view's link the teacher sends
MAX_LABEL = 200              # characters of an answer's label (its normalised form)
RATE_WRITES = 20             # a seat's changes (answer, rename) per RATE_WINDOW_S
RATE_REPORTS = 40            # a seat's run reports per RATE_WINDOW_S
RATE_WINDOW_S = 10.0
EXPIRE_S = 4 * 3600.0        # a class with no write for this long is gone
PRESENT_S = 30.0             # a student not seen for this long shows as away
TOUCH_S = 10.0               # touch() writes at most this often per seat


class StoreDown(Exception):
    """The store cannot be reached (file, disk, server). `.message` is for the page."""

    def __init__(self, message: str = "The class store cannot be reached right now. "
                                      "The rest of Tensor Lab works as usual."):
        super().__init__(message)
        self.message = message


class Refused(Exception):
    """A calm refusal: a wrong code, an ended class, a full class, too fast, not the teacher.
    `.message` is a sentence for the page (it never repeats what the user typed)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


NOT_TEACHER = "Only the teacher can do that."
ENDED = "That class has ended."
TOO_FAST = "Slow down: too many changes in a few seconds."


@dataclass(frozen=True)
class Versions:
    state: int     # membership, question put/locked/revealed, follow view, split, names, ended
    answers: int   # any answer given/changed (or a student removed)
    runs: int      # any run report (or a student removed)


@dataclass(frozen=True)
class Member:
    member_id: str          # public (the teacher removes by it); the seat is the secret
    nickname: str
    group: int | None       # the group of the last split, else None
    joined_at: float
    last_seen: float
    present: bool           # not left, not removed, seen in the last PRESENT_S
    removed: bool
    left: bool = False      # the student pressed "leave"


@dataclass(frozen=True)
class Question:
    qid: int
    kind: str
    level: str
    seed: int
    page: str | None
    state: str              # "open" | "locked" | "revealed"
    put_at: float


@dataclass(frozen=True)
class ClassView:
    code: str
    created_at: float
    ended: bool
    names_visible: bool
    members: tuple[Member, ...]       # everyone who joined (removed ones flagged), join order
    question: Question | None         # the current one (the latest put)
    view: dict | None                 # {"url_path","title","link","sent_at"}
    split: dict | None                # {"groups": [settings dict, ...], "sent_at": t}
    versions: Versions
    questions: tuple[Question, ...] = field(default=())   # every question, in order


class ClassStore(abc.ABC):
    """One class store, shared by every session of a process: thread-safe, synchronous.
    Every teacher call takes the key (a wrong key -> Refused(NOT_TEACHER)); a student is
    known by the seat only (secret), never by a nickname or member_id."""

    kind: str = ""

    # teacher
    @abc.abstractmethod
    def create_class(self) -> tuple[str, str]: ...
    @abc.abstractmethod
    def is_teacher(self, code: str, key: str) -> bool: ...
    @abc.abstractmethod
    def end_class(self, code: str, key: str) -> None: ...
    @abc.abstractmethod
    def remove_member(self, code: str, key: str, member_id: str) -> None: ...
    @abc.abstractmethod
    def put_question(self, code: str, key: str, kind: str, level: str, seed: int,
                     page: str | None = None) -> int: ...
    @abc.abstractmethod
    def lock_question(self, code: str, key: str, qid: int) -> None: ...
    @abc.abstractmethod
    def reveal_question(self, code: str, key: str, qid: int) -> None: ...
    @abc.abstractmethod
    def set_names_visible(self, code: str, key: str, on: bool) -> None: ...
    @abc.abstractmethod
    def send_view(self, code: str, key: str, url_path: str, title: str, link: str) -> None: ...
    @abc.abstractmethod
    def split_room(self, code: str, key: str, groups: list[dict]) -> None: ...

    # student
    @abc.abstractmethod
    def join(self, code: str, nickname: str | None = None) -> tuple[str, Member]: ...
    @abc.abstractmethod
    def rejoin(self, code: str, seat: str) -> Member: ...
    @abc.abstractmethod
    def rename(self, code: str, seat: str, nickname: str) -> Member: ...
    @abc.abstractmethod
    def leave(self, code: str, seat: str) -> None: ...
    @abc.abstractmethod
    def touch(self, code: str, seat: str) -> None: ...
    @abc.abstractmethod
    def answer(self, code: str, seat: str, qid: int, text: str, label: str,
               correct: bool) -> None: ...
    @abc.abstractmethod
    def my_answer(self, code: str, seat: str, qid: int) -> dict | None: ...
    @abc.abstractmethod
    def report_epoch(self, code: str, seat: str, run_id: str, settings: dict, epoch: int,
                     loss: float, test_acc: float | None, done: bool = False) -> None: ...

    # reads
    @abc.abstractmethod
    def versions(self, code: str) -> Versions | None: ...
    @abc.abstractmethod
    def view(self, code: str) -> ClassView: ...
    @abc.abstractmethod
    def tally(self, code: str, qid: int) -> dict[str, int]: ...
    @abc.abstractmethod
    def answers(self, code: str, key: str, qid: int | None = None) -> list[dict]: ...
    @abc.abstractmethod
    def runs(self, code: str) -> list[dict]: ...
    @abc.abstractmethod
    def expire(self) -> int: ...

    def close(self) -> None:
        """Let go of connections (tests, shutdown). The object is not used after."""

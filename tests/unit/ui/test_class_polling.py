"""What makes a session in a class read the whole class again (lib/ui/classroom.py
_fresh_view): each tick reads one version triple; a student re-reads the class only when
`state` moved, the teacher also when `answers` moved; run reports (every epoch of every
student) make nobody re-read it here."""
from lib.classroom.store import Versions
from lib.ui.classroom import Seat, _fresh_view


class CountingStore:
    def __init__(self):
        self.now = Versions(1, 1, 1)
        self.views = 0

    def versions(self, code):
        return self.now

    def view(self, code):
        self.views += 1
        return object()


def ticks(seat, changes):
    store, cache = CountingStore(), {}
    _fresh_view(store, seat, cache)               # the first tick reads the class
    reads = []
    for change in changes:
        store.now = Versions(**{**store.now.__dict__, change: getattr(store.now, change) + 1})
        before = store.views
        _fresh_view(store, seat, cache)
        reads.append(store.views - before)
    return reads


STUDENT = Seat("K7PX4M", "student", "s" * 24, "m1")
TEACHER = Seat("K7PX4M", "teacher", "k" * 32)


def test_a_student_reads_the_class_again_only_when_its_state_moved():
    assert ticks(STUDENT, ["runs", "runs", "answers", "state", "runs"]) == [0, 0, 0, 1, 0]


def test_the_teacher_reads_it_again_on_state_and_answers_never_on_runs():
    assert ticks(TEACHER, ["runs", "answers", "state", "runs"]) == [0, 1, 1, 0]

"""The poll's bar chart (lib/figures/class_poll.py): counts, the right answer marked, labels as text."""
from lib.figures.class_poll import MAX_BARS, OTHER, RIGHT, answered_of, poll_bars


def test_bars_count_the_answers_and_mark_the_right_one():
    bar = poll_bars({"(32, 10)": 3, "error": 5, "(10, 32)": 1}, "(32, 10)").data[0]
    assert list(bar.x) == ["error", "(32, 10)  ✓ right", "(10, 32)"]
    assert list(bar.y) == [5, 3, 1]
    assert list(bar.marker.color) == [OTHER, RIGHT, OTHER]


def test_a_right_answer_nobody_gave_still_has_its_bar():
    bar = poll_bars({"error": 2}, "(4,)").data[0]
    assert dict(zip(bar.x, bar.y)) == {"error": 2, "(4,)  ✓ right": 0}


def test_labels_are_text_and_many_answers_fold():
    bar = poll_bars({"<b>x</b>": 1, **{f"({i},)": i + 1 for i in range(30)}}, "(0,)").data[0]
    assert len(bar.x) == MAX_BARS and bar.x[-1] == "other answers"
    assert "(0,)  ✓ right" in bar.x and sum(bar.y) == 1 + sum(range(1, 31))
    assert "&lt;b&gt;" in poll_bars({"<b>x</b>": 2}, "(1,)").data[0].x[0]


def test_answered_of_never_reads_below_the_answers():
    assert answered_of(3, 5) == "3 of 5" and answered_of(6, 5) == "6 of 6"

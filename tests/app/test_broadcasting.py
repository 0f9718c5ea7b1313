"""AppTest: Broadcasting."""
from lib.quiz import Question, answer_text
from tests.app.helpers import open_page, plotly_specs


def broadcasting_page():
    return open_page("pages/broadcasting.py")


def metrics(at):
    return {m.label: m.value for m in at.metric}


def animation(at):
    return next(s for s in plotly_specs(at) if s.get("frames"))


def test_book_preset_gives_32_10():
    at = broadcasting_page()
    assert metrics(at)["x + y.shape"] == "(32, 10)"
    spec = animation(at)
    assert len(spec["frames"]) == 4                       # align, new axis, repeat, result
    assert [s["label"] for s in spec["layout"]["sliders"][0]["steps"]] == \
        ["align", "new axis", "repeat -2", "result"]
    assert any("np.tile(y, (32, 1))" in c.value for c in at.code)
    assert any("array_equal" in s.value for s in at.success)
    assert at.table, "the memory table is shown"


def test_book_maximum_preset_gives_64_3_32_10():
    at = broadcasting_page()
    at.selectbox(key="bc_preset").select_index(1).run()
    assert not at.exception
    assert metrics(at)["np.maximum(x, y).shape"] == "(64, 3, 32, 10)"
    assert at.text_input(key="bc_x").value == "(64, 3, 32, 10)"
    assert any("np.maximum(x, y)" in c.value for c in at.code)


def test_incompatible_pair_shows_an_error_not_an_exception():
    at = broadcasting_page()
    at.selectbox(key="bc_preset").select_index(3).run()
    assert not at.exception
    assert any("axis -1: 10 vs 32" in e.value for e in at.error)
    spec = animation(at)
    assert spec["layout"]["sliders"][0]["steps"][-1]["label"].startswith("conflict")


def test_typed_shapes_and_bad_input():
    at = broadcasting_page()
    at.text_input(key="bc_x").input("[8, 1, 6, 1]")
    at.text_input(key="bc_y").input("7, 1, 5").run()
    assert not at.exception
    assert metrics(at)["x + y.shape"] == "(8, 7, 6, 5)"
    for bad in ("(-3, 4)", "(1e9, 1e9)", "__import__('os')", "(" + "2, " * 9 + ")", "(99999999, 99999999)"):
        at.text_input(key="bc_x").input(bad).run()
        assert not at.exception, bad
        assert at.error, bad


def test_huge_shapes_are_computed_not_built():
    at = broadcasting_page()
    at.text_input(key="bc_x").input("(100000, 1, 1000)")
    at.text_input(key="bc_y").input("(1000, 1)").run()
    assert not at.exception
    assert metrics(at)["x + y.shape"] == "(100000, 1000, 1000)"
    assert any("too many to build" in i.value for i in at.info)


def _quiz(at, question, answer):
    at.session_state["quiz_question"] = question
    at.text_input(key="quiz_answer").input(answer)
    at.button(key="quiz_check").click().run()
    assert not at.exception


def test_quiz_marks_right_and_wrong():
    at = broadcasting_page()
    question = at.session_state["quiz_question"]
    _quiz(at, question, answer_text(question))
    assert at.success and "Right" in at.success[-1].value

    _quiz(at, Question((32, 10), (10,)), "(10, 32)")
    assert any("Not quite" in e.value for e in at.error)

    _quiz(at, Question((3, 5), (4, 5)), "error")
    assert "Right" in at.success[-1].value
    assert at.session_state["quiz_score"] == [2, 3]


def test_quiz_new_question_clears_the_answer():
    at = broadcasting_page()
    at.text_input(key="quiz_answer").input("(1, 2)").run()
    at.button(key="quiz_new").click().run()
    assert not at.exception
    assert at.text_input(key="quiz_answer").value == ""


def test_the_intro_says_fewer_axes_not_smaller():
    at = broadcasting_page()
    intro = at.markdown[0].value
    assert "**fewer axes**" in intro and "smaller" not in intro

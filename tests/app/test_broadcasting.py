"""AppTest: Broadcasting."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import ROOT, check_quiz_marks_right_and_wrong, open_page, plotly_specs


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


def test_quiz_marks_right_and_wrong():
    """Right, then 🎲 a new question number, then wrong: score, verdict and the rule walked
    through on that question (the page's quiz is lib/ui/quiz.py, key "quiz")."""
    check_quiz_marks_right_and_wrong(broadcasting_page(), "quiz", "broadcast")


def test_quiz_new_question_clears_the_answer():
    at = broadcasting_page()
    at.text_input(key="quiz_answer").input("(1, 2)").run()
    at.button(key="quiz_new").click().run()
    assert not at.exception
    assert at.text_input(key="quiz_answer").value == ""


def test_a_link_opens_the_animation_at_its_step():
    at = AppTest.from_file(str(ROOT / "pages/broadcasting.py"), default_timeout=60)
    at.query_params.update(bc_x="(64, 3, 32, 10)", bc_y="(32, 10)", bc_op="np.maximum(x, y)",
                           bc_step="3")
    at.run()
    assert not at.exception
    assert at.number_input(key="bc_step").value == 3
    spec = animation(at)
    assert spec["layout"]["sliders"][0]["active"] == 3
    assert spec["data"] == spec["frames"][3]["data"]
    assert metrics(at)["np.maximum(x, y).shape"] == "(64, 3, 32, 10)"


@pytest.mark.parametrize("text", ["9", "1e309", "inf", "-1"])
def test_a_step_past_the_last_falls_back_to_the_first_with_a_note(text):
    """9: the book's example has 4 steps. 1e309 and inf would reach Streamlit's own reading
    of a bound integer box, which raises OverflowError (Streamlit 1.67): a refused value is
    taken out of the URL before the box is bound."""
    at = AppTest.from_file(str(ROOT / "pages/broadcasting.py"), default_timeout=60)
    at.query_params["bc_step"] = text
    at.run()
    assert not at.exception
    assert at.number_input(key="bc_step").value == 0
    assert animation(at)["layout"]["sliders"][0]["active"] == 0
    assert any("link's opens at step was not used" in c.value for c in at.caption)
    assert "bc_step" not in at.query_params
    at.run()
    assert not at.exception and at.number_input(key="bc_step").value == 0


def test_choosing_a_preset_opens_its_animation_at_the_first_step():
    at = broadcasting_page()
    at.number_input(key="bc_step").set_value(2).run()
    assert animation(at)["layout"]["sliders"][0]["active"] == 2
    at.selectbox(key="bc_preset").select_index(2).run()
    assert at.number_input(key="bc_step").value == 0
    assert animation(at)["layout"]["sliders"][0]["active"] == 0


def test_the_intro_says_fewer_axes_not_smaller():
    at = broadcasting_page()
    intro = at.markdown[0].value
    assert "**fewer axes**" in intro and "smaller" not in intro


def figure_texts(at) -> str:
    """Every text written on the animation's first frame (labels, shape table, caption)."""
    spec = animation(at)
    return " ".join(str(t) for trace in spec["data"] for t in (trace.get("text") or [])
                    if isinstance(t, str)) + " " + " ".join(
        a.get("text", "") for a in spec["layout"].get("annotations", []))


def fallback_note(at) -> str:
    return next((c.value for c in at.caption if "still show" in c.value), "")


def test_a_typo_names_the_pair_drawn_the_last_pair_that_broadcast():
    """Issue 18 #6: after a typo the note named the raw text of the last pair that parsed,
    even one NumPy refuses ("(2,3) and 32,10"). It names the last pair that was drawn and
    broadcast, written as the badges and the figure write it, and that pair is drawn."""
    at = broadcasting_page()
    at.text_input(key="bc_x").input("2,3")
    at.text_input(key="bc_y").input("3").run()                 # broadcasts: drawn
    assert metrics(at)["x + y.shape"] == "(2, 3)"
    at.text_input(key="bc_x").input("(2,4)").run()              # NumPy refuses: drawn as a clash
    assert metrics(at)["x + y.shape"] == "✗ error"
    at.text_input(key="bc_y").input("abc").run()                # a typo
    assert not at.exception
    assert fallback_note(at) == ("The pictures below still show the last shapes that "
                                 "broadcast: x.shape `(2, 3)` and y.shape `(3,)`.")
    shown = metrics(at)
    assert (shown["x.shape"], shown["y.shape"], shown["x + y.shape"]) == ("(2, 3)", "(3,)", "(2, 3)")
    drawn = figure_texts(at)
    assert "(2, 3)" in drawn and "(2, 4)" not in drawn, drawn[:400]

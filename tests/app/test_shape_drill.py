"""AppTest: the Shape drill page (its generators, judged by NumPy, are in tests/unit/test_quiz.py)."""
import pytest
from streamlit.testing.v1 import AppTest

from lib.site.chapter import BY_URL_PATH
from lib.quiz import KINDS, MAX_SEED, drill_question, make_question
from lib.rules.shapes import format_shape
from tests.app.helpers import ROOT, open_page

PAGE = "pages/shape_drill.py"


def drill_page(seed: int | None = None, **state) -> AppTest:
    """The page through the router once it is registered in lib/site/chapter.py; until then on
    its own (AppTest runs a page file without the router). `state` is set before the run."""
    if "shape_drill" in BY_URL_PATH and seed is None and not state:
        return open_page(PAGE)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    if seed is not None:
        at.session_state["drill_seed"] = seed
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def question(at):
    return at.session_state["drill_question"]


def answer(at, text: str) -> AppTest:
    at.text_input(key="drill_answer").input(text)
    at.button(key="drill_check").click().run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def why(at):
    return next((e for e in at.expander if e.label.startswith("Why: step by step")), None)


def test_page_shows_a_question_of_every_kind_by_default():
    at = drill_page()
    q = question(at)
    assert at.multiselect(key="drill_kinds").value == list(KINDS)
    assert at.radio(key="drill_level").value == "basic"
    assert q == drill_question(KINDS, "basic", at.session_state["drill_seed"])
    assert any(c.value == q.code for c in at.code)
    assert metrics(at) == {"Score": "0 / 0", "Streak": "0", "Best streak": "0"}
    assert why(at) is None


def test_right_then_wrong_answer_updates_score_streak_and_explains():
    at = drill_page(seed=1234)
    q = question(at)
    answer(at, q.answer_text)
    assert at.success and at.success[0].value.startswith("Right")
    assert metrics(at) == {"Score": "1 / 1", "Streak": "1", "Best streak": "1"}
    assert why(at) is not None                            # there, folded, after a right answer

    answer(at, q.answer_text)                             # a question counts once
    assert metrics(at)["Score"] == "1 / 1"

    at.button(key="drill_new").click().run()
    q2 = question(at)
    wrong = "(7777, 3)"
    answer(at, wrong)
    assert at.error and "Not quite" in at.error[0].value and "7777" in at.error[0].value
    assert metrics(at) == {"Score": "1 / 2", "Streak": "0", "Best streak": "1"}
    steps = why(at)
    assert steps is not None and steps.proto.expanded
    text = "\n".join(m.value for m in steps.markdown)
    assert q2.explanation[0] in text and q2.explanation[-1] in text
    for shape in q2.shapes:
        assert format_shape(shape) in text


def test_unreadable_or_hostile_answers_are_not_scored():
    at = drill_page(seed=77)
    for text in ("", "__import__('os')", "[[[[1]]]]", "(3.5,)"):
        answer(at, text)
        assert at.error, text
        assert metrics(at)["Score"] == "0 / 0", text


def test_new_question_changes_the_question_and_clears_the_answer():
    at = drill_page(seed=5)
    before = question(at)
    answer(at, "(1, 2)")
    at.button(key="drill_new").click().run()
    assert not at.exception
    assert at.session_state["drill_seed"] != 5
    assert question(at).ident != before.ident
    assert at.text_input(key="drill_answer").value == ""
    assert not at.error and not at.success and why(at) is None


def test_harder_level_asks_about_rank_4_and_5():
    at = drill_page(seed=3)
    at.radio(key="drill_level").set_value("harder").run()
    assert not at.exception
    kinds = set()
    for _ in range(12):
        q = question(at)
        assert q.level == "harder" and 4 <= max(len(s) for s in q.shapes) <= 5, q.code
        kinds.add(q.kind)
        at.button(key="drill_new").click().run()
    assert len(kinds) >= 2


def test_a_seed_in_session_state_reproduces_the_question():
    seed = 987654321
    at = drill_page(seed=seed)
    assert question(at) == drill_question(KINDS, "basic", seed)
    assert any(c.value == drill_question(KINDS, "basic", seed).code for c in at.code)

    at = drill_page(seed=seed, drill_kinds=["dot"], drill_level="harder")
    assert question(at) == make_question("dot", "harder", seed)
    assert at.session_state["drill_seed"] == seed


def test_a_question_number_in_a_link_opens_that_question_and_a_bad_one_the_default():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["drill_seed"] = "12345"
    at.run()
    assert not at.exception and question(at).seed == 12345
    for bad in ("__import__('os')", "-3", str(MAX_SEED + 1), "9" * 50, "1e9"):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.query_params["drill_seed"] = bad
        at.run()
        assert not at.exception, bad
        seed = at.session_state["drill_seed"]
        assert isinstance(seed, int) and 0 <= seed <= MAX_SEED, bad
        assert any("link's question number was not used" in c.value for c in at.caption), bad


def test_choosing_kinds():
    at = drill_page(seed=11)
    at.multiselect(key="drill_kinds").set_value(["reshape"]).run()
    assert not at.exception and question(at).kind == "reshape"
    at.multiselect(key="drill_kinds").set_value([]).run()
    assert not at.exception
    assert any("at least one kind" in i.value for i in at.info)


def test_kinds_in_a_link_read_both_ways():
    """Our links write ?drill_kinds=Dot product,Slicing; Streamlit's own URL repeats the
    parameter (?drill_kinds=Dot product&drill_kinds=Slicing): both open those two kinds."""
    for value in ("Dot product,Slicing", ["Dot product", "Slicing"]):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.query_params["drill_kinds"] = value
        at.run()
        assert not at.exception
        assert list(at.multiselect(key="drill_kinds").value) == ["dot", "slicing"], value
        assert question(at).kind in ("dot", "slicing")

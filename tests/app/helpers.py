"""AppTest helpers: open the app (or one page of it) on the bundled sample."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def open_app(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run the router, then switch to `page` ("pages/x.py") if given."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    if page is not None:
        at.switch_page(page).run()
    return at


def open_page(page: str, timeout: float = 60) -> AppTest:
    """open_app(page), checked: the page ran without an exception."""
    at = open_app(page, timeout)
    assert not at.exception, at.exception
    return at


def _decode(obj):
    """Plotly >= 6 sends NumPy arrays as {'bdata': base64, 'dtype': ..., 'shape': ...}."""
    import base64

    import numpy as np

    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if obj.get("shape"):
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def plotly_specs(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page as a plain dict (arrays decoded to lists)."""
    import json

    return [_decode(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def metric(at: AppTest, label: str) -> str | None:
    """The value of the first st.metric with this label, or None."""
    return next((m.value for m in at.metric if m.label == label), None)


def errors(at: AppTest) -> str:
    """Every st.error message on the page, one per line."""
    return "\n".join(e.value for e in at.error)


def answer_quiz(at: AppTest, key: str, text: str) -> AppTest:
    """Type `text` into the shape quiz `key` and press ✔️ Check."""
    at.text_input(key=f"{key}_answer").input(text)
    at.button(key=f"{key}_check").click().run()
    assert not at.exception, at.exception
    return at


def check_quiz_marks_right_and_wrong(at: AppTest, key: str, kind: str) -> None:
    """A page's shape quiz (lib/ui/quiz.py): a question of `kind`; the right answer is
    marked right; after 🎲 a new question number, a wrong answer is marked wrong, the score
    says so and the rule is walked through on that very question."""
    question = at.session_state[f"{key}_question"]
    assert question.kind == kind
    assert any(c.value == question.code for c in at.code)
    answer_quiz(at, key, question.answer_text)
    assert at.success and at.success[-1].value.startswith("Right")
    assert at.session_state[f"{key}_score"] == [1, 1]

    seed = at.session_state[f"{key}_seed"]
    at.button(key=f"{key}_new").click().run()
    assert not at.exception, at.exception
    assert at.session_state[f"{key}_seed"] != seed
    question = at.session_state[f"{key}_question"]
    answer_quiz(at, key, "error" if question.answer is not None else "(7777, 3)")
    assert any("Not quite" in e.value for e in at.error)
    assert at.session_state[f"{key}_score"] == [1, 2]
    why = next(e for e in at.expander if e.label.startswith("Why: step by step"))
    assert why.proto.expanded and question.answer_text in why.label
    text = "\n".join(m.value for m in why.markdown)
    assert question.explanation[0] in text and question.explanation[-1] in text
    assert any("Score 1 / 2" in c.value for c in at.caption)

"""Shape drill: predict the shape NumPy gives for slicing, broadcasting, dot products and
reshapes, mixed; NumPy is the judge, and a miss shows the rule walked on that question."""
import streamlit as st

from lib import ui
from lib.rules.shapes import pairing_rule
from lib.ui.quiz import shape_quiz
from lib.site.views import SHAPE_DRILL

ui.enter_page(__file__)     # first: routes a direct link, records the page

ui.page_intro("🎯 Shape drill",
              "Most bugs in a neural network are shape bugs, and the fix is to know the shape "
              "*before* you run the line. Each question shows the shapes of `x` (and `y`) and one "
              "line of NumPy: type the shape it gives, like `(32, 10)`, or **error** if NumPy "
              "refuses. NumPy itself marks you; when you miss, the rule is worked through on "
              "your question, step by step.")

# ---------------------------------------------------------------- what to practise
kinds_col, level_col = st.columns([3, 2])
kinds = ui.setting_widget(SHAPE_DRILL["kinds"], kinds_col)
level = ui.setting_widget(SHAPE_DRILL["level"], level_col)
# ---------------------------------------------------------------- the question
if kinds:
    shape_quiz(kinds, key="drill", level=level)
else:
    st.info("Choose at least one kind of question above.", icon="👆")

# ---------------------------------------------------------------- the four rules, short
with st.expander("The four rules on one card"):
    st.markdown(
        "- **Slicing** `x[...]`: every integer or slice takes one axis from the left. An "
        "integer picks one position and **drops** its axis; a slice `start:stop:step` keeps "
        "the positions from `start` up to, not including, `stop`, and never raises; `None` adds "
        "an axis of size 1; `...` stands for all the axes not named. An integer outside its axis "
        "raises **IndexError**.\n"
        "- **Broadcasting** `x + y`: line the shapes up on the right; missing axes count as 1; "
        "on each axis the sizes must be equal or one of them 1, which is stretched. Otherwise "
        "**ValueError**.\n"
        f"- **Dot product**: `np.dot(x, y)` pairs the {pairing_rule('dot')}. `x @ y` pairs the "
        f"{pairing_rule('matmul')}. `np.tensordot(x, y, axes=n)` pairs the "
        f"{pairing_rule('tensordot')}.\n"
        "- **Reshape & transpose**: `x.reshape(...)` keeps the number of elements (one `-1` is "
        "worked out for you); `x.T` reverses the axes; `np.transpose(x, axes)` puts axis "
        "`axes[k]` of `x` at position `k` (negative axes count from the end).")

st.caption("Each question has a number: the same number, kinds and level always give the "
           "same question, so a class can work on one together.")

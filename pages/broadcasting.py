"""Broadcasting: two shapes aligned on the right, size-1 axes added and repeated, animated."""
import numpy as np
import streamlit as st

from lib.elementwise import (MAX_BUILT_ELEMENTS, broadcast_view_code, by_hand_matches_broadcast,
                             memory_rows)
from lib.figures.broadcast import broadcast_animation
from lib.quiz import answer_text, check_answer, random_question
from lib.shapes import (BROADCAST_OPERATIONS, broadcast_steps, expression_text, format_shape,
                        parse_shape, steps_code)
from lib.ui import enter_page, broadcast_step_list, code_panel, page_intro, plotly, shape_badge, show_error

enter_page(__file__)        # first: routes a direct link, records the page


MAX_RANK_HERE = 5        # the animation draws up to rank 5 as rows/grids of 2-D slices
PRESETS = {
    "Book: (32, 10) + (10,)": ("(32, 10)", "(10,)", "+"),
    "Book: np.maximum on (64, 3, 32, 10) and (32, 10)": ("(64, 3, 32, 10)", "(32, 10)", "maximum"),
    "Both stretch: (3, 1) + (1, 4)": ("(3, 1)", "(1, 4)", "+"),
    "Incompatible: (32, 10) + (32,)": ("(32, 10)", "(32,)", "+"),
}

page_intro("📡 Broadcasting",
           "What does `x + y` mean when `x` is `(32, 10)` and `y` is `(10,)`? NumPy lines the "
           "shapes up **on the right**, gives the tensor with **fewer axes** new size-1 axes "
           "in front (`np.expand_dims`), then repeats every size-1 axis to match (`np.tile`), "
           "and works element by element. That is the rule; NumPy applies it without really "
           "making the copies.")


def use_preset() -> None:
    st.session_state.bc_x, st.session_state.bc_y, st.session_state.bc_op = \
        PRESETS[st.session_state.bc_preset]


if "bc_x" not in st.session_state:
    st.session_state.bc_preset = next(iter(PRESETS))
    use_preset()

# --------------------------------------------------------------------------- inputs
st.selectbox("Start from an example", list(PRESETS), key="bc_preset", on_change=use_preset)
c1, c2, c3 = st.columns([2, 2, 2])
x_text = c1.text_input("x.shape", key="bc_x", help="e.g. (32, 10), 32,10 or [64, 3, 32, 10]")
y_text = c2.text_input("y.shape", key="bc_y", help="() is a scalar; (10,) a vector")
op = c3.selectbox("operation", list(BROADCAST_OPERATIONS), format_func=expression_text, key="bc_op")

try:
    x_shape = parse_shape(x_text, max_rank=MAX_RANK_HERE)
    y_shape = parse_shape(y_text, max_rank=MAX_RANK_HERE)
except ValueError as error:
    show_error(f"{error}. Shapes are whole numbers ≥ 0, up to {MAX_RANK_HERE} axes here, "
               "written like (32, 10).")
    st.stop()

steps = broadcast_steps(x_shape, y_shape, op=op)
final = steps[-1]
b1, b2, b3 = st.columns(3)
with b1:
    shape_badge("x.shape", x_shape)
with b2:
    shape_badge("y.shape", y_shape)
with b3:
    shape_badge(f"{expression_text(op)}.shape",
                final.result if final.kind == "result" else "✗ error")
if final.kind == "conflict":
    show_error(f"NumPy refuses: {final.message}")

# --------------------------------------------------------------------------- animation
st.header("1. Watch it happen")
plotly(broadcast_animation(x_shape, y_shape, op=op), key="bc_animation")
st.caption("Press ▶ Play or drag the slider. Strong colours are the original numbers; pale "
           "cells are repeated copies. The table above the drawing keeps the two shapes lined "
           "up on the right; the axis being worked on is in bold. Long axes are drawn shortened "
           "(at most 4 cells, 3 or 2 for the slice axes) while the labels keep the real sizes; "
           "a rank-3 tensor is drawn as a row of 2-D slices, rank 4 as a grid of them.")

st.header("2. The steps in words and code")
broadcast_step_list(steps)

# --------------------------------------------------------------------------- code + memory
st.header("3. By hand, or in one line")
by_hand, one_line = st.columns(2)
with by_hand:
    st.markdown("**Spelled out**: `expand_dims` and `tile` make real copies")
    code_panel(steps_code(steps))
with one_line:
    st.markdown("**Broadcast**: NumPy does all of it in one expression")
    code_panel(f"result = {expression_text(op)}  # "
               f"{format_shape(final.result) if final.kind == 'result' else 'ValueError'}")
    if final.kind == "result":
        code_panel(broadcast_view_code(x_shape, y_shape),
                   caption="The stretched tensor as NumPy sees it: a view, nothing copied.")

if final.kind == "result":
    check = by_hand_matches_broadcast(x_shape, y_shape, steps,
                                      BROADCAST_OPERATIONS[op].numpy_function)
    if check is not None:
        same, shape = check
        (st.success if same else st.error)(
            f"Ran both on random arrays: the spelled-out result and the broadcast one "
            f"{'are equal' if same else 'differ'} (`np.array_equal` → {same}), shape "
            f"{format_shape(shape)}.", icon="✅" if same else "❌")
    else:
        st.info(f"These shapes hold more than {MAX_BUILT_ELEMENTS:,} elements: too many to "
                "build here, so the memory figures below are computed, not measured.", icon="🧮")
    st.markdown("**Memory.** The copies cost real bytes; `np.broadcast_to` gives the same "
                "stretched tensor as a *view* whose repeated axes have **stride 0**: "
                "stepping along them goes back to the same numbers.")
    st.table(memory_rows(x_shape, y_shape))
    st.caption("float64: 8 bytes per element. A stride is how many bytes to jump to reach the "
               "next element along that axis.")

# --------------------------------------------------------------------------- quiz
st.header("4. Predict the shape")
st.markdown("A random pair of shapes: type the shape of `x + y`, or **error** if NumPy refuses.")


def new_question() -> None:
    st.session_state.quiz_question = random_question(np.random.default_rng())
    st.session_state.quiz_answer = ""
    st.session_state.quiz_verdict = None


if "quiz_question" not in st.session_state:
    new_question()
    st.session_state.setdefault("quiz_score", [0, 0])
question = st.session_state.quiz_question
q1, q2 = st.columns(2)
q1.code(f"x.shape == {format_shape(question.a)}\ny.shape == {format_shape(question.b)}",
        language="python")
with q2:
    st.text_input("(x + y).shape =", key="quiz_answer", placeholder="(32, 10)  or  error")
    check, fresh = st.columns(2)
    if check.button("✔️ Check", key="quiz_check", type="primary"):
        verdict = check_answer(question, st.session_state.quiz_answer)
        st.session_state.quiz_verdict = verdict
        if st.session_state.quiz_answer.strip():
            st.session_state.quiz_score[1] += 1
            st.session_state.quiz_score[0] += int(verdict.correct)
    fresh.button("🎲 New question", key="quiz_new", on_click=new_question)

verdict = st.session_state.quiz_verdict
if verdict is not None:
    (st.success if verdict.correct else st.error)(verdict.message,
                                                  icon="🎉" if verdict.correct else "🤔")
    right, total = st.session_state.quiz_score
    st.caption(f"Score: {right} / {total}")
    with st.expander(f"Why: step by step (answer: {answer_text(question)})",
                     expanded=not verdict.correct):
        broadcast_step_list(broadcast_steps(question.a, question.b))

st.page_link("pages/dot_product.py", label="Next: the dot product", icon="✖️")

"""Broadcasting: two shapes aligned on the right, size-1 axes added and repeated, animated."""
import streamlit as st

from lib import ui
from lib.rules.elementwise import (MAX_BUILT_ELEMENTS, broadcast_view_code, by_hand_matches_broadcast,
                             memory_rows)
from lib.figures.broadcast import broadcast_animation
from lib.rules.shapes import BROADCAST_OPERATIONS, broadcast_steps, expression_text, format_shape, steps_code
from lib.ui.quiz import shape_quiz
from lib.ui.mode import text_scale
from lib.site.views import BROADCAST_PRESETS, MAX_SHAPE_RANK, BROADCASTING as SETTINGS

ui.enter_page(__file__)        # first: routes a direct link, records the page

ui.page_intro("📡 Broadcasting",
              "What does `x + y` mean when `x` is `(32, 10)` and `y` is `(10,)`? NumPy lines the "
              "shapes up **on the right**, gives the tensor with **fewer axes** new size-1 axes "
              "in front (`np.expand_dims`), then repeats every size-1 axis to match (`np.tile`), "
              "and works element by element. That is the rule; NumPy applies it without really "
              "making the copies.")


def use_preset() -> None:
    """A preset writes the three boxes (a link carries their values itself)."""
    x, y, op = BROADCAST_PRESETS[ui.setting_value(SETTINGS["preset"])]
    ui.apply(SETTINGS, {"x": x, "y": y, "op": op, "step": 0})


# --------------------------------------------------------------------------- inputs
c0, c1, c2, c3, c4 = st.columns([3, 2, 2, 2, 1.6])
ui.setting_widget(SETTINGS["preset"], c0, on_change=use_preset)
x_text = ui.setting_widget(SETTINGS["x"], c1)
y_text = ui.setting_widget(SETTINGS["y"], c2)
op = ui.setting_widget(SETTINGS["op"], c3)
try:
    x_shape, y_shape = SETTINGS["x"].parse(x_text), SETTINGS["y"].parse(y_text)
except ValueError as error:    # a typo keeps the pictures of the last pair that broadcast
    ui.show_error(f"{error}. Shapes are whole numbers ≥ 0, up to {MAX_SHAPE_RANK} axes here, "
                  "written like (32, 10).")
    x_shape, y_shape = ui.last_good("broadcasting_shapes") or (
        SETTINGS["x"].parse(SETTINGS["x"].default), SETTINGS["y"].parse(SETTINGS["y"].default))
    st.caption(f"The pictures below still show the last shapes that broadcast: x.shape "
               f"`{format_shape(x_shape)}` and y.shape `{format_shape(y_shape)}`.")

steps = broadcast_steps(x_shape, y_shape, op=op)
final = steps[-1]
step = ui.setting_widget(SETTINGS["step"], c4, options=(0, len(steps) - 1))
animation_place = ui.top_slot()          # projector mode: the animation, right under the inputs
b1, b2, b3 = st.columns(3)
with b1:
    ui.shape_badge("x.shape", x_shape)
with b2:
    ui.shape_badge("y.shape", y_shape)
with b3:
    ui.shape_badge(f"{expression_text(op)}.shape",
                   final.result if final.kind == "result" else "✗ error")
if final.kind == "conflict":
    ui.show_error(f"NumPy refuses: {final.message}")

# --------------------------------------------------------------------------- animation
with ui.main_place(animation_place, "1. Watch it happen"):
    ui.plotly(broadcast_animation(x_shape, y_shape, op=op, start_step=step,
                                  max_height=ui.projector_height(830, 450),
                                  max_width=ui.projector_height(940, 1150),     # a 1280 px screen
                                  text_scale=text_scale()), key="bc_animation")
if final.kind == "result":     # drawn, and NumPy accepts it: what a typo falls back to
    ui.keep_last_good("broadcasting_shapes", (x_shape, y_shape))
st.caption("Press ▶ Play or drag the slider. Strong colours are the original numbers; pale "
           "cells are repeated copies. The table above the drawing keeps the two shapes lined "
           "up on the right; the axis being worked on is in bold. Long axes are drawn shortened "
           "(at most 4 cells, 3 or 2 for the slice axes) while the labels keep the real sizes; "
           "a rank-3 tensor is drawn as a row of 2-D slices, rank 4 as a grid of them.")

st.header("2. The steps in words and code")
ui.broadcast_step_list(steps)

# --------------------------------------------------------------------------- code + memory
st.header("3. By hand, or in one line")
by_hand, one_line = st.columns(2)
with by_hand:
    st.markdown("**Spelled out**: `expand_dims` and `tile` make real copies")
    ui.code_panel(steps_code(steps))
with one_line:
    st.markdown("**Broadcast**: NumPy does all of it in one expression")
    ui.code_panel(f"result = {expression_text(op)}  # "
                  f"{format_shape(final.result) if final.kind == 'result' else 'ValueError'}")
    if final.kind == "result":
        ui.code_panel(broadcast_view_code(x_shape, y_shape),
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
st.markdown("A random pair of shapes: type the shape NumPy gives, or **error** if it refuses. "
            "When you miss, the rule is walked through on your question.")
shape_quiz(["broadcast"], key="quiz", show_score=False)

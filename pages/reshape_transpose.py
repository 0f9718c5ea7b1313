"""Reshape & transpose: the same numbers read into a new shape (row-major order), MNIST's
(N, 28, 28) -> (N, 784), and transposes as moved elements (2-D) or relabelled axes (N-D)."""
import math

import numpy as np
import streamlit as st

from lib.figures.reshape import (MAX_FLOW_ELEMENTS, MAX_FLOW_RANK, axis_permutation_figure,
                                 digit_rows_figure, digit_strip_figure, flow_animation,
                                 flow_drawable, transpose_slots)
from lib.rules.reshape import NOTEBOOK_EXAMPLES, reshape_code, transpose_code, transposed_reading
from lib.rules.shapes import (ShapeError, format_shape, reshape_shape, shapes_that_fit,
                        transpose_order, transpose_shape)
from lib.ui import (code_panel, enter_page, example_buttons, get_dataset, main_place, nav_link,
                    page_intro, plotly, projector_height, setting_widget, shape_badge,
                    shape_badges, shape_pair_inputs, show_error, top_slot)
from lib.ui.quiz import shape_quiz
from lib.site.views import RESHAPE_TRANSPOSE as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page


page_intro("🔄 Reshape & transpose",
           "**Reshaping** keeps every number and their order, and only changes how they are "
           "grouped into rows and columns: the network needs it before it can read an image. "
           "**Transposing**, the special case you meet most, swaps axes: rows become columns, "
           "so the order does change.")
first = top_slot()          # projector mode: the two shapes and the flow, right under the title

# ---------------------------------------------------------------- 1. reshape
with main_place(first, "1 · Reshape: the elements flow in row-major order",
                "Number the elements 0, 1, 2, … along the last axis first, then the one before "
                "it (**row-major** or C order, NumPy's default). `reshape` pours them, in that "
                "same order, into the new shape. One size may be `-1`: NumPy works it out.",
                small=True):
    pair = shape_pair_inputs(SETTINGS["x"], SETTINGS["new"], {
        "book: (3, 2) → (6, 1)": ("(3, 2)", "(6, 1)"),
        "book: (6, 1) → (2, 3)": ("(6, 1)", "(2, 3)"),
        "(2, 3, 4) → (4, -1)": ("(2, 3, 4)", "(4, -1)"), "(24,) → (2, 3, 4)": ("(24,)", "(2, 3, 4)"),
        "does not fit": ("(3, 2)", "(4, 2)")}, key="reshape")
    flow_place = st.container()     # the flow animation, right under the two shapes
if pair:
    src, target = pair
    size = math.prod(src)
    try:
        new = reshape_shape(src, target)
    except ShapeError as err:
        new = None
        show_error(f"x.reshape({format_shape(target)}) → ValueError: {err}")
        st.markdown(f"`x` has **{size:,}** elements, so the sizes of the new shape must multiply "
                    f"to {size:,} (a `-1` must leave a whole number). Shapes that fit: "
                    + ", ".join(f"`{format_shape(s)}`" for s in shapes_that_fit(size)) + ".")
    if new is not None:
        shape_badges(("x.shape", src), (f"x.reshape({format_shape(target)}).shape", new),
                     ("elements", f"{size:,}",
                      "the same before and after: reshape never adds or drops a number"))
        if flow_drawable(src, new):
            with flow_place:
                plotly(flow_animation(src, new, titles=(f"x {format_shape(src)}",
                                                        f"x.reshape({format_shape(target)})"),
                                      max_height_px=projector_height(480, 300)),
                       key="reshape_flow")
            st.caption("Press ▶ Play: element 0 leaves first, then 1, 2, … The colours run in "
                       "memory order, and they still do after the reshape.")
            code_panel(reshape_code(src, target))
        else:
            st.info(f"{size:,} elements are too many to draw one by one (the picture draws up "
                    f"to {MAX_FLOW_ELEMENTS}, rank ≤ {MAX_FLOW_RANK}); the rule is the same.")
            code_panel(f"x.reshape({format_shape(target)}).shape   # {format_shape(new)}")
with st.expander("The notebook's examples: (3, 2) → (6, 1) → (2, 3), and a transpose"):
    for code, caption in NOTEBOOK_EXAMPLES:
        code_panel(code, caption=caption)

# ----------------------------------------------------------------- 2. MNIST
st.subheader("2 · Why the network needs it: 28×28 → 784")
data = get_dataset()
train_images = data.train_images                           # (N, 28, 28), uint8
N = len(train_images)
flat = train_images.reshape((N, 28 * 28))                   # (N, 784): a view, no copy
shape_badges(("train_images.shape", train_images.shape),
             ("after reshape((N, 28 * 28))", flat.shape),
             ("on the full MNIST", (60000, 784), "what the book's 60,000 images become"))
st.markdown("A `Dense` layer reads each sample as **one vector**, so every 28×28 digit is laid "
            "out row after row: pixel `[r, c]` becomes pixel `28 * r + c`.")
c1, c2 = st.columns(2)
index = setting_widget(SETTINGS["digit"], c1, options=(0, N - 1))
row = setting_widget(SETTINGS["row"], c2)
digit = train_images[index]                                 # (28, 28)
c1, c2 = st.columns(2)
with c1:
    plotly(digit_rows_figure(digit, row), key="reshape_digit_fig")
with c2:
    st.markdown(f"`train_images[{index}]` is a `(28, 28)` digit (label "
                f"**{data.train_labels[index]}**).\n\nAfter the reshape, `flat[{index}]` is a "
                f"`(784,)` row. Its pixels {28 * row}…{28 * row + 27} are row {row} of the image "
                "(red frame): move the slider and watch the frame travel along the row below.")
    same = np.array_equal(flat[index, 28 * row:28 * (row + 1)], digit[row])
    st.markdown(f"`flat[{index}, {28 * row}:{28 * (row + 1)}]` equals `train_images[{index}, {row}]`:"
                f" **{same}**")
st.markdown(f"**`flat[{index}]`: the same 784 pixels in one row**, as the first `Dense` layer "
            "reads them (below: a zoom on the framed row and its neighbours).")
plotly(digit_strip_figure(digit, row), key="reshape_strip_fig")
code_panel(f"""
train_images = train_images.reshape(({N}, 28 * 28))   # ({N}, 784); (60000, 784) on full MNIST
train_images = train_images.astype("float32") / 255    # values from 0 to 1 for the network
""")

# -------------------------------------------------------------- 3. transpose
st.subheader("3 · Transpose: rows become columns")
c1, c2 = st.columns(2)
rows = setting_widget(SETTINGS["rows"], c1)
cols = setting_widget(SETTINGS["cols"], c2)
plotly(flow_animation((rows, cols), (cols, rows), dst_slot=transpose_slots((rows, cols)),
                      titles=(f"x {format_shape((rows, cols))}",
                              f"x.T {format_shape((cols, rows))}")), key="transpose_flow")
st.markdown("`x[i, j]` lands at `x.T[j, i]`: row `i` of `x` becomes column `i` of `x.T`. "
            "Unlike reshape, the **order changes**: read `x.T` row by row and you get "
            + transposed_reading(rows, cols) + ".")
code_panel(transpose_code(rows, cols))

st.markdown("**More axes.** `np.transpose(x, axes)` puts axis `axes[k]` of `x` at position "
            "`k`. Nothing moves in a picture this big, so we draw the axes: each keeps its "
            "size and colour, and gets a new number. With no `axes`, the order is reversed.")
example_buttons(["None", "(3, 2, 1, 0)", "(0, 2, 1, 3)", "(1, 0, 2, 3)", "(0, 0, 1, 2)"],
                SETTINGS["axes"], columns=5, key_prefix="transpose_axes_example")
c1, c2 = st.columns(2)
shape_text = setting_widget(SETTINGS["nd_shape"], c1)
axes_text = setting_widget(SETTINGS["axes"], c2)
try:
    nd_shape, axes = SETTINGS["nd_shape"].parse(shape_text), SETTINGS["axes"].parse(axes_text)
    out = transpose_shape(nd_shape, axes)
except ShapeError as err:
    show_error(f"np.transpose → ValueError: {err}")
except ValueError as err:
    show_error(f"Cannot read this: {err}")
else:
    plotly(axis_permutation_figure(nd_shape, transpose_order(len(nd_shape), axes),
                                   names=("x", f"np.transpose(x, {axes_text.strip() or None})")),
           key="transpose_axes_fig")
    shape_badge("result shape", out)
    code_panel(f"x = np.zeros({format_shape(nd_shape)})\n"
               f"np.transpose(x, axes={axes}).shape   # {format_shape(out)}")
nav_link("pages/dot_product.py", "Where the 784-long rows go: a dense layer (Dot product)", "✖️")

# -------------------------------------------------------------- 4. predict the shape
st.subheader("4 · Predict the shape")
shape_quiz(["reshape"], key="reshape_quiz", show_score=False)

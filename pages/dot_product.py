"""Dot product: the shape rule of the tensor product, a matmul cell by cell, np.dot vs @
vs np.tensordot on N-D tensors, the book's naive loops, and the dense layer that uses it."""
import numpy as np
import streamlit as st

from lib.figures.common import values_grid
from lib.figures.dot import matmul_animation, shape_rule_figure
from lib.rules.products import (DENSE_LAYER_CODE, DOT_CLAIM, DOT_CLAIM_ANSWER, DOT_RACES,
                                DOT_RULE_PRESETS, PRODUCT_PRESETS, PRODUCT_RULES, check_product,
                                dot_claim_code, dot_code, dot_race_metrics, matmul_code,
                                order_note, random_matrix, shape_or_error, typed_matrix)
from lib.rules import BOOK_BATCH_SIZE
from lib.rules.race import random_operands
from lib.core.source import source
from lib.rules.shapes import (broadcast_shape, dot_shape, format_shape, matmul_shape, paired_axes,
                              pairing_rule, pairing_sentences)
from lib.ui import (code_panel, enter_page, main_place, nav_link, page_intro, plotly,
                    projector_height, race_button, race_scoreboard, setting_widget, shape_badge,
                    shape_badges, shape_pair_inputs, show_error, top_slot)
from lib.ui.quiz import shape_quiz
from lib.site.views import DOT_PRODUCT as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page


page_intro("✖️ Dot product",
           "A dense layer computes `relu(dot(input, W) + b)`. The `dot` is the **tensor "
           "product**: each output number is a row times a column, summed. Unlike `+`, it "
           "combines *different* entries, so its shapes follow their own rule.")
first = top_slot()          # projector mode: the two shapes and the rule's figure, under the title


# ------------------------------------------------------------------- 1. the rule
with main_place(first, "1 · The shape rule: the inner sizes must match",
                f"`np.dot(x, y)` sums products along one pair of axes: it pairs the "
                f"{pairing_rule('dot')}.", small=True):
    pair = shape_pair_inputs(SETTINGS["x"], SETTINGS["y"], DOT_RULE_PRESETS, key="dot_rule")
    if pair:
        x_shape, y_shape = pair
        result, error = shape_or_error(dot_shape, x_shape, y_shape)
        plotly(shape_rule_figure(x_shape, y_shape, paired_axes("dot", x_shape, y_shape), result,
                                 names=("x", "y"), height=projector_height(250, 300)),
               key="dot_rule_fig")
if pair:
    st.markdown(" ".join(pairing_sentences("dot", x_shape, y_shape)))
    if error:
        show_error(f"ValueError: {error}")
    else:
        shape_badge("np.dot(x, y).shape", result)
    code_panel(dot_code(x_shape, y_shape, result))

# ---------------------------------------------------------- 2. cell by cell
st.subheader("2 · A matrix product, one multiply-add at a time")
n, k, m, seed = (setting_widget(SETTINGS[name], column)
                 for name, column in zip(("n", "k", "m", "seed"), st.columns(4)))
c1, c2 = st.columns(2)
mode = setting_widget(SETTINGS["values"], c1)
by_cell = setting_widget(SETTINGS["by_cell"], c2)
A, B = random_matrix((n, k), seed), random_matrix((k, m), seed + 1)
if mode == "type your own":
    st.caption("Edit the cells (numbers between -99 and 99; an empty cell counts as 0).")
    c1, c2 = st.columns(2)
    A = c1.data_editor(A, key=f"dot_edit_a_{n}_{k}_{seed}")
    B = c2.data_editor(B, key=f"dot_edit_b_{k}_{m}_{seed}")
    A, B = typed_matrix(A), typed_matrix(B)
plotly(matmul_animation(A, B, by_cell=by_cell), key="dot_matmul_anim")
st.markdown(f"`C[i, j]` is **row i of A** dotted with **column j of B**: {k} products added up. "
            f"A `({n}, {k})` @ `({k}, {m})` needs {n * m * k} multiply-adds and gives `({n}, {m})`.")
code_panel(matmul_code(A, B))

# ----------------------------------------------------------- 3. order matters
st.subheader("3 · `A @ B` is usually not `B @ A`")
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"`A @ B`: `({n}, {k})` @ `({k}, {m})` → `({n}, {m})`")
    plotly(values_grid(A @ B, colorscale="Greens"), key="dot_ab")
with c2:
    ba, error = shape_or_error(matmul_shape, (k, m), (n, k))
    st.markdown(f"`B @ A`: `({k}, {m})` @ `({n}, {k})` → `{format_shape(ba) if ba else '✗'}`")
    if error:
        show_error(f"B @ A does not exist: {error}. Set rows of A = columns of B to get both.")
    else:
        plotly(values_grid(B @ A, colorscale="Oranges"), key="dot_ba")
st.caption("`B @ A` exists only when rows of A = columns of B. " + order_note(A, B)
           + " Try sizes of 1, or type your own values.")

# -------------------------------------------------------------- 4. N-D: three rules
st.subheader("4 · N-D tensors: three products, three rules")
st.markdown("For tensors with more axes NumPy has three products, and each pairs **different "
            "axes**. Green arcs are summed-over pairs whose sizes match; red ones do not.")
with st.container(border=True):
    st.markdown(DOT_CLAIM)
    code_panel(dot_claim_code())
    st.markdown(DOT_CLAIM_ANSWER)
pair = shape_pair_inputs(SETTINGS["a"], SETTINGS["b"], PRODUCT_PRESETS, key="dot_nd")
if pair:
    a_shape, b_shape = pair
    for op, code, words in PRODUCT_RULES:
        check = check_product(op, a_shape, b_shape)
        with st.container(border=True):
            st.markdown(f"**`{code}`** pairs the {words}.")
            if check.pairing:                         # None when an operand has no axis to pair
                plotly(shape_rule_figure(a_shape, b_shape, check.pairing, check.result),
                       key=f"dot_nd_{op}")
            if check.error:
                show_error(f"{code} → ValueError: {check.error}")
                if check.numpy_words is not None:
                    st.caption(f"NumPy's own words: `{check.numpy_words}`")
            else:
                st.markdown(f"`{code}.shape` → **`{format_shape(check.result)}`**")

# ---------------------------------------------------------- 5. the naive loops
st.subheader("5 · The loops inside, and why NumPy is faster")
st.markdown("The book writes the product with plain Python loops. These are the functions "
            "this app runs (they equal `np.dot`, checked by our tests):")
code_panel(source(*(race[0] for race in DOT_RACES.values())))
c1, c2, c3 = st.columns(3)
which = c1.selectbox("Race", list(DOT_RACES), index=2, key="dot_race_kind")
naive_fn, shapes_of, low, high = DOT_RACES[which]
size = c2.slider("size", low, high, min(high, max(low, high // 3)), key=f"dot_race_size_{which}")
repeats = c3.slider("repeats", 1, 10, 3, key="dot_race_repeats")
x_shape, y_shape = shapes_of(size)
raced = race_button(f"🏁 Race {which}: {format_shape(x_shape)} · {format_shape(y_shape)}",
                    "dot_race", naive_fn, np.dot, lambda: random_operands(x_shape, y_shape),
                    repeats, state_key="dot_race_result", context=(which, size))
if raced is not None:
    kind, raced_size, res = raced
    race_scoreboard(res, dot_race_metrics(kind, raced_size, res), key="dot_race_bars")

# --------------------------------------------------------- 6. the dense layer
st.subheader("6 · Where you meet it: a dense layer on a batch")
batch, w_shape, b_shape = (BOOK_BATCH_SIZE, 784), (784, 512), (512,)   # the book's batch
xw = dot_shape(batch, w_shape)
plotly(shape_rule_figure(batch, w_shape, paired_axes("dot", batch, w_shape), xw,
                         names=("input", "W")), key="dot_dense")
shape_badges(("np.dot(input, W)", xw, "784 pixels summed into each of 512 units"),
             ("+ b  (b is (512,))", broadcast_shape(xw, b_shape), "b is added to every row"),
             ("relu(…)", broadcast_shape(xw, b_shape), "element-wise: the shape stays"))
code_panel(DENSE_LAYER_CODE, caption="The 784 shared by input and W is summed away; each of "
                                     f"the {BOOK_BATCH_SIZE} digits gets 512 numbers.")
st.markdown(f"Adding `b` of shape `(512,)` to a `{format_shape(xw)}` result is **broadcasting**: "
            f"the same bias row is added to all {BOOK_BATCH_SIZE} rows.")
nav_link("pages/broadcasting.py",
         f"How `+ b` stretches (512,) to {format_shape(xw)}: Broadcasting", "📡")
nav_link("pages/reshape_transpose.py",
         f"Where {format_shape(batch)} comes from: Reshape & transpose", "🔄")

# --------------------------------------------------------- 7. predict the shape
st.subheader("7 · Predict the shape")
shape_quiz(["dot"], key="dot_quiz", show_score=False)

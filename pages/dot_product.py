"""Dot product: the shape rule of the tensor product, a matmul cell by cell, np.dot vs @
vs np.tensordot on N-D tensors, the book's naive loops, and the dense layer that uses it."""
import numpy as np
import streamlit as st

from lib.figures.common import values_grid
from lib.figures.dot import matmul_animation, shape_rule_figure
from lib.figures.elementwise import race_bars
from lib.products import (DOT_CLAIM, DOT_CLAIM_ANSWER, DOT_RACES, PRODUCT_RULES, array_literal,
                          dot_claim_code, dot_pairing_sentence, numpy_says, order_note,
                          paired_axes, random_matrix, shape_or_error)
from lib.race import race
from lib.source import source
from lib.shapes import (broadcast_shape, dot_shape, format_shape, matmul_shape,
                        tensordot_shape)
from lib.ui import (code_panel, enter_page, main_place, nav_link, page_intro, plotly,
                    projector_height, setting_widget, shape_badge, shape_pair_inputs, show_error,
                    top_slot)
from lib.ui.quiz import shape_quiz
from lib.views import DOT_PRODUCT as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page


page_intro("✖️ Dot product",
           "A dense layer computes `relu(dot(input, W) + b)`. The `dot` is the **tensor "
           "product**: each output number is a row times a column, summed. Unlike `+`, it "
           "combines *different* entries, so its shapes follow their own rule.")
first = top_slot()          # projector mode: the two shapes and the rule's figure, under the title


# ------------------------------------------------------------------- 1. the rule
with main_place(first, "1 · The shape rule: the inner sizes must match",
                "`np.dot(x, y)` sums products along one pair of axes: the **last axis of `x`** "
                "with the **second-to-last axis of `y`** (`y`'s only axis when `y` is a vector; "
                "a matrix's rows). Those two sizes must be equal; every other axis makes the "
                "result.", small=True):
    pair = shape_pair_inputs(SETTINGS["x"], SETTINGS["y"], {
        "vector · vector": ("(10,)", "(10,)"), "matrix · vector": ("(32, 10)", "(10,)"),
        "matrix · matrix": ("(32, 10)", "(10, 64)"), "sizes disagree": ("(32, 10)", "(64, 10)")},
        key="dot_rule")
    if pair:
        x_shape, y_shape = pair
        result, error = shape_or_error(dot_shape, x_shape, y_shape)
        plotly(shape_rule_figure(x_shape, y_shape, paired_axes("dot", x_shape, y_shape), result,
                                 names=("x", "y"), height=projector_height(250, 300)),
               key="dot_rule_fig")
if pair:
    st.markdown(dot_pairing_sentence(x_shape, y_shape))
    if error:
        show_error(f"ValueError: {error}")
    else:
        shape_badge("np.dot(x, y).shape", result)
    code_panel(f"x = np.random.random({format_shape(x_shape)})\n"
               f"y = np.random.random({format_shape(y_shape)})\n"
               f"z = np.dot(x, y)   # {format_shape(result) if result is not None else 'ValueError'}")

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
    A, B = (np.clip(np.nan_to_num(np.asarray(v, dtype=float)), -99, 99) for v in (A, B))
plotly(matmul_animation(A, B, by_cell=by_cell), key="dot_matmul_anim")
st.markdown(f"`C[i, j]` is **row i of A** dotted with **column j of B**: {k} products added up. "
            f"A `({n}, {k})` @ `({k}, {m})` needs {n * m * k} multiply-adds and gives `({n}, {m})`.")
code_panel(f"A = {array_literal(A)}   # ({n}, {k})\nB = {array_literal(B)}   # ({k}, {m})\n"
           f"C = A @ B   # same as np.dot(A, B) for matrices; shape ({n}, {m})")

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
pair = shape_pair_inputs(SETTINGS["a"], SETTINGS["b"], {
    "(4, 3, 2) and (2, 4, 5)": ("(4, 3, 2)", "(2, 4, 5)"),
    "(4, 3, 2) and (5, 2, 6)": ("(4, 3, 2)", "(5, 2, 6)"),
    "batch: (8, 3, 2) and (8, 2, 5)": ("(8, 3, 2)", "(8, 2, 5)")}, key="dot_nd")
RULES = {"tensordot": tensordot_shape, "dot": dot_shape, "matmul": matmul_shape}
if pair:
    a_shape, b_shape = pair
    for op, code, words in PRODUCT_RULES:
        result, error = shape_or_error(RULES[op], a_shape, b_shape)
        with st.container(border=True):
            st.markdown(f"**`{code}`** pairs the {words}.")
            pairing, _ = shape_or_error(paired_axes, op, a_shape, b_shape)
            if pairing:                               # None when an operand has no axis to pair
                plotly(shape_rule_figure(a_shape, b_shape, pairing, result), key=f"dot_nd_{op}")
            if error:
                show_error(f"{code} → ValueError: {error}")
                said = numpy_says(op, a_shape, b_shape)
                if said is not None:
                    st.caption(f"NumPy's own words: `{said[1]}`")
            else:
                st.markdown(f"`{code}.shape` → **`{format_shape(result)}`**")

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
if st.button(f"🏁 Race {which}: {format_shape(x_shape)} · {format_shape(y_shape)}", key="dot_race"):
    rng = np.random.default_rng(0)
    x, y = rng.random(x_shape), rng.random(y_shape)
    bar = st.progress(0.0, text="racing…")
    st.session_state["dot_race_result"] = (which, size, race(
        naive_fn, np.dot, (x, y), repeats, progress=lambda f, label: bar.progress(f, text=label)))
    bar.empty()
if "dot_race_result" in st.session_state:
    kind, raced_size, res = st.session_state["dot_race_result"]
    c1, c2, c3 = st.columns(3)
    c1.metric(f"naive loops, one {kind}", f"{res.naive_seconds / res.repeats * 1e3:.2f} ms")
    c2.metric("np.dot, one call", f"{res.numpy_seconds / res.repeats * 1e3:.3f} ms")
    c3.metric("NumPy is faster by", f"{res.speedup:,.0f}×",
              help=f"size {raced_size}, mean of {res.repeats} runs; same result: {res.results_equal}")
    plotly(race_bars(res), key="dot_race_bars")

# --------------------------------------------------------- 6. the dense layer
st.subheader("6 · Where you meet it: a dense layer on a batch")
batch, w_shape, b_shape = (128, 784), (784, 512), (512,)
xw = dot_shape(batch, w_shape)
plotly(shape_rule_figure(batch, w_shape, paired_axes("dot", batch, w_shape), xw,
                         names=("input", "W")), key="dot_dense")
c1, c2, c3 = st.columns(3)
with c1:
    shape_badge("np.dot(input, W)", xw, help="784 pixels summed into each of 512 units")
with c2:
    shape_badge("+ b  (b is (512,))", broadcast_shape(xw, b_shape), help="b is added to every row")
with c3:
    shape_badge("relu(…)", broadcast_shape(xw, b_shape), help="element-wise: the shape stays")
code_panel("""
input = train_images[:128].reshape((128, 28 * 28))   # (128, 784) a batch
W = np.random.random((784, 512))                      # (784, 512) kernel
b = np.zeros((512,))                                  # (512,) biases
output = np.maximum(np.dot(input, W) + b, 0.)         # (128, 512) relu
""", caption="The 784 shared by input and W is summed away; each of the 128 digits gets 512 numbers.")
st.markdown("Adding `b` of shape `(512,)` to a `(128, 512)` result is **broadcasting**: "
            "the same bias row is added to all 128 rows.")
nav_link("pages/broadcasting.py", "How `+ b` stretches (512,) to (128, 512): Broadcasting", "📡")
nav_link("pages/reshape_transpose.py", "Where (128, 784) comes from: Reshape & transpose", "🔄")

# --------------------------------------------------------- 7. predict the shape
st.subheader("7 · Predict the shape")
shape_quiz(["dot"], key="dot_quiz", show_score=False)

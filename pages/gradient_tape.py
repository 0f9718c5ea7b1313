"""Gradient tape: tf.GradientTape records a computation and gives back its gradient."""
from __future__ import annotations

import streamlit as st

from lib import ui

from lib.rules import tape
from lib.figures.training import tangent_figure
from lib.core.source import source
from lib.site.views import GRADIENT_TAPE as SETTINGS

ui.enter_page(__file__)        # first: routes a direct link, records the page


ui.page_intro(
    "📼 Gradient tape",
    "Training needs one number per weight: how much the loss changes when that weight moves a "
    "little, the **gradient**. TensorFlow's `GradientTape` gets it for you: run the computation "
    "inside `with tf.GradientTape() as tape:`, then ask `tape.gradient(y, x)`.")
first = ui.top_slot()          # projector mode: a function, a point and its tangent, under the title

SPINNER = "Importing TensorFlow (the first time takes a few seconds)…"


@st.cache_data(show_spinner=SPINNER)
def book_gradient() -> float:
    return tape.book_example()


@st.cache_data(show_spinner=SPINNER)
def unwatched_gradient() -> str:
    return repr(tape.unwatched_example())


@st.cache_data(show_spinner=SPINNER, max_entries=1000)
def gradient(key: str, x: float, a: float, b: float) -> tuple[float, float]:
    return tape.tape_gradient(key, x, a, b)


@st.cache_data(show_spinner=SPINNER)
def tensors() -> dict:
    return tape.tensor_example()


# ---------------------------------------------------------------- the book's example
st.header("The book's example: y = 2x + 3")
code, result = st.columns([3, 2])
with code:
    ui.code_panel(source(tape.book_example),
                  "`x` is a constant tensor (`tf.zeros`), not a `tf.Variable`: the tape only "
                  "records what happens to it after `tape.watch(x)`. Variables are watched "
                  "without asking.")
with result:
    ui.shape_badge("grad_of_y_wrt_x", f"{book_gradient():g}",
                   help="computed just now by tf.GradientTape")
    st.markdown("The line `y = 2x + 3` rises by **2** for every step of 1 in `x`, wherever you "
                "stand: its slope is 2, and that is exactly what the tape returns.")
with st.expander("And without `tape.watch(x)`?"):
    ui.code_panel(source(tape.unwatched_example),
                  f"Run just now: `tape.gradient(y, x)` returns `{unwatched_gradient()}`. The tape "
                  "kept no record of the constant `x`, so it has no gradient to give (and no "
                  "error either).")

# ---------------------------------------------------------------- pick a function
with ui.main_place(first, "Your turn: a function and a point"):
    controls, picture = st.columns([2, 3])
with controls:
    key = ui.setting_widget(SETTINGS["function"])
    fn = tape.FUNCTIONS[key]
    a, b = SETTINGS["a"].default, SETTINGS["b"].default
    if key == "linear":
        cols = st.columns(2)
        a, b = (ui.setting_widget(SETTINGS[name], col) for name, col in zip("ab", cols))
    x = ui.setting_widget(SETTINGS["x"])
try:
    y, grad = gradient(key, float(x), float(a), float(b))
except ValueError as err:
    ui.show_error(str(err))
    st.stop()
exact = tape.analytic_gradient(key, x, a, b)
with controls:
    ui.code_panel(tape.snippet(key, x, a, b), "What runs for your choice (tape_gradient).")
    m = st.columns(2)
    m[0].metric("tape.gradient(y, x)", f"{grad:.6g}")
    same = abs(grad - exact) <= 1e-5 * max(1.0, abs(exact))
    m[1].metric(fn.derivative_text, f"{exact:.6g}", delta="✓ same" if same else "differs",
                delta_color="green" if same else "red", delta_arrow="off",
                help="the derivative worked out by hand, evaluated at x")
with picture:
    xs, ys = tape.curve(key, x, a, b)
    # the curve drawn is the one the code beside it differentiates: a and b as chosen
    formula = f"y = {a:g}·x + {b:g}" if key == "linear" else fn.formula
    ui.plotly(tangent_figure(xs, ys, x, y, grad, title=f"{formula} and its tangent at x = {x:g}",
                             height=ui.projector_height(420, 440)), key="tape_tangent")
    st.markdown(f"The dashed line touches the curve at `x = {x:g}` with slope **{grad:.4g}**, the "
                f"tape's gradient. {fn.note}")

# ---------------------------------------------------------------- tensors
st.header("With tensors: one gradient per weight, same shape")
out = tensors()
left, right = st.columns([3, 2])
with left:
    ui.code_panel(source(tape.tensor_example),
                  "The same pattern as a dense layer: `x @ W + b`, with `W` and `b` as variables.")
with right:
    row = st.columns(2)
    with row[0]:
        ui.shape_badge("W.shape", out["W"].shape)
        ui.shape_badge("b.shape", out["b"].shape)
    with row[1]:
        ui.shape_badge("gradient of W", out["grad_W"].shape)
        ui.shape_badge("gradient of b", out["grad_b"].shape)
    grad_b, grad_W = (out[k].astype(float).round(2).tolist() for k in ("grad_b", "grad_W"))
    st.markdown("`y` is a `(2, 2)` tensor, not one number: the tape then differentiates the "
                f"sum of its entries. So `gradient of b = {grad_b}` (each of the 2 rows of `y` "
                "adds `b` once), and each row `i` of the gradient of `W` repeats "
                f"`x[:, i].sum()`: `{grad_W}`.")
    st.markdown("Each gradient has the shape of its variable, so an update can subtract them "
                "entry by entry: `w.assign(w - g * learning_rate)`. That is the last line of "
                "the naive network's training step (`update_weights_manual`).")
    ui.nav_link("pages/train_naive.py", "Train the naive network with it", "🏋️")

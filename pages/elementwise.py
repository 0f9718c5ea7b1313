"""Element-wise ops: the book's naive loops beside NumPy's one-liners, and a race between them."""
import numpy as np
import streamlit as st

from lib.rules.elementwise import (BOOK_ADD_INPUTS, BOOK_RACE_REPEATS, BOOK_RACE_SHAPE,
                             BOOK_RELU_INPUT, MAX_RACE_ELEMENT_STEPS, max_repeats, naive_add,
                             naive_add_relu, naive_relu, numpy_add_relu, race_code, race_inputs,
                             relu_slip, small_integer_matrix)
from lib.figures.elementwise import value_grids
from lib.core.source import source
from lib.ui import (code_panel, enter_page, main_place, page_intro, plotly, projector_height,
                    projector_requested, race_button, race_scoreboard, setting_widget,
                    shape_badge, top_slot)
from lib.site.views import ELEMENTWISE as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page

page_intro("➕ Element-wise ops",
           "`relu` and `+` work on each element **on its own**: entry `[i, j]` of the result "
           "only looks at entry `[i, j]` of the inputs. Written as Python loops you can see "
           "every step; NumPy runs equivalent loops in compiled C, and a race shows how much "
           "that matters.")
first = top_slot()          # projector mode: the small matrices, right under the title

# --------------------------------------------------------------------------- 1. code
st.header("1. Two ways to write it")
loops, numpy_side = st.columns(2)
with loops:
    st.markdown("**Naive Python loops** (they handle a vector or a matrix)")
    code_panel(source(naive_relu))
    code_panel(source(naive_add))
with numpy_side:
    st.markdown("**NumPy one-liners** (any shape, no loop in sight)")
    code_panel("""
z = np.maximum(x, 0.)       # relu   (rows, cols)
z = x + y                   # add    (rows, cols)
z = np.maximum(x + y, 0.)   # both: the last two steps of a Dense layer
""")
    st.markdown("Both sides return a **new** tensor and leave `x` and `y` untouched; the "
                "loops copy `x` first, so the caller's data never changes behind its back.")

# --------------------------------------------------------------------------- 2. pictures
with main_place(first, "2. Watch it on a small matrix"):
    c0, c1, c2, c3 = st.columns([3, 2, 2, 2])
    # projector mode: the two pictures side by side; otherwise one under the other
    relu_place, add_place = st.columns(2) if projector_requested() else (st.container(), None)
book = setting_widget(SETTINGS["values"], c0) == SETTINGS["values"].default
rows = setting_widget(SETTINGS["rows"], c1, disabled=book)
cols = setting_widget(SETTINGS["cols"], c2, disabled=book)
seed = setting_widget(SETTINGS["seed"], c3, disabled=book)
if book:
    relu_in = np.array(BOOK_RELU_INPUT)                        # (3, 3)
    x, y = (np.array(v) for v in BOOK_ADD_INPUTS)             # (2, 3) and (2, 3)
else:
    x = relu_in = small_integer_matrix(rows, cols, seed=int(seed))   # (rows, cols)
    y = small_integer_matrix(rows, cols, seed=int(seed) + 1)          # (rows, cols)
relu_x, sum_xy = naive_relu(relu_in), naive_add(x, y)
grid_height = projector_height(None, 330)

with relu_place:
    st.subheader("relu: every negative entry becomes 0")
    plotly(value_grids([("x", relu_in), ("naive_relu(x)", relu_x)], symbols=["→"],
                       height=grid_height), key="ew_relu_grid")
same = np.array_equal(relu_x, np.maximum(relu_in, 0.))
st.markdown(f"Red cells (negative) turn white (0); blue cells keep their value. "
            f"`np.array_equal(naive_relu(x), np.maximum(x, 0.))` → **{same}**")

if book:
    slip, fix = relu_slip()
    for column, example in zip(st.columns(2), (slip, fix)):
        with column:
            code_panel(f"{example.code}\n# prints:\n" + "\n".join(
                f"# {line}" for line in example.printed.splitlines()))
    st.markdown("**A slip worth seeing.** The notebook calls `naive_relu(array)` and then prints "
                "`array`: the negatives are all still there. `naive_relu` copies its input and "
                "*returns* the result, which that line throws away, so `array` never changes. "
                "Print what it returns (right) to see relu's work.")

with add_place or st.container():
    st.subheader("addition: entry by entry")
    plotly(value_grids([("x", x), ("y", y), ("naive_add(x, y)", sum_xy)], symbols=["+", "="],
                       height=grid_height), key="ew_add_grid")
left, right = st.columns([1, 2])
with left:
    shape_badge("Result shape", sum_xy.shape)
with right:
    st.markdown(f"`naive_add(x, y)[0, 0]` is `x[0, 0] + y[0, 0]` = {x[0, 0]:g} + {y[0, 0]:g} = "
                f"**{sum_xy[0, 0]:g}**, and so on for all {sum_xy.size} cells. "
                f"Same as `x + y`: **{np.array_equal(sum_xy, x + y)}**")

# --------------------------------------------------------------------------- 3. race
st.header("3. The race: loops against NumPy")
st.markdown(f"The book's experiment: `z = x + y` then relu, on `x` and `y` of shape "
            f"`{BOOK_RACE_SHAPE}`, {BOOK_RACE_REPEATS:,} times. First with the naive loops, "
            "then with NumPy.")
r1, r2, r3 = st.columns(3)
race_rows = setting_widget(SETTINGS["race_rows"], r1)
race_cols = setting_widget(SETTINGS["race_cols"], r2)
repeats = setting_widget(SETTINGS["race_repeats"], r3)
shape = (int(race_rows), int(race_cols))
limit = max_repeats(shape)
if repeats > limit:
    st.warning(f"{int(repeats):,} repetitions of {shape} would keep the naive loops busy "
               f"too long; the race is capped at {MAX_RACE_ELEMENT_STEPS:,} element steps, so "
               f"it runs **{limit:,}** repetitions.", icon="⏱️")
    repeats = limit
code_panel(race_code(shape, int(repeats)))

raced = race_button("🏁 Run the race", "race_run", naive_add_relu, numpy_add_relu,
                    lambda: race_inputs(shape, seed=0), int(repeats), state_key="race_result",
                    context=(shape,), start_text="naive loops: starting…", primary=True)

if raced is not None:
    raced_shape, result = raced
    race_scoreboard(result, [("naive loops", f"{result.naive_seconds:.3f} s"),
                             ("NumPy", f"{result.numpy_seconds:.4f} s"),
                             ("speed-up", f"{result.speedup:,.0f}×")], key="race_bars")
    if result.results_equal:
        st.success(f"Same answer on both sides: `np.allclose` of the two results is True "
                   f"({raced_shape}, {result.repeats:,} repetitions each).", icon="✅")
    else:
        st.error("The two sides disagree: that would be a bug in the loops.", icon="❌")
    st.markdown("The arithmetic is the same on both sides. The difference: every "
                "`x[i, j] += y[i, j]` of the loops goes through the Python interpreter, one "
                "element at a time, while NumPy hands each whole-array operation (`x + y`, then "
                "`np.maximum`) to a compiled C loop, which can use the CPU's vector "
                "instructions and never comes back to Python in between.")


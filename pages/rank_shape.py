"""Rank & shape: what ndim, shape and dtype say about a tensor, drawn."""
import numpy as np
import streamlit as st

from lib.figures.common import values_grid
from lib.figures.tensors import axes_diagram, tensor_cubes
from lib.rules.shapes import format_shape
from lib.rules.tensors import MAX_DRAWN_ELEMENTS, REAL_WORLD, build_code, build_tensor, examples
from lib.core.units import format_bytes
from lib.ui import (code_panel, enter_page, get_dataset, main_place, open_tabs, page_intro, plotly,
                    projector_height, projector_requested, setting_widget, shape_badge,
                    show_error, top_slot)
from lib.site.views import RANK_SHAPE as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page


page_intro("🧊 Rank & shape",
           "A tensor is a box of numbers. Its **rank** (`ndim`) is how many axes it has, its "
           "**shape** how long each axis is, its **dtype** what kind of number sits in each cell.")
first = top_slot()          # projector mode: the builder and its cube, right under the title


def draw(x: np.ndarray, key: str, height: int = 520, projector: bool = False) -> None:
    """Rank 0 as a number, 1-2 as coloured cells, 3-5 as cubes of cells (at most `height`;
    on a projector the column is wide and the figure's text 1.4x)."""
    if x.ndim == 0:
        st.markdown(f"<div style='font-size:4rem;font-weight:700;text-align:center'>{x.item():g}</div>",
                    unsafe_allow_html=True)
    elif x.ndim <= 2:
        plotly(values_grid(x, max_height=height), key=key)
    else:
        plotly(tensor_cubes(x, height=height, aspect=1.3 if projector else 1.0,
                            text_scale=1.4 if projector else 1.0), key=key)


def attributes(x: np.ndarray) -> None:
    a, b, c = st.columns([1, 3, 2])
    a.metric("x.ndim", x.ndim)
    b.metric("x.shape", format_shape(x.shape))
    c.metric("x.dtype", str(x.dtype))


st.header("From a number to a cube")
by_label = {f"Rank {i}: {ex.name}": (i, ex) for i, ex in enumerate(examples())}
for tab, label in open_tabs(by_label, key="rank_example_tab"):   # only the open tab runs:
    rank, ex = by_label[label]              # a student's first view draws one example, not five
    with tab:
        left, right = st.columns([2, 3])
        with left:
            code_panel(ex.code)
            attributes(ex.array)
            st.markdown(f"**Picture:** {ex.picture}. Adding an axis wraps the previous "
                        "tensor in one more pair of brackets." if rank else
                        f"**Picture:** {ex.picture}. A scalar has rank 0 and shape `()`.")
        with right:
            draw(ex.array, key=f"rank_example_{rank}", projector=projector_requested())

with main_place(first, "Build a tensor", "Pick a rank and the size of each axis. The picture, "
                "the code and the attributes follow."):
    controls, picture = st.columns([2, 3])
with controls:
    rank = setting_widget(SETTINGS["rank"])
    size_cols = st.columns(max(rank, 1))
    sizes = [setting_widget(SETTINGS[f"axis_{axis}"], size_cols[axis]) for axis in range(rank)]
    dtype_col, seed_col = st.columns(2)
    dtype = setting_widget(SETTINGS["dtype"], dtype_col)
    seed = setting_widget(SETTINGS["seed"], seed_col)
shape = tuple(int(s) for s in sizes)
try:
    x = build_tensor(shape, dtype, seed=int(seed))
except ValueError as err:
    with picture:
        show_error(f"{err}. At most {MAX_DRAWN_ELEMENTS:,} elements are drawn.")
else:
    with controls:
        code_panel(build_code(shape, dtype, int(seed)))
        attributes(x)
        st.caption(f"{x.size:,} elements × {x.itemsize} byte{'s' * (x.itemsize > 1)} ({dtype}) "
                   f"= {format_bytes(x.nbytes)}")
    with picture:
        shape_badge("Resulting shape", x.shape)
        draw(x, key="builder_picture", height=projector_height(520, 420),
             projector=projector_requested())
        if x.ndim >= 3:
            st.caption("Drag to turn the cube. The last axis runs across, the one before it down, "
                       "the one before that into the page; a 4th axis sets cubes side by side, a 5th "
                       "stacks those rows.")

st.header("The tensor you will train on")
data = get_dataset()
train_images = data.train_images
code_panel("""
train_images.ndim    # 3
train_images.shape   # %s
train_images.dtype   # uint8
""" % format_shape(train_images.shape))
plotly(axes_diagram(train_images.shape, ("digits", "rows", "columns")), key="train_images_axes")
st.markdown(f"A rank-3 tensor of 8-bit integers: {len(train_images):,} matrices of 28×28 "
            f"bytes, {format_bytes(train_images.nbytes)} in memory.")

st.header("Real-world data tensors")
st.markdown("The first axis is almost always the **samples** axis. The other axes depend on "
            "what one sample is.")
for t in REAL_WORLD:
    left, right = st.columns([3, 1])
    with left:
        plotly(axes_diagram(t.shape, t.axes, title=f"{t.kind}: {format_shape(t.shape)}"),
               key=f"real_world_{t.kind}")
    with right:
        st.metric("as float32", format_bytes(t.float32_bytes))
        st.caption(t.example)

"""Slicing & batches: type a NumPy index into train_images, see what it keeps; then batches."""
import streamlit as st

from lib.figures.common import as_ink, upscale
from lib.figures.slicing import batch_strip, digit_selection, sample_strip, selected_crops
from lib.rules.indexing import (axis_sentence, batch_info, describe_selection, index_to_show,
                                item_shape, parse_index, selection_code)
from lib.rules import BOOK_BATCH_SIZE as B
from lib.rules.shapes import format_shape
from lib import ui
from lib.ui.quiz import shape_quiz
from lib.site.views import SLICING as SETTINGS

ui.enter_page(__file__)        # first: routes a direct link, records the page
ss = st.session_state

FULL_MNIST_TRAIN = 60_000  # only for the worked example; the page uses len(train_images)
BOOK_BATCH = f"train_images[{B} * n : {B} * (n + 1)]"
BATCH_INDEX = "train_images[batch_size * n : batch_size * (n + 1)]"
EXAMPLES = ["train_images[10:100]", "train_images[10:100, :, :]",
            "train_images[10:100, 0:28, 0:28]", "train_images[:, 14:, 14:]",
            "train_images[:, 7:-7, 7:-7]", "train_images[4]", "train_images[:, ::2, ::-1]",
            "train_images[..., 14]", BOOK_BATCH]

data = ui.get_dataset()
train_images, train_labels = data.train_images, data.train_labels   # (N, 28, 28), (N,)
N = len(train_images)

ui.page_intro("✂️ Slicing & batches",
              f"`train_images` holds **{N:,}** digits here ({data.description}). Choosing part "
              "of a tensor is called **slicing**: type an index below and see which samples, "
              "rows and columns it keeps, and the shape that comes out.")
first = ui.top_slot()        # projector mode: the index, then the digit with its kept region

# The index may use n and batch_size, whose sliders are drawn in section 2.
SIZE_BOUNDS = (1, min(1024, N))
batch_size = ui.setting_value(SETTINGS["batch_size"], SIZE_BOUNDS)
last_batch = batch_info(N, batch_size).num_batches - 1
if ss.get(SETTINGS["n"].key, 0) > last_batch:   # fewer batches than before: take the last
    ui.apply(SETTINGS, {"n": last_batch})
variables = {"n": ui.setting_value(SETTINGS["n"], (0, last_batch)), "batch_size": batch_size}

# ---------------------------------------------------------------- 1. type an index
with ui.main_place(first, "1 · Select part of `train_images`",
                   "Each axis gets `start:stop:step` (stop excluded, any part optional), a "
                   "single number, `...` (all remaining axes) or `None` (a new axis of size 1). "
                   "Negative numbers count from the end. Under the box, the first five examples "
                   "and the last are the notebook's; the others show more of the syntax.",
                   small=True):
    box, badge = st.columns([3, 2] if ui.projector_requested() else [3, 1],  # 1.4x type: room
                            vertical_alignment="bottom")
text = ui.setting_widget(SETTINGS["index"], box)
ui.example_buttons(EXAMPLES, SETTINGS["index"], columns=3, key_prefix="slicing_example")
# a typo keeps the pictures of the last index that worked, so the page stays useful
drawn = index_to_show(train_images.shape, text, variables, ui.last_good("slicing_index"),
                      EXAMPLES[0])
if drawn.fallback:
    ui.show_error(drawn.error)
    st.caption(f"The pictures below still show the last index that worked: `{drawn.text}`.")
else:
    ui.keep_last_good("slicing_index", text)
text, index, selection = drawn.text, drawn.index, drawn.selection

samples, rows, cols = selection.axes
with badge:
    ui.shape_badge("selection.shape", selection.shape,
                   help="Axes picked by a single number disappear; None adds a 1.")
ui.code_panel(selection_code(text, index, selection.shape, variables))
st.markdown("\n".join(f"- {axis_sentence(sel)}" for sel in selection.axes)
            + ("\n- each `None` / `np.newaxis` adds an axis of size 1 to the result"
               if any(item is None for item in index) else ""))

st.markdown("**Axis 0: which digits are kept**")
ui.plotly(sample_strip(samples), key="slicing_samples")
st.caption("Top: every sample of `train_images`, darker where more are kept. "
           "Bottom: a close-up where each kept sample shows its place in the result "
           "(steps appear as stripes; a negative step counts down).")

shown = samples.positions[0] if samples.count else 0
with ui.main_place(first):
    digit_col, crops_col = st.columns([3, 2])
with digit_col:
    st.markdown(f"**Axes 1 and 2 on `train_images[{shown}]`**: dropped pixels are veiled red")
    ui.plotly(digit_selection(train_images[shown], rows, cols,
                              height=ui.projector_height(470, 350)), key="slicing_digit")
    st.caption("Tick labels give each row/column both ways: from the start | from the end "
               "(so `7:-7` keeps rows 7 to 20). A red arrow means the axis is read backwards.")
with crops_col:
    st.markdown("**What comes out** (first few items of `selection`, enlarged)")
    crops = selected_crops(train_images, samples, rows, cols, count=8)
    if not crops:
        st.info(f"The result is empty: its shape {format_shape(selection.shape)} has a 0. "
                "A slice whose start is past its stop (with a positive step) keeps nothing.")
    else:
        picked = list(samples.positions[:len(crops)])
        label = "selection" if samples.kind == "int" else "selection[{i}]"
        st.image(crops, caption=[f"{label.format(i=i)} · label {train_labels[p]}"
                                 for i, p in enumerate(picked)])
        digit_shape = item_shape(rows, cols)
        st.caption(f"Each digit that comes out has shape {format_shape(digit_shape)}"
                   + (": a single row or column number keeps a 1-pixel line."
                      if len(digit_shape) < 2 else "."))

# ---------------------------------------------------------------- 2. batches
st.divider()
st.subheader("2 · Cut the data into batches")
st.markdown("A network does not swallow the whole dataset at once: it trains on small "
            "**batches**, slices along axis 0 (the *batch axis*). Batch `n` of size "
            "`batch_size` is `train_images[batch_size * n : batch_size * (n + 1)]`.")
size_col, n_col = st.columns(2)
batch_size = ui.setting_widget(SETTINGS["batch_size"], size_col, options=SIZE_BOUNDS)
if last_batch > 0:
    n = ui.setting_widget(SETTINGS["n"], n_col, options=(0, last_batch))
else:
    n = 0
    ui.apply(SETTINGS, {"n": n})
    n_col.caption("batch_size covers the whole dataset: there is a single batch.")
info = batch_info(N, batch_size, n)
batch_index = parse_index(BATCH_INDEX, {"n": n, "batch_size": batch_size})
batch_shape = describe_selection(train_images.shape, batch_index).shape
ui.code_panel(f"batch = train_images[batch_size * n : batch_size * (n + 1)]\n"
              f"# batch_size = {batch_size}, n = {n}  ->  train_images[{info.start}:{info.stop}]\n"
              f"batch.shape   # {format_shape(batch_shape)}")
m1, m2, m3 = st.columns(3)
with m1:
    ui.shape_badge("batch.shape", batch_shape)
m2.metric("batches per epoch", f"{info.num_batches:,}",
          help=f"ceil({N:,} / {batch_size}): Keras prints this as {info.num_batches}/"
               f"{info.num_batches} while it fits")
m3.metric("last batch holds", f"{info.last_batch_size:,}",
          help=f"{N:,} − {info.num_batches - 1} × {batch_size}")
ui.plotly(batch_strip(info), key="slicing_batches")
first_of_batch = train_images[info.start:info.start + 12]          # (up to 12, 28, 28)
st.image([upscale(img, 2) for img in as_ink(first_of_batch)], width=56,
         caption=[f"label {y}" for y in train_labels[info.start:info.start + 12]])
st.caption(f"The first digits of batch {n}: samples {info.start:,} onwards.")
full = batch_info(FULL_MNIST_TRAIN, B)
st.info(
    f"**Worked example, full MNIST:** {FULL_MNIST_TRAIN:,} training images in batches of {B} "
    f"make ⌈{FULL_MNIST_TRAIN:,} / {B}⌉ = **{full.num_batches}** batches (the "
    f"`{full.num_batches}/{full.num_batches}` Keras shows each epoch); the last holds "
    f"{FULL_MNIST_TRAIN:,} − {full.num_batches - 1} × {B} = **{full.last_batch_size}** images. "
    f"Here, with {N:,} images and batch_size {batch_size}: **{info.num_batches}** batches, "
    f"the last holds **{info.last_batch_size}**.", icon="🧮")
st.button("Type this batch into the index box above", key="slicing_use_batch",
          on_click=lambda: ui.apply(SETTINGS, {"index": BATCH_INDEX}))

# ---------------------------------------------------------------- 3. predict the shape
st.divider()
st.subheader("3 · Predict the shape")
shape_quiz(["slicing"], key="slicing_quiz", show_score=False)

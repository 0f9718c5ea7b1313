"""Home: MNIST as a tensor — the book's first look at the data."""
import numpy as np
import streamlit as st

from lib.site.chapter import HOME, PAGES
from lib.figures.book_digit import book_digit_png
from lib.figures.common import as_ink, digit_heatmap, label_counts_bar, upscale
from lib.rules.tensors import label_counts_sentence, short_repr
from lib.ui import (code_panel, enter_page, get_dataset, main_place, matplotlib_image, nav_link,
                    page_intro, plotly, projector_height, projector_requested, setting_widget,
                    shape_badge, top_slot)
from lib.site.views import HOME as SETTINGS

enter_page(__file__)        # first: routes a direct link, records the page


data = get_dataset()
train_images, train_labels = data.train_images, data.train_labels
test_images, test_labels = data.test_images, data.test_labels

page_intro("🧮 Tensor Lab: MNIST as a tensor",
           "A neural network only ever sees **tensors**: boxes of numbers with a shape. "
           "Here are the handwritten digits of MNIST exactly as the network receives them.")
first = top_slot()          # projector mode: one digit, large, right under the title

code_panel("""
    from keras.datasets import mnist
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
    train_images.shape, train_images.dtype   # the images: one 28x28 grid of bytes per digit
    train_labels.shape                       # the answers: one digit 0-9 per image
""")

c1, c2, c3, c4, c5 = st.columns([5, 3, 5, 3, 3])
with c1:
    shape_badge("train_images.shape", train_images.shape,
                help="samples, rows, columns")
with c2:
    shape_badge("train_labels.shape", train_labels.shape)
with c3:
    shape_badge("test_images.shape", test_images.shape)
with c4:
    shape_badge("test_labels.shape", test_labels.shape)
with c5:
    st.metric("dtype", str(train_images.dtype), help="unsigned 8-bit integers: 0 to 255")
st.markdown(
    f"`train_images` is a **rank-3 tensor**: axis 0 picks a digit ({len(train_images):,} of them), "
    "axis 1 a row (28), axis 2 a column (28). Every pixel is a `uint8` from 0 (paper) "
    "to 255 (ink).")
code_panel(f"train_labels   # {short_repr(train_labels)}\n"
           f"test_labels    # {short_repr(test_labels)}")

left, right = st.columns([3, 2])
with left:
    st.subheader("The first digits and their labels")
    count = 24
    st.image([upscale(img, 2) for img in as_ink(train_images[:count])],
             caption=[f"[{i}] label {train_labels[i]}" for i in range(count)], width=84)
    st.caption(f"`train_images[:{count}]` drawn with the binary colormap; under each, its index "
               "and `train_labels[i]`.")
with right:
    st.subheader("How many of each digit")
    plotly(label_counts_bar(train_labels, test_labels=test_labels), key="home_label_counts")
    st.caption(f"`np.bincount(train_labels)` and `np.bincount(test_labels)`: how many of each "
               f"digit each set holds. {label_counts_sentence('train_labels', train_labels)}; "
               f"{label_counts_sentence('test_labels', test_labels)}."
               + ("" if data.is_full else " This sample was drawn with 500 of each digit; full "
                  "MNIST is only close to balanced (from 5,421 fives to 6,742 ones in its "
                  "training set)."))

with main_place(first, "One digit, up close", small=True):
    book, grid = st.columns([6, 5] if projector_requested() else [4, 5])
with book:
    pick, drawn = st.columns([5, 6])
with pick:
    index = setting_widget(SETTINGS["digit"], options=(0, len(train_images) - 1))
    show_values = setting_widget(SETTINGS["values"])
    digit = train_images[index]                      # (28, 28)
    shape_badge(f"train_images[{index}].shape", digit.shape)
    st.metric("label", int(train_labels[index]))
with drawn:
    matplotlib_image(book_digit_png, digit, key="home_book_digit")
    st.markdown(f"Ink covers **{np.count_nonzero(digit)}** of 784 pixels; "
                f"the darkest is **{digit.max()}**.")
with book:
    code_panel(f"""
        digit = train_images[{index}]
        import matplotlib.pyplot as plt
        plt.imshow(digit, cmap=plt.cm.binary)
        train_labels[{index}]   # {train_labels[index]}
    """, caption="The book's code, and the picture above it is what it draws: the same `imshow` "
                 "call, pixel for pixel. Matplotlib drew the axes and ticks once; the app fills "
                 "in each digit's 28x28 cells itself, so a new digit costs a shared server "
                 "next to nothing.")
with grid:
    plotly(digit_heatmap(digit, show_values=show_values, height=projector_height(520, 560),
                         title=f"train_images[{index}]: a 28x28 matrix of bytes"), key="home_digit_fig")
    st.caption("The same `digit` as an interactive Plotly heatmap: hover a cell for its row, "
               "column and value; the toggle writes every value in its cell.")

st.subheader("Where to next")
st.markdown("Each page takes one idea of the chapter, draws it, shows its code, and lets you change it.")
others = [p for p in PAGES if p is not HOME]
cols = st.columns(3)
for i, page in enumerate(others):
    with cols[i % 3]:
        nav_link(page.path, page.title, page.icon)   # a link's label stays on one line:
        st.caption(page.blurb)                      # the blurb wraps under it

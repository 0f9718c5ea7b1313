"""Look inside a trained network: weights as images, the confusion matrix, draw a digit,
and the numpy engine's gradient check, shared by both training pages; and the quick
start's ten prediction vectors. They only read the run."""
from __future__ import annotations

import numpy as np
import streamlit as st

from lib.rules import BOOK_BATCH_SIZE
from lib.train.digit_draw import preprocess
from lib.train.live import RUNNING
from lib.figures.inside import (confusion_figure, digits_strip, drawing_steps_figure,
                                prediction_vectors_figure, weights_gallery)
from lib.figures.training import prediction_bars
from lib.train.metrics import (confused_examples, confusion_matrix, most_confused_pairs,
                               strongest_units)
from lib.train.quickstart import prediction_printout
from lib.ui.widgets import code_panel, fragment, plotly, shape_badge

# Shared by "A first neural network" and "Train the naive network": the first layer's
# weights as images, the confusion matrix with the digits behind it, and a digit the
# student draws. They only read the run (lib/train/live.py); the live panel does the pulling.
# On a server shared by a class these views were a third of its interpreter-lock time
# (py-spy, 10 students), so they sit behind a closed expander and lazy tabs (what is not
# shown does not run), and their figures are built once per epoch (or once per step while
# the run is paused), not on every tick.

LOOK_EVERY_S = 2.0     # read-only views tick slower than the live panel, leaving it the CPU


def _moment(run) -> tuple:
    """What a look-inside figure depends on: the epoch while running, else the exact step."""
    if run is None:
        return ()
    return (run.status == RUNNING, len(run.epochs),
            None if run.status == RUNNING else run.steps_done)


def live_view(run, body, every: float = LOOK_EVERY_S) -> None:
    """Redraw `body()` every `every` seconds while `run` is running (it only reads)."""
    running = run is not None and run.status == RUNNING

    @fragment(run_every=every if running else None)
    def _view() -> None:
        body()

    _view()


def predictions_panel(run, test_images, test_labels, key: str) -> None:
    """The model's prediction vectors for the first ten test digits as it is now (before
    training, then after each epoch), and what predicting the first one prints."""
    latest = run.latest_epoch
    if latest is None:
        st.info("Start training: the predictions of the untrained model appear first.", icon="🔮")
        return
    probs = latest.predictions                                         # (10, 10)
    plotly(prediction_vectors_figure(test_images[:10], test_labels[:10], probs),
           key=f"{key}_predictions")
    st.code(prediction_printout(latest.epoch, probs[0], test_labels[0]), language="python")
    st.caption("Each bar chart is one prediction vector: ten probabilities that add up to 1. "
               "The tallest bar is the answer, written in bold above the digit with the true "
               "label in brackets: green when they match, red when not.")


def weights_gallery_panel(run, get_W1, key: str, W1_start=None) -> None:
    """The 784 weights into chosen hidden units, each drawn as a 28x28 image."""
    if run is None or get_W1() is None:
        st.info("Start training: the weights appear as soon as the model exists.", icon="🔬")
        return
    left, right = st.columns([1, 3])
    with left:
        which = st.radio("Hidden units", ["first 16", "16 that changed most", "16 from unit…"],
                         key=f"{key}_which")
        first = st.number_input("first unit", 0, 512 - 16, 0, step=16, key=f"{key}_first",
                                disabled=which != "16 from unit…")
        change = st.toggle("Only what training changed", key=f"{key}_change",
                           value=W1_start is not None, disabled=W1_start is None,
                           help="W1 now minus W1 at the start: hides the random initial noise.")

    def gallery():
        W1 = get_W1()                                               # (784, 512)
        if which == "first 16":
            units = list(range(16))
        elif which == "16 that changed most":
            units = strongest_units(W1, 16, subtract=W1_start)
        else:
            units = list(range(int(first), int(first) + 16))
        return weights_gallery(W1, units, subtract=W1_start if change else None)

    with right:
        plotly(run.per_epoch(f"{key}_gallery", gallery, _moment(run), which, first, change),
               key=f"{key}_gallery")
    st.caption("Column `W1[:, j]` (784 numbers) reshaped to 28x28: where a digit's ink lands on "
               "blue (positive) pixels, unit j's output `relu(x @ W1[:, j] + b1[j])` goes up; "
               "red (negative) pixels push it down. The weights start as random noise; *only what training changed* "
               "shows the strokes each unit has learned to look for. Each unit is "
               "scaled to its own largest value.")


def confusion_panel(run, test_images, test_labels, key: str) -> None:
    """The test set's confusion matrix after the latest epoch, and its worst mix-ups."""
    epoch = run.latest_epoch if run is not None else None
    if epoch is None or "test_predicted" not in epoch.extra:
        st.info("The confusion matrix appears once the model has made its first predictions.",
                icon="🧮")
        return
    predicted = epoch.extra["test_predicted"]
    cm = run.per_epoch(f"{key}_matrix", lambda: confusion_matrix(test_labels, predicted))
    left, right = st.columns([3, 2])
    with left:
        title = "before training" if epoch.epoch == 0 else f"after epoch {epoch.epoch}"
        plotly(run.per_epoch(f"{key}_figure", lambda: confusion_figure(
            cm, title=f"{len(test_labels):,} test digits, {title}")), key=f"{key}_confusion")
    with right:
        st.markdown(f"**{np.trace(cm):,}** of {cm.sum():,} on the green diagonal "
                    f"({np.trace(cm) / max(cm.sum(), 1):.1%}). Row = true digit, column = "
                    "what the network said.")
        pairs = most_confused_pairs(cm, 3)
        if not pairs:
            st.success("No mistakes at all on the test set.")
        for true, guess, count in pairs:
            st.markdown(f"**{true}** read as **{guess}**: {count} times")
            idx = confused_examples(test_labels, predicted, true, guess, n=6)
            plotly(run.per_epoch(f"{key}_strip_{true}_{guess}", lambda: digits_strip(
                test_images[idx], [f"{true}→{guess}"] * len(idx), height=110)),
                key=f"{key}_pair_{true}_{guess}")


CANVAS_SIZE = 280


def draw_digit_panel(predict, key: str, hint: str = "") -> None:
    """Draw a digit, see the 28x28 tensor the network receives and its prediction vector.
    `predict` maps a (1, 784) float32 array to (1, 10) probabilities, or is None."""
    try:
        from streamlit_drawable_canvas import st_canvas
    except ImportError:
        st.warning("The drawing canvas needs `pip install streamlit-drawable-canvas`.", icon="✏️")
        return

    @fragment
    def _panel() -> None:
        left, right = st.columns([1, 2])
        with left:
            st.markdown("Draw one digit, large, in the black square. The 🗑️ above it clears it.")
            st.write("")
            result = st_canvas(stroke_width=20, stroke_color="#ffffff", background_color="#000000",
                               height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw",
                               return_image_data=True, key=f"{key}_canvas")
            mnist_style = st.toggle("MNIST-style centring and scaling", value=True,
                                    key=f"{key}_mnist",
                                    help="Off: the whole canvas is simply shrunk to 28x28.")
        image = result.image_data if result is not None else None
        drawn = preprocess(image, mnist_style) if image is not None else None
        with right:
            if drawn is None or drawn.empty:
                st.info("Your drawing, the 28x28 tensor made from it and the network's answer "
                        "will appear here.", icon="✏️")
                return
            plotly(drawing_steps_figure(drawn), key=f"{key}_steps")
            st.caption("Like MNIST: cut out the ink, scale it to fit 20x20, then place it in "
                       "28x28 so its centre of mass (orange cross) sits at the middle. "
                       "Then `reshape((1, 784))`, values already in [0, 1].")
            shape_badge("tensor the network receives", drawn.tensor.shape)
            if predict is None:
                st.info(hint or "Train a model first: the prediction appears here.", icon="🏋️")
                return
            probs = np.asarray(predict(drawn.tensor)).reshape(-1)
            st.markdown(f"The network says **{int(probs.argmax())}** "
                        f"({probs.max():.0%} sure).")
            plotly(prediction_bars(probs, height=300), key=f"{key}_bars")

    _panel()


INSIDE_TABS = ("🔬 Hidden units", "🧮 Confusion matrix", "✏️ Draw a digit")


def look_inside(run, key: str, get_W1, test_images, test_labels, predict,
                W1_start=None, predict_hint: str = "") -> None:
    """The three look-inside views, in an expander that starts closed and lazy tabs: only the
    open tab runs. `get_W1()` returns the live W1 (784, 512) or None; test_images
    (m, 28, 28) uint8 for the example strips; `predict` as in draw_digit_panel.
    Opened from code (or a test) with st.session_state[f"{key}_inside"] = True and
    st.session_state[f"{key}_inside_tab"] = one of INSIDE_TABS."""
    with st.expander("🔬 Open the network: hidden units, confusion matrix, draw a digit",
                     key=f"{key}_inside", on_change="rerun") as box:
        if not box.open:
            return
        views = (lambda: live_view(run, lambda: weights_gallery_panel(
                     run, get_W1, f"{key}_units", W1_start)),
                 lambda: live_view(run, lambda: confusion_panel(
                     run, test_images, test_labels, f"{key}_cm")),
                 lambda: draw_digit_panel(predict, f"{key}_draw", predict_hint))
        for tab, view in zip(st.tabs(list(INSIDE_TABS), key=f"{key}_inside_tab",
                                     on_change="rerun"), views):
            if tab.open:
                with tab:
                    view()


def numpy_engine_panel(get_weights, train_images, train_labels, key: str) -> None:
    """The numpy engine's hand-written backward pass, and its check against GradientTape."""
    from lib.train import numpy_engine
    from lib.train.engines import ENGINES
    code_panel(ENGINES["numpy"].source_code(), caption="lib/train/numpy_engine.py, the code the numpy engine runs: "
               "no autodiff, the chain rule written out, one line per layer.")
    if st.button("🧪 Check these gradients against GradientTape", key=f"{key}_check"):
        weights = get_weights()
        with st.spinner("Running GradientTape on the same batch…"):
            check = numpy_engine.tape_gradient_check(weights, train_images[:BOOK_BATCH_SIZE],
                                                   train_labels[:BOOK_BATCH_SIZE])
        st.session_state[f"{key}_result"] = check
    check = st.session_state.get(f"{key}_result")
    if check is not None:
        st.dataframe({"tensor": check.names, "shape": [str(s) for s in check.shapes],
                      "largest |NumPy − tape|": [f"{d:.1e}" for d in check.max_abs_diff],
                      "largest |gradient|": [f"{g:.2g}" for g in check.max_abs_grad]},
                     hide_index=True)
        verdict = "match" if check.passed(1e-5) else "do NOT match"
        st.markdown(f"On the first {BOOK_BATCH_SIZE} training images the two gradients **{verdict}** "
                    f"to within 1e-5 (loss {check.numpy_loss:.5f} by hand, {check.tape_loss:.5f} "
                    "by the tape). The tape records the same operations and replays the chain "
                    "rule backwards, which is what the code above does by hand.")

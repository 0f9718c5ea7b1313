"""A first neural network: the book's Keras quick start, run live, then opened up."""
from __future__ import annotations

import streamlit as st

from lib.train import quickstart as kq
from lib import ui
from lib.figures.common import digit_heatmap
from lib.figures.inside import flat_row_figure, run_accuracy_curves
from lib.figures.training import run_loss_figure
from lib.core.source import source
from lib.site.views import FIRST_NETWORK as SETTINGS
from lib.train.trainer import prepare_data

ui.enter_page(__file__)        # first: routes a direct link, records the page


ui.page_intro(
    "🚀 A first neural network",
    "The chapter opens with Keras doing all the work: a two-layer network learns to read "
    "handwritten digits in a few lines. Each card below is one of those lines; press **Start** "
    "and watch `fit` run, then look inside what it learned.")
first = ui.top_slot()          # projector mode: the live fit (controls, loss), under the title
projector = ui.projector_requested()

dataset = ui.get_dataset()
data = prepare_data(dataset)                 # (n, 784) float32 in [0, 1], shared by every session
n_train, n_test = len(data.train_images), len(data.test_images)
previous = st.session_state.get(ui.QUICKSTART_RUN)          # the settings come back with the run

st.header("1 · The model")
left, right = st.columns([3, 2])
with left:
    ui.code_panel(kq.MODEL_CODE)
with right:
    rows = kq.layer_table()
    st.table(kq.summary_table(rows), border="horizontal")
    st.markdown(f"**{sum(r.params for r in rows):,}** numbers to learn. `None` is the batch "
                "axis: any number of digits at once.")

st.header("2 · Compile")
left, right = st.columns([3, 2])
with left:
    ui.code_panel(kq.COMPILE_CODE)
with right:
    st.markdown("- **optimizer** `adam`: how each weight moves after a batch\n"
                "- **loss** `sparse_categorical_crossentropy`: how wrong the 10 probabilities "
                "are, given the label as a plain integer\n"
                "- **metrics** `accuracy`: the share of digits whose top probability is right")

st.header("3 · Prepare the images")
ui.code_panel(kq.PREPARE_CODE.format(n_train=n_train, n_test=n_test))
index = ui.setting_widget(SETTINGS["digit"])
before, after = st.columns([1, 2])
with before:
    ui.shape_badge("before: train_images[i]", dataset.train_images[index].shape,
                   help="uint8, 0 (paper) to 255 (ink)")
    ui.plotly(digit_heatmap(dataset.train_images[index], show_values=False, height=300),
              key="qs_before")
with after:
    ui.shape_badge("after: train_images[i]", data.train_images[index].shape,
                   help="float32, 0.0 to 1.0")
    ui.plotly(flat_row_figure(data.train_images[index]), key="qs_after")
    st.markdown(f"The 28 rows are laid end to end: one digit becomes one row of 784 numbers, "
                f"and all {n_train:,} become a `({n_train}, 784)` matrix. Dividing by 255 "
                "turns bytes into values between 0 and 1, which the network trains better on.")

with ui.main_place(first, "4 · Fit, live"):
    code_slot = None if projector else st.empty()        # the fit line, with the values below
    values = ui.settings_row(SETTINGS, ("epochs", "batch_size", "seed"),
                             defaults=vars(previous.config) if previous else None)
    live_place = st.container()
with code_slot or st.container():                        # on a projector: after the live fit
    if projector:
        st.header("4 · Fit: the code")
    ui.code_panel(kq.FIT_CODE.format(epochs=values["epochs"], batch_size=values["batch_size"]))
config = kq.QuickStartConfig(values["epochs"], values["batch_size"], values["seed"])
state = ui.current_run(ui.QUICKSTART_RUN, config, lambda c: kq.make_run(
    c, data.train_images, data.train_labels, data.test_images, data.test_labels))
qs, run = state.owner, state.run
with st.expander("How this page runs `fit` so you can pause it"):
    st.markdown("`fit` would run every batch in one go. Here a Keras callback turns each batch "
                "and epoch into an event; the page calls `train_on_batch` one batch at a time and "
                "calls the same callback hooks `fit` would, so **Pause** stops between two batches.")
    ui.code_panel(source(kq.quickstart_events))


def draw(run) -> None:
    log_place, charts_place = st.container(), st.container()
    if projector:                                        # the charts first, the log under them
        log_place, charts_place = charts_place, log_place
    log_place.code(kq.fit_log(run.batches, qs.epochs) or "Epoch 1/…  (press Start)",
                   language="text")
    height = ui.projector_height(380, 300)
    left, right = charts_place.columns(2)
    with left:
        ui.plotly(run_loss_figure(run.batches, run.epochs, qs.epochs, height=height),
                  key="qs_loss_chart")
    with right:
        ui.plotly(run_accuracy_curves(run.batches, run.epochs, qs.epochs, height=height),
                  key="qs_accuracy_chart")


with live_place:
    ui.live_panel(run, "qs", draw)

st.header("5 · Predict")
ui.code_panel(kq.PREDICT_CODE)
ui.live_view(run, lambda: ui.predictions_panel(run, dataset.test_images, dataset.test_labels,
                                               "qs"))

st.header("6 · Evaluate")
ui.code_panel(kq.EVALUATE_CODE)
due = kq.evaluation_due(qs.model is not None, run.status, run.steps_done, state.extra.get("eval"))
if due == "now" or (due == "on request"
                    and st.button("🧪 Evaluate the model as it is now", key="qs_eval")):
    state.extra["eval"] = (run.steps_done, *kq.evaluate(qs.model, data.test_images,
                                                      data.test_labels))
if state.extra.get("eval") is not None and qs.model is not None:
    numbers, sentence = kq.evaluation_report(state.extra["eval"], run.epochs, n_test)
    for column, (label, value) in zip(st.columns(3), numbers):
        column.metric(label, value)
    if sentence:
        st.markdown(sentence)
else:
    st.info("The test-set result appears when training finishes (or press Pause to evaluate "
            "the model as it is).", icon="🧪")

st.header("7 · Keras + Adam vs the naive network")
naive = st.session_state.get(ui.NAIVE_RUN)
if naive is not None and naive.run.batches and run.batches:
    ui.plotly(run_loss_figure(run.batches, (), max(qs.epochs, naive.config.epochs),
                              other=(f"naive, SGD lr {naive.config.learning_rate:g} (smoothed)",
                                     naive.run.batches)), key="qs_vs_naive")
    st.markdown("The same 784-512-10 network on the same digits. Adam adapts the step size of "
                "every weight as it goes; the naive network's SGD moves every weight by the "
                f"same multiple of its gradient, here {naive.config.learning_rate:g}. With the "
                "notebook's 1e-3 its loss falls far more slowly than Adam's.")
else:
    st.info("Train both this model and the one on the naive page in this session to see their "
            "loss curves on one chart.", icon="⚖️")
    ui.nav_link("pages/train_naive.py", "Train the naive network", "🏋️")

st.header("8 · Look inside")
ui.look_inside(run, "qs", lambda: kq.first_layer_weights(qs.model) if qs.model else None,
               dataset.test_images, dataset.test_labels,
               qs.predict if qs.model is not None else None, W1_start=qs.initial_W1)

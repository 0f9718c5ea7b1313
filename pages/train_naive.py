"""Train the naive network: the book's hand-built model, trained live, pausable between batches."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.figures.training import (accuracy_figure, forward_shapes_figure, prediction_bars,
                                  prediction_grid, run_loss_figure)
from lib.train.code import naive_code_tabs, prediction_vector_code
from lib.train.config import (INIT_LABELS, LARGER_STEP, PRESETS, config_from, initial_weights,
                              larger_step_offer, train_size_options)
from lib.train.engines import ENGINES
from lib.train.trainer import (diagnosis, evaluation_printout, fit_printout, make_run,
                               prepare_data)
from lib.site.views import TRAIN_NAIVE as SETTINGS
from lib.ui.class_runs import report_epochs, split_offer

ui.enter_page(__file__)        # first: routes a direct link, records the page
ss = st.session_state

ui.page_intro(
    "🏋️ Train the naive network",
    "The chapter rebuilds its first network by hand: two `NaiveDense` layers, a `BatchGenerator`, "
    "and a training step that asks `tf.GradientTape` for the gradients and nudges every weight "
    "against them. Press **Start** and watch it learn, batch by batch: the loss falls, and the "
    "16 test digits below turn green as the network gets them right. With the notebook's "
    "learning rate that is slow on the offline sample; the 'faster' presets show what a larger "
    "step does. Pause it, step through it, change the settings and run it again.")

data = prepare_data(ui.get_dataset())      # (n, 784) float32 in [0, 1], shared by every session
n_train = len(data.train_images)

# ---------------------------------------------------------------- settings
previous = ss.get(ui.NAIVE_RUN)                                  # the settings come back with the run
values = ui.settings_expander(
    SETTINGS, [["preset", "learning_rate", "batch_size", "epochs"],
                     ["engine", "init", "update_rule", "seed"], ["train_size"]],
    lambda v: (f"⚙️ Settings: learning_rate {v['learning_rate']:g} · batch_size "
               f"{v['batch_size']} · {v['epochs']} epochs · {INIT_LABELS[v['init']]} init · "
               f"{v['engine']} engine · {v['train_size']:,} training digits"),
    options={"train_size": train_size_options(n_train)},
    defaults=vars(previous.config) if previous else None,
    on_change={"preset": lambda: ui.apply(SETTINGS, PRESETS[ui.setting_value(SETTINGS["preset"])])})
state = ui.current_run(ui.NAIVE_RUN, config_from(values, n_train), lambda c: make_run(c, data))
trainer = state.owner
split_offer(SETTINGS, state.run)     # in a class whose teacher split the room: their settings


def load_larger_step() -> None:
    """The settings become the preset's (written through the declaration, like the Preset
    box); the finished run is cleared, so the next Start trains with them."""
    ui.apply(SETTINGS, {"preset": LARGER_STEP, **PRESETS[LARGER_STEP]})
    state.run.reset()


# ---------------------------------------------------------------- live training
def draw(run) -> None:
    report_epochs(run, trainer.config, values["preset"])   # in a class: each epoch, once
    epochs, latest = list(run.epochs), run.latest_epoch
    left, right = st.columns(2)
    with left:
        ui.plotly(run_loss_figure(run.batches, epochs, trainer.config.epochs, height=330),
                  key="naive_loss_chart")
    with right:
        ui.plotly(run.per_epoch("accuracy", lambda: accuracy_figure(
            [e.epoch for e in epochs], [e.train_acc for e in epochs], [e.test_acc for e in epochs],
            trainer.config.epochs, height=330)), key="naive_accuracy_chart")
    ui.training_metrics(run, latest)
    note = run.per_epoch("diagnosis", lambda: diagnosis(
        epochs, trainer.engine.weights if trainer.engine else None, data.test_images,
        trainer.config.learning_rate))
    offer = run.status == "done" and larger_step_offer(
        trainer.config, latest.test_acc if latest else None, run.steps_done,
        trainer.config.train_size or n_train)
    if note and run.status != "diverged" and not offer:     # the offer says it in one sentence
        st.info(note, icon="🩺")
    if offer:                                  # the book preset on the sample: ~24-35%
        st.info(offer, icon="🐢")
        st.button(f"🐇 Load the preset '{LARGER_STEP}'", key="naive_larger_step",
                  on_click=load_larger_step,
                  help="Sets the settings above to the preset's; press Start to train.")
    box, is_open = ui.lazy_expander(
        "📜 What the notebook's `fit` and evaluation cell print for this run", "naive_printout")
    if is_open:
        with box:
            printed = fit_printout(run.batches) or "(press Start)"
            st.code(printed, language="text",
                    height=260 if printed.count("\n") > 12 else "content")
            if latest is not None:
                st.caption(f"The evaluation cell, on the model after epoch {latest.epoch}:")
                st.code(evaluation_printout(latest), language="text")

    probs = latest.predictions if latest is not None else None          # (16, 10) or None
    grid, detail = st.columns([3, 2])
    labels = data.fixed_labels
    with detail:                 # first: the grid outlines the digit picked here
        pick = ui.setting_widget(SETTINGS["pick"])
        label = int(labels[pick])
        if probs is None:
            st.markdown(f"Digit #{pick + 1} is a **{label}**. Its prediction vector appears once "
                        "the model exists: press **Start** or **Step one batch**.")
        else:
            st.caption(f"Digit #{pick + 1} is a {label}, outlined in blue on the left.")
            ui.plotly(run.per_epoch("bars", lambda: prediction_bars(probs[pick], label, height=260),
                                    pick), key="naive_pred_bars")
            st.code(prediction_vector_code(pick, probs[pick], int(data.fixed_index[pick]), label),
                    language="python")
    with grid:
        st.markdown("**16 test digits, as the network sees them now**")
        ui.plotly(run.per_epoch("grid", lambda: prediction_grid(
            data.fixed_images, data.fixed_labels, probs, selected=pick), pick),
            key="naive_digit_grid")
        st.caption("Above each digit: the network's guess and how sure it is, green when right, "
                   "red when wrong. They update after every epoch.")


ui.live_panel(state.run, "naive", draw)

# ---------------------------------------------------------------- the book's code
st.header("The code that runs")
st.caption("Read from the source files of this app: what you see is exactly what trains above.")
tabs = naive_code_tabs(ENGINES[state.config.engine], state.config.learning_rate,
                       state.config.update_rule)
for tab, label in ui.open_tabs(tabs, key="naive_code_tab"):      # only the open tab runs
    with tab:
        ui.code_panel(*tabs[label])

# ---------------------------------------------------------------- forward pass as shapes
st.header("The forward pass, as shapes")
batch = state.config.batch_size
ui.plotly(forward_shapes_figure(batch), key="naive_forward_shapes")
st.markdown(f"A batch of `{batch}` flattened digits `({batch}, 784)` times `W1 (784, 512)` gives "
            f"`({batch}, 512)`; adding `b1 (512,)` to every row is broadcasting; relu keeps the "
            f"shape. The second layer maps `({batch}, 512)` to `({batch}, 10)`: ten probabilities "
            "per digit, which is the prediction vector above.")
links = st.columns(2)
with links[0]:
    ui.nav_link("pages/dot_product.py", "How `@` turns (batch, 784) into (batch, 512)", "✖️")
with links[1]:
    ui.nav_link("pages/broadcasting.py", "Why `+ b` works on a whole batch", "📡")

# ---------------------------------------------------------------- look inside (shared with the quick start)
st.header("Look inside")

def start() -> list:          # [W1, b1, W2, b2] before step 1 (drawn by Keras: only once it runs)
    return initial_weights(state.config.seed, state.config.init)


ui.look_inside(state.run, "naive", lambda: trainer.engine.weights()[0] if trainer.engine else None,
               ui.get_dataset().test_images, data.test_labels,
               trainer.engine.predict if trainer.engine else None,
               W1_start=start()[0] if state.run.status != "idle" else None)
box, is_open = ui.lazy_expander("🧪 The numpy engine's gradients against GradientTape's",
                                "naive_numpy_open")
if is_open:
    with box:
        ui.numpy_engine_panel(lambda: trainer.engine.weights() if trainer.engine else start(),
                              data.train_images, data.train_labels, "naive_numpy")

"""Train the naive network: the book's hand-built model, trained live, pausable between batches."""
from __future__ import annotations

import numpy as np
import streamlit as st

from lib import ui
from lib.figures_training import (accuracy_figure, format_prediction_vector, forward_shapes_figure,
                                  loss_figure, prediction_bars, prediction_grid)
from lib.training import (ENGINES, INITS, PRESETS, UPDATE_RULES, TrainConfig, diagnosis, make_run,
                          prepare_data, source_of)

STATE = "naive_state"                      # {"config": TrainConfig, "trainer": Trainer, "run": LiveRun}
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0, 1e3, 1e6]
BATCH_SIZES = [16, 32, 64, 128, 256, 512, 1024]
ss = st.session_state

ui.page_intro(
    "🏋️ Train the naive network",
    "The book rebuilds its first network by hand: two `NaiveDense` layers, a `BatchGenerator`, "
    "and a training step that asks `tf.GradientTape` for the gradients and nudges every weight "
    "against them. Press **Start** and watch it learn, batch by batch: the loss falls and the "
    "16 test digits below turn from red to green. Pause it, step through it, change the "
    "settings and run it again.")

data = prepare_data(ui.get_dataset())      # (n, 784) float32 in [0, 1], shared by every session
state = ss.get(STATE)
if ui.live_was_away(state and state["run"], "naive_lr"):
    st.info("Training paused while you were on another page. Press **Resume** to go on.", icon="⏸️")

# ---------------------------------------------------------------- settings
saved = state["config"] if state else TrainConfig()
for k, v in {"naive_lr": saved.learning_rate, "naive_batch": saved.batch_size,
             "naive_epochs": saved.epochs, "naive_seed": saved.seed, "naive_engine": saved.engine,
             "naive_init": saved.init, "naive_rule": saved.update_rule,
             "naive_size": saved.train_size or len(data.train_images)}.items():
    ss.setdefault(k, v)


def apply_preset() -> None:
    preset = PRESETS[ss["naive_preset"]]
    ss.update(naive_lr=preset["learning_rate"], naive_batch=preset["batch_size"],
              naive_epochs=preset["epochs"], naive_init=preset["init"],
              naive_rule=preset["update_rule"])


summary = (f"⚙️ Settings: learning_rate {ss.naive_lr:g} · batch_size {ss.naive_batch} · "
           f"{ss.naive_epochs} epochs · {ss.naive_init} init · {ss.naive_engine} engine · "
           f"{ss.naive_size:,} training digits")
with st.expander(summary, expanded=False):
    row = st.columns([2, 2, 2, 1])
    row[0].selectbox("Preset", list(PRESETS), key="naive_preset", on_change=apply_preset,
                     help="'book' is the chapter's setting; the faster ones learn visibly in seconds.")
    row[1].select_slider("learning_rate", LEARNING_RATES, key="naive_lr",
                         format_func=lambda v: f"{v:g}")
    row[2].select_slider("batch_size", BATCH_SIZES, key="naive_batch")
    row[3].number_input("epochs", 1, 50, key="naive_epochs")
    row = st.columns([2, 2, 2, 1])
    row[0].selectbox("Engine", list(ENGINES), key="naive_engine",
                     format_func=lambda k: ENGINES[k].label, help=" · ".join(
                         f"{s.name}: {s.blurb}" for s in ENGINES.values()))
    row[1].radio("Initial weights", list(INITS), key="naive_init", horizontal=True,
                 help=" · ".join(f"{k}: {v}" for k, v in INITS.items()))
    row[2].radio("Update rule", list(UPDATE_RULES), key="naive_rule", horizontal=True,
                 help=" · ".join(f"{k}: {v}" for k, v in UPDATE_RULES.items()))
    row[3].number_input("seed", 0, 9999, key="naive_seed")
    sizes = sorted({s for s in (500, 1000, 2000, 4000, 10000, 30000) if s < len(data.train_images)}
                   | {len(data.train_images)})
    if ss["naive_size"] not in sizes:
        ss["naive_size"] = len(data.train_images)
    st.select_slider("Training-set size (the first N training digits)", sizes, key="naive_size",
                     format_func=lambda n: f"{n:,}")

config = TrainConfig(learning_rate=ss.naive_lr, epochs=int(ss.naive_epochs),
                     batch_size=ss.naive_batch, seed=int(ss.naive_seed), init=ss.naive_init,
                     engine=ss.naive_engine, update_rule=ss.naive_rule,
                     train_size=None if ss.naive_size >= len(data.train_images) else ss.naive_size)
if state is None or (state["run"].status == "idle" and state["config"] != config):
    trainer, run = make_run(config, data)
    state = ss[STATE] = {"config": config, "trainer": trainer, "run": run}
elif state["config"] != config:
    st.caption("⚙️ The settings differ from this run's. Press **Reset** to use them.")


# ---------------------------------------------------------------- live training
def draw(run) -> None:
    trainer, epochs = state["trainer"], list(run.epochs)
    trained = [e for e in epochs if e.epoch >= 1]
    left, right = st.columns(2)
    with left:
        ui.plotly(loss_figure([b.step for b in run.batches], [b.loss for b in run.batches],
                              trainer.batches_per_epoch, trainer.config.epochs,
                              [e.epoch for e in trained], [e.mean_loss for e in trained],
                              height=330), key="naive_loss_chart")
    with right:
        ui.plotly(run.per_epoch("accuracy", lambda: accuracy_figure(
            [e.epoch for e in epochs], [e.train_acc for e in epochs], [e.test_acc for e in epochs],
            trainer.config.epochs, height=330)), key="naive_accuracy_chart")
    latest = run.latest_epoch
    metrics = st.columns(4)
    metrics[0].metric("loss (last batch)", f"{run.batches[-1].loss:.3f}" if run.batches else "–")
    metrics[1].metric("test accuracy", f"{100 * latest.test_acc:.1f}%" if latest else "–",
                      help="after the last finished epoch, on digits the network never trains on")
    metrics[2].metric("train accuracy", f"{100 * latest.train_acc:.1f}%" if latest else "–",
                      help="on (at most 10,000 of) the digits it trains on")
    speed = run.samples_per_s()
    metrics[3].metric("samples / second", f"{speed:,.0f}" if speed else "–",
                      help="while a batch trains; the status line above gives what this run "
                           "gets over time, drawing and other students' runs included")
    note = run.per_epoch("diagnosis", lambda: diagnosis(
        epochs, trainer.engine.weights if trainer.engine else None, data.test_images))
    if note and run.status != "diverged":
        st.info(note, icon="🩺")

    probs = latest.predictions if latest is not None else None          # (16, 10) or None
    grid, detail = st.columns([3, 2])
    pick = ss.get("naive_pick", 0)
    with grid:
        st.markdown("**16 test digits, as the network sees them now**")
        ui.plotly(run.per_epoch("grid", lambda: prediction_grid(
            data.fixed_images, data.fixed_labels, probs, selected=pick), pick),
            key="naive_digit_grid")
        st.caption("Above each digit: the network's guess and how sure it is, green when right, "
                   "red when wrong. They update after every epoch.")
    with detail:
        labels = data.fixed_labels
        st.selectbox("Prediction vector of digit", list(range(16)), key="naive_pick",
                     format_func=lambda i: f"#{i + 1} (a {labels[i]}, outlined in blue)")
        label = int(labels[pick])
        if probs is None:
            st.markdown(f"Digit #{pick + 1} is a **{label}**. Its prediction vector appears once "
                        "the network has seen it: press **Start** or **Step one batch**.")
        else:
            ui.plotly(run.per_epoch("bars", lambda: prediction_bars(probs[pick], label, height=260),
                                    pick), key="naive_pred_bars")
            index = int(data.fixed_index[pick])                   # where it sits in the test set
            st.code(f"predictions = model(test_digits)  # (16, 10)\n"
                    f"predictions[{pick}]                   # (10,)\n"
                    f"{format_prediction_vector(probs[pick])}\n"
                    f"predictions[{pick}].argmax()          # {int(np.argmax(probs[pick]))}\n"
                    f"test_labels[{index}]                  # {label}", language="python")


ui.live_panel(state["run"], "naive", draw)

# ---------------------------------------------------------------- the book's code
st.header("The code that runs")
st.caption("Read from the source files of this app: what you see is exactly what trains above.")
tabs = st.tabs(["NaiveDense", "NaiveSequential", "BatchGenerator", "one_training_step",
                "update_weights", f"engine: {ss.naive_engine}", "the training loop"])
shown = [["lib.naive:NaiveDense"], ["lib.naive:NaiveSequential", "lib.naive:build_model"],
         ["lib.naive:BatchGenerator"], ["lib.naive:one_training_step"],
         ["lib.naive:update_weights", "lib.naive:make_optimizer_update"], None,
         ["lib.training:Trainer.events"]]
captions = [
    "`keras.Variable` holds the weights; the layer is a matmul, a broadcast add and an activation.",
    "The model is its layers called in order; its weights are theirs, concatenated.",
    "Our `fit` passes the chosen `batch_size` on (the listing in our notes forgot to).",
    "Every operation inside the `with` block is recorded, so the tape can differentiate the loss.",
    "Two ways to do the same SGD step: by hand, or with `optimizers.SGD`.", None,
    "The book's `fit()` loop with a `yield` after every batch: the page pulls batches from it, "
    "so pausing is exact."]
for tab, entries, caption in zip(tabs, shown, captions):
    with tab:
        if entries is None:
            spec = ENGINES[ss.naive_engine]
            ui.code_panel(spec.source_code(), f"Engine **{spec.label}**: {spec.blurb}.")
        else:
            ui.code_panel("\n\n".join(source_of(e) for e in entries), caption)

# ---------------------------------------------------------------- forward pass as shapes
st.header("The forward pass, as shapes")
batch = ss.naive_batch
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
from lib.training import initial_weights  # noqa: E402  (the run's own starting weights)

run_config, trainer = state["config"], state["trainer"]
start = initial_weights(run_config.seed, run_config.init)           # [W1, b1, W2, b2] before step 1
ui.look_inside(state["run"], "naive",
               lambda: trainer.engine.weights()[0] if trainer.engine else None,
               ui.get_dataset().test_images, data.test_labels,
               trainer.engine.predict if trainer.engine else None, W1_start=start[0])
with st.expander("🧪 The numpy engine's gradients against GradientTape's"):
    ui.numpy_engine_panel(lambda: trainer.engine.weights() if trainer.engine else start,
                          data.train_images, data.train_labels, "naive_numpy")

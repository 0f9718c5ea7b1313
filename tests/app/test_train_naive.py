"""The Train the naive network page under AppTest. AppTest does not tick run_every:
each at.run() runs the live fragment once, which pulls one ~0.3 s burst of batches."""
from __future__ import annotations

import pytest

from lib.ui.live import NAIVE_RUN
from tests.app.helpers import open_page, plotly_specs


@pytest.fixture
def at():
    app = open_page("pages/train_naive.py")
    # keep runs short on 2 cores: 1,000 digits (8 batches of 128) for 2 epochs
    app.select_slider(key="naive_size").set_value(1000)
    app.number_input(key="naive_epochs").set_value(2).run()
    assert not app.exception, app.exception
    return app


def run_of(at):
    return at.session_state[NAIVE_RUN].run


def chart(at, title):
    return next(s for s in plotly_specs(at) if (s["layout"].get("title") or {}).get("text") == title)


def loss_points(at) -> int:
    traces = chart(at, "Loss")["data"]
    return sum(len(t["y"]) for t in traces if t.get("name") == "per batch")


def grid_captions(at):
    grid = next(s for s in plotly_specs(at) if s["data"] and s["data"][0]["type"] == "heatmap"
                and len(s["layout"].get("annotations", [])) == 16)
    return [(a["text"], a["font"]["color"]) for a in grid["layout"]["annotations"]]


def all_code(at, captions: list | None = None) -> str:
    """Every code panel of the page, each code tab opened in turn (the tabs are lazy: only the
    open one runs), then back to the first; their captions are added to `captions`."""
    labels = [tab.label for tab in at.get("tab")]
    codes = []
    for label in labels or [None]:
        if label is not None:
            at.session_state["naive_code_tab"] = label
            at.run()
        codes += [c.value for c in at.code]
        if captions is not None:
            captions += [c.value for c in at.caption]
    if labels:
        at.session_state["naive_code_tab"] = labels[0]
        at.run()
    return "\n".join(codes)


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def tick_until_over(at, run, ticks: int) -> None:
    """Run the page (one fragment tick each) until `run` stops running, at most `ticks` times,
    with no exception on any of them."""
    for _ in range(ticks):
        if run.status != "running":
            break
        at.run()
        assert not at.exception, at.exception


def test_page_opens_idle_with_the_books_code_and_controls(at):
    assert run_of(at).status == "idle"
    assert at.button(key="naive_start").disabled is False
    assert at.button(key="naive_pause").disabled is True
    code = all_code(at)
    for name in ("class NaiveDense", "class BatchGenerator", "def one_training_step",
                 "tf.GradientTape()", "w.assign(w - g * learning_rate)", "yield BatchEvent"):
        assert name in code
    assert loss_points(at) == 0
    assert all(color == "#94a3b8" for _, color in grid_captions(at))       # grey: no guesses yet


def test_start_then_bursts_grow_the_loss_curve_and_colour_the_digits(at):
    click(at, "naive_start")
    run = run_of(at)
    assert run.status in ("running", "done")
    first = loss_points(at)
    assert first >= 1
    tick_until_over(at, run, 6)
    assert loss_points(at) > first or run.status == "done"
    assert run.latest_epoch is not None and run.latest_epoch.epoch >= 1
    colors = {color for _, color in grid_captions(at)}
    assert colors <= {"#16a34a", "#dc2626"} and colors
    assert any("%" in text for text, _ in grid_captions(at))
    assert chart(at, "Accuracy")["data"][1]["name"] == "test"


def test_pause_stops_progress_and_resume_goes_on(at):
    at.select_slider(key="naive_size").set_value(4000)
    at.number_input(key="naive_epochs").set_value(10).run()
    click(at, "naive_start")
    click(at, "naive_pause")
    run = run_of(at)
    assert run.status == "paused"
    done = run.steps_done
    at.run()
    at.run()
    assert run.steps_done == done
    assert at.button(key="naive_start").label.endswith("Resume")
    click(at, "naive_start")
    assert run.status in ("running", "done") and run.steps_done > done


def test_step_one_batch_advances_exactly_one(at):
    click(at, "naive_step")
    run = run_of(at)
    assert run.status == "paused" and run.steps_done == 1
    click(at, "naive_step")
    assert run.steps_done == 2 and loss_points(at) == 2


def test_reset_clears_the_run(at):
    click(at, "naive_step")
    click(at, "naive_reset")
    run = run_of(at)
    assert run.status == "idle" and run.steps_done == 0 and not run.epochs
    assert loss_points(at) == 0


def test_leaving_the_page_pauses_and_coming_back_shows_the_run(at):
    at.select_slider(key="naive_size").set_value(4000)
    at.number_input(key="naive_epochs").set_value(10).run()
    click(at, "naive_start")
    run = run_of(at)
    done = run.steps_done
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train_naive.py").run()
    assert not at.exception
    assert run_of(at) is run and run.status == "paused" and run.steps_done == done
    assert any("paused while you were on another page" in i.value for i in at.info)
    assert at.number_input(key="naive_epochs").value == 10          # settings came back too


def test_presets_and_changed_settings(at):
    at.selectbox(key="naive_preset").set_value("faster: lr 0.1").run()
    assert at.select_slider(key="naive_lr").value == 0.1
    click(at, "naive_step")
    at.select_slider(key="naive_lr").set_value(0.3).run()
    assert any("differ from this run" in c.value for c in at.caption)
    click(at, "naive_reset")
    assert at.session_state[NAIVE_RUN].config.learning_rate == 0.3


def test_a_huge_learning_rate_shows_diverged_not_a_crash(at):
    at.select_slider(key="naive_lr").set_value(1e6).run()
    click(at, "naive_start")
    run = run_of(at)
    tick_until_over(at, run, 5)
    assert not at.exception
    assert run.status == "diverged"
    assert any("learning rate" in e.value for e in at.error)


@pytest.mark.parametrize("engine", ["eager", "numpy"])
def test_every_engine_trains_on_the_page(at, engine):
    at.selectbox(key="naive_engine").set_value(engine).run()
    click(at, "naive_step")
    assert run_of(at).steps_done == 1
    assert engine in at.session_state[NAIVE_RUN].config.engine


def test_picking_a_digit_shows_its_prediction_vector(at):
    click(at, "naive_step")                      # epoch 0's predictions exist after one step
    at.selectbox(key="naive_pick").set_value(3).run()
    assert not at.exception
    bars = next(s for s in plotly_specs(at) if s["data"] and s["data"][0]["type"] == "bar")
    probs = run_of(at).epochs[0].predictions[3]
    assert bars["data"][0]["y"] == pytest.approx(probs.tolist(), rel=1e-6)
    assert any("predictions[3]" in c.value and "argmax" in c.value for c in at.code)


def test_the_code_tabs_show_the_notebooks_cells_as_they_run(at):
    assert len([c for c in at.code]) < 5             # lazy tabs: only the open one was drawn
    seen: list = []
    code = all_code(at, seen)
    for piece in ('initializer="uniform"', 'initializer="zeros"',
                  "def update_weights_manual(gradients, weights):",
                  "def update_weights(gradients, weights):",
                  "optimizer.apply_gradients(zip(gradients, weights))",
                  "def one_training_step(model, images_batch, labels_batch):",
                  "update_weights_manual(gradients, model.weights)",
                  "def fit(model, images, labels, epochs, batch_size=128):",
                  'print(f"loss at batch {batch_counter}: {loss:.2f}")',
                  "# our fix: the notebook leaves batch_size out here",
                  "batch_generator = BatchGenerator(images, labels, batch_size)\n",
                  "predicted_labels = ops.argmax(predictions, axis=1)",
                  "learning_rate = 0.001   # this run's value",
                  "optimizer = optimizers.SGD(learning_rate=0.001)"):
        assert piece in code, piece
    assert "uniform in [0, 0.1)" not in code
    captions = " ".join(seen)
    assert "RandomUniform(-0.05, 0.05)" in captions and "leaves out `batch_size`" in captions


def test_the_update_cell_shows_the_runs_learning_rate(at):
    at.selectbox(key="naive_preset").set_value("faster: lr 0.1").run()
    code = all_code(at)
    assert "learning_rate = 0.1   # this run's value" in code
    assert "optimizers.SGD(learning_rate=0.1)" in code


def test_the_notebooks_printout_follows_the_run(at):
    at.session_state["naive_printout"] = True                  # open the printout
    click(at, "naive_step")
    printed = next(c.value for c in at.code if c.value.startswith("Epoch 0"))
    first = run_of(at).batches[0].loss
    assert printed == f"Epoch 0\nloss at batch 0: {first:.2f}"
    assert abs(first - 2.3026) < 0.05                           # the notebook's start: ln 10
    latest = run_of(at).latest_epoch
    assert any(c.value == f"accuracy: {latest.test_acc:.2f}" for c in at.code)


def test_the_initial_weights_choice_names_the_notebooks_start(at):
    radio = at.radio(key="naive_init")
    assert radio.value == "uniform"
    assert list(radio.options) == ["uniform ±0.05 (notebook)", "[0, 0.1) (older edition)",
                                   "Glorot"]
    assert "RandomUniform(-0.05, 0.05)" in radio.help and "3.6 to 9.9" in radio.help


def test_a_finished_book_run_says_why_it_learned_little_and_offers_a_larger_step(at):
    assert at.selectbox(key="naive_preset").value == "book"
    click(at, "naive_start")
    run = run_of(at)
    tick_until_over(at, run, 30)
    assert run.status == "done" and run.latest_epoch.test_acc < 0.5
    said = [i.value for i in at.info if "not because the network is broken" in i.value]
    assert len(said) == 1 and "learning rate 0.001" in said[0] and "0.1" in said[0]
    assert [i.icon for i in at.info] == ["🐢"]       # one note where the run ends, not two
    assert at.button(key="naive_larger_step").label.endswith("'faster: lr 0.1'")
    at.button(key="naive_larger_step").click().run()
    assert not at.exception, at.exception
    assert at.select_slider(key="naive_lr").value == 0.1
    assert at.selectbox(key="naive_preset").value == "faster: lr 0.1"
    assert run_of(at).status == "idle"                      # loaded, not started
    assert run_of(at).steps_done == 0 and at.session_state[NAIVE_RUN].config.learning_rate == 0.1
    assert not any("not because the network is broken" in i.value for i in at.info)


def test_no_larger_step_offer_while_running_or_after_a_run_that_learned(at):
    at.selectbox(key="naive_preset").set_value("faster: lr 0.1").run()
    click(at, "naive_start")
    assert not any("not because the network is broken" in i.value for i in at.info)
    run = run_of(at)
    tick_until_over(at, run, 30)
    assert run.status == "done" and run.latest_epoch.test_acc >= 0.5
    assert not any("not because the network is broken" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "naive_larger_step"]

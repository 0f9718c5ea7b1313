"""A first neural network under AppTest: one epoch of the quick start through at.run() pulls,
then the predictions, the evaluate result and the confusion matrix. AppTest does not tick
run_every: each at.run() runs the live fragment once (one ~0.3 s burst of batches)."""
from __future__ import annotations

import pytest

from lib.ui.live import NAIVE_RUN, QUICKSTART_RUN
from tests.app.helpers import open_app, open_page, plotly_specs


@pytest.fixture
def at():
    app = open_page("pages/first_network.py", timeout=120)
    app.number_input(key="qs_epochs").set_value(1).run()
    assert not app.exception, app.exception
    return app


def run_of(at):
    return at.session_state[QUICKSTART_RUN].run


def train_to_the_end(at, max_pulls: int = 40):
    at.button(key="qs_start").click().run()
    for _ in range(max_pulls):
        if run_of(at).status != "running":
            break
        at.run()
        assert not at.exception, at.exception
    at.run()                                   # one more full run, as the status change triggers
    assert not at.exception, at.exception
    assert run_of(at).status == "done"


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_page_opens_idle_with_every_step_of_the_quick_start(at):
    assert run_of(at).status == "idle"
    code = "\n".join(c.value for c in at.code)
    for text in ("keras.Sequential", 'optimizer="adam"', "reshape((4000, 28 * 28))",
                 "epochs=1, batch_size=128", "model.predict(test_digits)", "model.evaluate"):
        assert text in code, text
    assert "401,920" in str(at.table[0].value.to_dict()) and "5,130" in str(at.table[0].value.to_dict())
    assert metric(at, "after: train_images[i]") == "(784,)"
    assert "qs_confusion" not in str([c.proto.id for c in at.get("plotly_chart")])


def test_one_epoch_then_predictions_evaluate_and_confusion(at):
    train_to_the_end(at)
    run = run_of(at)
    assert len(run.batches) == 32 and [e.epoch for e in run.epochs] == [0, 1]
    log = next(c.value for c in at.code if c.value.startswith("Epoch 1/1"))
    assert "32/32" in log and "accuracy:" in log and "loss:" in log

    specs = plotly_specs(at)
    loss = next(s for s in specs if (s["layout"].get("title") or {}).get("text") == "Loss")
    assert sum(len(t["y"]) for t in loss["data"] if t.get("name") == "per batch") == 32

    # predict: ten digits, each with its ten-bar prediction vector
    bars = [t for s in specs for t in s["data"] if t["type"] == "bar" and len(t["y"]) == 10]
    assert len(bars) >= 10
    assert "predictions[0].argmax()" in "\n".join(c.value for c in at.code)

    # evaluate: the book's two numbers, and the sentence comparing train and test
    test_acc = float(metric(at, "test_acc"))
    assert 0.8 <= test_acc <= 1.0
    assert float(metric(at, "test_loss")) < 1.0
    sentence = next(m.value for m in at.markdown if "never saw" in m.value)
    assert ("98.9% on the training set" in sentence and "97.9% on the test set" in sentence) \
        or "No gap here" in sentence
    assert "97.8" not in sentence and "running accuracy" in sentence

    # confusion matrix after the epoch (look inside: closed and lazy until opened)
    at.session_state["qs_inside"] = True
    at.session_state["qs_inside_tab"] = "🧮 Confusion matrix"
    at.run()
    assert not at.exception, at.exception
    specs = plotly_specs(at)
    confusion = next(s for s in specs if "1,000 test digits, after epoch 1"
                     in str((s["layout"].get("title") or {}).get("text")))
    counts = sum(int(t) for trace in confusion["data"] for row in trace["text"] for t in row if t)
    assert counts == 1000
    assert any(" read as " in m.value for m in at.markdown)


def test_pause_is_exact_and_reset_clears(at):
    at.button(key="qs_step").click().run()
    assert not at.exception, at.exception
    run = run_of(at)
    assert run.status == "paused" and len(run.batches) == 1
    at.run()
    assert len(run_of(at).batches) == 1                  # paused: nothing runs between pulls
    at.button(key="qs_reset").click().run()
    assert run_of(at).status == "idle" and not run_of(at).batches


def test_side_by_side_appears_when_the_naive_run_has_batches(at):
    train_to_the_end(at)
    at.switch_page("pages/train_naive.py").run()
    at.select_slider(key="naive_size").set_value(1000)
    at.number_input(key="naive_epochs").set_value(1)
    at.selectbox(key="naive_engine").set_value("numpy").run()
    at.button(key="naive_step").click().run()
    assert not at.exception, at.exception
    at.switch_page("pages/first_network.py").run()
    assert not at.exception, at.exception
    specs = plotly_specs(at)
    names = [t.get("name", "") for s in specs for t in s["data"]]
    assert any(n.startswith("naive, SGD") for n in names)
    assert any("same multiple of its gradient, here 0.001" in m.value for m in at.markdown)


def test_look_inside_on_the_naive_page_with_the_numpy_engine():
    at = open_app("pages/train_naive.py", timeout=120)
    at.select_slider(key="naive_size").set_value(1000)
    at.number_input(key="naive_epochs").set_value(1)
    at.selectbox(key="naive_engine").set_value("numpy").run()
    at.button(key="naive_start").click().run()
    for _ in range(30):
        if at.session_state[NAIVE_RUN].run.status != "running":
            break
        at.run()
    at.run()
    assert not at.exception, at.exception
    assert not any(a.get("text") == "unit 0" for s in plotly_specs(at)      # closed: not drawn
                   for a in s["layout"].get("annotations", []))
    at.session_state["naive_inside"] = True                                 # open it: first tab
    at.run()
    gallery = [s for s in plotly_specs(at) if any(a.get("text") == "unit 0"
                                                  for a in s["layout"].get("annotations", []))]
    assert gallery                                                          # weights gallery
    at.session_state["naive_inside_tab"] = "🧮 Confusion matrix"
    at.run()
    titles = [str((s["layout"].get("title") or {}).get("text")) for s in plotly_specs(at)]
    assert any("test digits, after epoch 1" in t for t in titles)            # confusion matrix
    at.session_state["naive_numpy_open"] = True                             # open the check
    at.run()
    at.button(key="naive_numpy_check").click().run()
    assert not at.exception, at.exception
    assert any("gradients **match**" in m.value and "1e-5" in m.value for m in at.markdown)

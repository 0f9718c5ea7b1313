"""The code text the training pages show: the notebook's cells read from the files that run
them (lib.core.source), with this run's values written in, and prediction vectors as NumPy
prints them. Text only: no Plotly, no TensorFlow."""
from __future__ import annotations

import numpy as np


def format_prediction_vector(probs) -> str:
    """The vector as NumPy prints it, two decimals: array([0.01, 0.  , ..., 0.93], dtype=float32)."""
    probs = np.asarray(probs, dtype=np.float32)
    body = np.array2string(probs, precision=2, suppress_small=True, separator=", ",
                           max_line_width=36, prefix="array(")
    return f"array({body}, dtype=float32)"


def prediction_vector_code(pick: int, probs, test_index: int, label: int) -> str:
    """The lines that read one digit's prediction vector, with what each gives."""
    return (f"predictions = model(test_digits)  # (16, 10)\n"
            f"predictions[{pick}]                   # (10,)\n"
            f"{format_prediction_vector(probs)}\n"
            f"predictions[{pick}].argmax()          # {int(np.argmax(probs))}\n"
            f"test_labels[{test_index}]                  # {label}")


def update_cells_code(learning_rate: float, manual: str, by_optimizer: str) -> str:
    """The notebook's two weight-update cells as this run has them: its `learning_rate` and
    `optimizer` globals (set per run by lib.train.naive.notebook_cells), then each function."""
    return (f"learning_rate = {learning_rate:g}   # this run's value; the notebook's is 1e-3\n\n"
            f"{manual}\n\n"
            f"optimizer = optimizers.SGD(learning_rate={learning_rate:g})\n\n"
            f"{by_optimizer}")


def naive_code_tabs(engine, learning_rate: float, update_rule: str) -> dict[str, tuple[str, str]]:
    """{tab: (code, caption)} for the naive page: each code read from the file that runs it
    (lib.core.source), `engine` a lib.train.engines.EngineSpec. No TensorFlow is imported."""
    from lib.core.source import source
    called = ("update_weights_manual" if update_rule == "manual" else
              "update_weights (the optimizer cell), swapped in where it calls "
              "update_weights_manual")
    return {
        "NaiveDense": (source("lib.train.naive:NaiveDense"),
                       "`keras.Variable` holds the weights. `initializer=\"uniform\"` is Keras's "
                       "RandomUniform(-0.05, 0.05); each run then sets W to a seeded draw of the "
                       "start you chose, so the same seed always gives the same start. The layer "
                       "is a matmul, a broadcast add and an activation."),
        "NaiveSequential": (source("lib.train.naive:NaiveSequential",
                                   "lib.train.naive:build_model"),
                            "The model is its layers called in order; its weights are theirs, "
                            "concatenated."),
        "BatchGenerator": (source("lib.train.naive:BatchGenerator"),
                           "Consecutive slices of `batch_size`: no shuffling, and the last batch "
                           "holds what is left."),
        "update_weights": (update_cells_code(learning_rate,
                                             source("lib.train.naive:update_weights_manual"),
                                             source("lib.train.naive:update_weights")),
                           "Two ways to do the same SGD step: by hand, or with `optimizers.SGD`. "
                           f"This run's `one_training_step` calls {called}."),
        "one_training_step": (source("lib.train.naive:one_training_step"),
                              "Every operation inside the `with` block is recorded, so the tape "
                              "can differentiate the loss with respect to every weight."),
        "fit": (source("lib.train.naive:fit"),
                "The notebook's loop. Its `BatchGenerator(images, labels)` line leaves out "
                "`batch_size`, so the notebook always trains on batches of 128; ours passes it "
                "on. The page trains with the same loop turned into a generator (last tab); "
                "what this `fit` would print for the run above is under the charts."),
        "evaluate": (source("lib.train.naive:evaluate"),
                     "The notebook's last cell: the most probable class of each test digit, "
                     "compared with its label; the mean of those True/False values is the "
                     "accuracy."),
        f"engine: {engine.name}": (source(*engine.shown),
                                   f"Engine **{engine.label}**: {engine.blurb}."),
        "the training loop": (source("lib.train.trainer:Trainer.events"),
                              "The notebook's `fit()` loop with a `yield` after every batch: the "
                              "page pulls batches from it, so pausing is exact."),
    }

"""What the server's TensorFlow warm-up runs once TensorFlow and Keras are imported
(lib/core/tf.py runs it in its thread; `start_housekeeping` below hands it over): the app's training
modules imported and one tiny step of each engine kind. Tracing the compiled step and
Keras's train function imports what TensorFlow and Keras load on first use, so that happens
in the warm-up's thread, before `gc.freeze()`, and not in a student's first run. The imports
are inside the function: importing this module costs nothing (the router does it)."""
from __future__ import annotations

import threading
from typing import Callable


def training_stack() -> None:
    import numpy as np

    from lib.train import config, engines, naive, numpy_engine, quickstart, trainer  # noqa: F401

    images = np.zeros((2, 28 * 28), np.float32)                       # (2, 784)
    labels = np.zeros((2,), np.int32)                                  # (2,)
    engine = engines.ENGINES["compiled"].build(config.TrainConfig(), config.initial_weights(0))
    engine.train_step(images, labels)                                  # traces tf.function once
    engine.predict(images)
    model = quickstart.SPARES.fill()              # Keras's train function, traced on a model
    quickstart.predict_probs(model, images)       # kept for the first Start (Spares)


def start_housekeeping(keep_keras_state: Callable[[], object] = lambda: None
                       ) -> threading.Thread:
    """Once per server process: `keep_keras_state()` first (Streamlit must stop clearing
    Keras's session before Keras is imported: lib/ui/internals.py), then the TensorFlow
    warm-up in the background (returned: its thread), which starts once the server is quiet
    (the first page's browser has what it asked for: lib/core/server.py `wait_until_quiet`),
    then the janitor, which skips its turn while any run trains. Pages that do not train never wait for any of it."""
    from lib.train.live import SHARED
    from lib.core.server import JANITOR, limit_heap_arenas, wait_until_quiet
    from lib.core.tf import start_warm_up

    limit_heap_arenas()           # before TensorFlow's threads: memory that does not creep
    keep_keras_state()
    thread = start_warm_up(training_stack, wait=wait_until_quiet)
    JANITOR.is_busy = lambda: SHARED.busy_runs(window_s=10.0) > 0
    JANITOR.start()
    return thread

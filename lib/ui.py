"""The one lib module that imports Streamlit: cached loaders and shared widgets.

Pages call these so that every page looks and behaves the same.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import streamlit as st

from lib.data import Dataset, load_mnist
from lib.shapes import format_shape

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}

# The chapter as pages: section -> (file, title, icon). The router registers the ones that exist.
PAGE_MAP: dict[str, list[tuple[str, str, str]]] = {
    "Start": [
        ("pages/home.py", "MNIST as a tensor", "🏠"),
        ("pages/first_network.py", "A first neural network", "🚀"),
    ],
    "Tensors": [
        ("pages/rank_shape.py", "Rank & shape", "🧊"),
        ("pages/slicing.py", "Slicing & batches", "✂️"),
    ],
    "Operations": [
        ("pages/elementwise.py", "Element-wise ops", "➕"),
        ("pages/broadcasting.py", "Broadcasting", "📡"),
        ("pages/dot_product.py", "Dot product", "✖️"),
        ("pages/reshape_transpose.py", "Reshape & transpose", "🔄"),
    ],
    "Under the hood": [
        ("pages/gradient_tape.py", "Gradient tape", "📼"),
        ("pages/train_naive.py", "Train the naive network", "🏋️"),
    ],
}


def _leave_pages_directory_mode() -> None:
    """Make a direct link like /slicing on a fresh server go through the router.

    Until the router has called st.navigation once, Streamlit treats a folder named pages/
    as an old-style multipage app and runs the linked page file on its own: no router, no
    sidebar, the wrong navigation. Every page imports this module, so on that first run we
    switch the mode off and rerun; the rerun goes through streamlit_app.py to the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    if PagesManager.uses_pages_directory and st.runtime.exists():
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()


def keep_keras_state_between_runs() -> bool:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    After each run, every fragment tick included, Streamlit's script runner calls its
    private `_clean_problem_modules()`, which clears Keras's session when `keras` is
    imported. On a server shared by a class that is wrong twice over: it resets Keras's
    global state (layer name counters, the seed generator, scopes) while other students'
    models are mid-training in other threads, and it clears TensorFlow's kernel cache and
    runs a full garbage collection (~12 ms idle, far more with models alive), with the
    interpreter lock held, up to 2.5 times a second per student. No Keras object of ours
    needs it: every model lives in its own session's state and is freed with it.

    Streamlit offers no setting for this, so this one function replaces that private
    function with a copy that keeps its other duty (closing pyplot figures). Returns True
    when the replacement is in place. If a Streamlit upgrade renames or changes it, this
    does nothing and returns False (the app still works, only slower);
    tests/unit/test_streamlit_internals.py fails loudly in that case.
    """
    import sys

    try:
        from streamlit.runtime.scriptrunner import script_runner
        original = script_runner._clean_problem_modules
    except (ImportError, AttributeError):
        return False
    if getattr(original, "keeps_keras_state", False):
        return True
    if not callable(original):
        return False

    def _clean_problem_modules() -> None:
        if "matplotlib.pyplot" in sys.modules:
            try:
                sys.modules["matplotlib.pyplot"].close("all")
            except Exception:  # as Streamlit's own version: never fail a run over this
                pass

    _clean_problem_modules.keeps_keras_state = True
    _clean_problem_modules.replaced = original
    script_runner._clean_problem_modules = _clean_problem_modules
    return True


def page_exists(path: str) -> bool:
    return (ROOT / path).exists()


def navigation_pages() -> dict[str, list]:
    """st.Page objects by section, for st.navigation; only pages whose file exists."""
    sections = {}
    for section, pages in PAGE_MAP.items():
        entries = [st.Page(path, title=title, icon=icon, url_path=Path(path).stem,
                           default=(path == "pages/home.py"))
                   for path, title, icon in pages if page_exists(path)]
        if entries:
            sections[section] = entries
    return sections


def nav_link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app (drawn only if that page exists)."""
    if page_exists(path):
        st.page_link(path, label=label, icon=icon)


@st.cache_resource(show_spinner="Loading MNIST…")
def get_dataset() -> Dataset:
    """MNIST, loaded once per server process and shared read-only by every session."""
    return load_mnist()


def data_notice(data: Dataset) -> None:
    """Show why we fell back to the sample, once per browser session."""
    if data.note and not st.session_state.get("_data_notice_shown"):
        st.session_state["_data_notice_shown"] = True
        st.warning(data.note, icon="📦")


def dataset_sidebar(data: Dataset) -> None:
    """Which dataset is loaded, and how to get the full one."""
    with st.sidebar:
        if data.is_full:
            st.success(f"**Full MNIST** loaded  \n{len(data.train_images):,} train · "
                       f"{len(data.test_images):,} test", icon="✅")
        else:
            st.info(f"**Offline MNIST sample**  \n{len(data.train_images):,} train · "
                    f"{len(data.test_images):,} test real digits", icon="📦")
            st.caption("For all 70,000 digits, run once with internet: "
                       "`python -c \"import keras; keras.datasets.mnist.load_data()\"`")


def page_intro(title: str, text: str) -> None:
    """Page title and a one- or two-sentence promise of what the student will see."""
    st.title(title)
    st.markdown(text)


def code_panel(code: str, caption: str | None = None) -> None:
    """The exact NumPy/Keras code of a concept."""
    st.code(textwrap.dedent(code).strip("\n"), language="python")
    if caption:
        st.caption(caption)


def shape_badge(label: str, shape: tuple[int, ...] | str, help: str | None = None) -> None:
    """A shape in large type, e.g. `(90, 28, 28)`."""
    text = shape if isinstance(shape, str) else format_shape(tuple(shape))
    st.metric(label, text, help=help)


def plotly(fig, key: str, **kwargs) -> None:
    """A Plotly figure with the house config and a fixed key (stable across reruns)."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch", **kwargs)


def show_error(message: str) -> None:
    """A student's input could not be used: say why, in their terms."""
    st.error(message, icon="⚠️")


# ---- rank & shape helpers ----

# ---- slicing helpers ----

def example_buttons(examples: list[str], target_key: str, columns: int = 3,
                    key_prefix: str = "example") -> None:
    """One button per example; a click writes it into the text input `target_key`."""
    def choose(text: str) -> None:
        st.session_state[target_key] = text
    cols = st.columns(columns)
    for i, text in enumerate(examples):
        with cols[i % columns]:
            st.button(f"`{text}`", key=f"{key_prefix}_{i}", on_click=choose, args=(text,),
                      width="stretch")


# ---- elementwise helpers ----

# ---- broadcasting helpers ----

def broadcast_step_list(steps, start: int = 1) -> None:
    """Broadcasting steps (lib.shapes.Step) as numbered sentences, each beside its NumPy line."""
    for k, step in enumerate(steps, start=start):
        words, code = st.columns([3, 2])
        icon = {"conflict": "❌ ", "result": "✅ "}.get(step.kind, "")
        words.markdown(f"{icon}**{k}. {step.title}.** {step.text}")
        code.code(step.code, language="python")

# ---- dot product helpers ----

def shape_pair_inputs(key: str, presets: dict[str, tuple[str, str]],
                      labels: tuple[str, str] = ("shape of a", "shape of b"),
                      allow_minus_one: tuple[bool, bool] = (False, False)):
    """Preset buttons + two typed shapes. Returns the two parsed shapes, or None after
    showing why one cannot be read (nothing is allocated: shapes only)."""
    from lib.shapes import parse_shape
    keys = (f"{key}_a", f"{key}_b")
    first = next(iter(presets.values()))
    for k, text in zip(keys, first):
        st.session_state.setdefault(k, text)

    def choose(pair: tuple[str, str]) -> None:
        st.session_state[keys[0]], st.session_state[keys[1]] = pair
    cols = st.columns(len(presets))
    for i, (label, pair) in enumerate(presets.items()):
        cols[i].button(label, key=f"{key}_preset_{i}", on_click=choose, args=(pair,),
                       width="stretch")
    shapes = []
    for col, k, label, minus in zip(st.columns(2), keys, labels, allow_minus_one):
        text = col.text_input(label, key=k, max_chars=80)
        try:
            shapes.append(parse_shape(text, allow_minus_one=minus))
        except ValueError as err:
            show_error(f"{label}: {err}")
            return None
    return tuple(shapes)


# ---- reshape helpers ----

# ---- training helpers ----
# The live-training panel shared by "Train the naive network" and "A first neural network".
# A LiveRun (lib/live.py) sits in st.session_state. The controls sit outside the fragment:
# a click changes the run's status in its callback, before the page runs, so one full rerun
# draws the page and registers the fragment with the right tick (or none). While running, the
# fragment ticks every LIVE_EVERY_S: it trains for a burst (longer when many runs share the
# server, see lib.live.burst_seconds), then redraws with fixed keys. Bursts last at least
# one tick, so the next tick is already queued when a burst ends and the CPU never idles;
# during a burst the status line is redrawn every 0.25 s, which is also where a click stops
# the burst (Streamlit interrupts a run at its next element call).

LIVE_EVERY_S = 0.4
LIVE_BUDGET_S = 0.45


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def live_status_line(run, others: int = 0) -> str:
    """One sentence: where the run is (batch, epoch), how fast it goes, who shares the CPU."""
    last = run.batches[-1] if run.batches else None
    total = run.total_steps or 0
    where = "not started"
    if last is not None:
        epochs = max(1, total // max(last.batches_per_epoch, 1))
        where = (f"batch {last.step:,} of {total:,} · epoch {last.epoch} of {epochs} "
                 f"(batch {last.batch}/{last.batches_per_epoch})")
    icon = {"idle": "⚪", "running": "🟢", "paused": "⏸️", "done": "✅", "stopped": "⏹️",
            "diverged": "💥"}[run.status]
    parts = [f"{icon} **{run.status}** · {where}"]
    speed = run.throughput() if run.status == "running" else None
    speed = speed or run.samples_per_s()
    if speed:
        parts.append(f"{speed:,.0f} samples/s")
    if run.status == "running" and others > 0:
        parts.append(f"sharing this server with {others} other run{'s' if others > 1 else ''}")
    if run.status in ("running", "paused") and run.eta_s is not None:
        parts.append(f"ETA {_clock(run.eta_s)}")
    return " · ".join(parts)


def live_was_away(run, marker: str) -> bool:
    """Call at the top of a training page, before its widgets. Streamlit forgets the
    state of widgets that another page's run did not draw, so a missing `marker` (the key
    of a widget this page always draws) means the student left and came back: a running
    run is paused (nothing ran meanwhile anyway) and True is returned."""
    if marker in st.session_state or run is None:
        return False
    if run.status == "running":
        run.pause()
        return True
    return False


def _start_or_resume(run) -> None:
    run.resume() if run.status == "paused" else run.start()


def live_controls(run, key: str) -> None:
    """Start/Resume · Pause · Step one batch · Stop · Reset, always in the same places.
    Each acts in its callback, before the page reruns."""
    status = run.status
    cols = st.columns(5)
    first = "▶️ Resume" if status == "paused" else ("🔁 Start again" if status in
                                                    ("done", "stopped", "diverged") else "▶️ Start")
    cols[0].button(first, key=f"{key}_start", type="primary", width="stretch",
                   disabled=status == "running", on_click=_start_or_resume, args=(run,))
    cols[1].button("⏸️ Pause", key=f"{key}_pause", width="stretch",
                   disabled=status != "running", on_click=run.pause)
    cols[2].button("⏭️ Step one batch", key=f"{key}_step", width="stretch",
                   disabled=status in ("done", "stopped", "diverged"), on_click=run.step)
    cols[3].button("⏹️ Stop", key=f"{key}_stop", width="stretch",
                   disabled=status not in ("running", "paused"), on_click=run.stop)
    cols[4].button("🔄 Reset", key=f"{key}_reset", width="stretch",
                   disabled=status == "idle", on_click=run.reset)


def live_panel(run, key: str, draw, every: float = LIVE_EVERY_S,
               budget_s: float = LIVE_BUDGET_S) -> None:
    """Controls, then a fragment with the progress bar and `draw(run)` that trains a burst
    on every tick while the run is running."""
    from lib.live import SHARED, burst_seconds

    live_controls(run, key)
    interval = every if run.status == "running" else None

    @st.fragment(run_every=interval)
    def _panel() -> None:
        line = st.empty()
        if run.status == "running":
            others = SHARED.busy_runs(besides=run)

            def checkpoint() -> None:         # progress mid-burst; a click stops the burst here
                line.progress(run.progress, text=live_status_line(run, others))

            if run.steps_done == 0:
                with st.spinner("Building the model (the first batch also traces the graph)…"):
                    run.pull(budget_s, checkpoint)
            else:
                run.pull(burst_seconds(budget_s, others + 1), checkpoint)
            if run.status != "running":
                st.rerun(scope="app")    # finished (done / diverged): stop ticking
        line.progress(run.progress, text=live_status_line(run, SHARED.busy_runs(besides=run)))
        if run.status == "diverged":
            st.error(run.message, icon="💥")
        draw(run)

    _panel()

# ---- look-inside helpers ----
# Shared by "A first neural network" and "Train the naive network": the first layer's
# weights as images, the confusion matrix with the digits behind it, and a digit the
# student draws. They only read the run (lib/live.py); the live panel does the pulling.

LOOK_EVERY_S = 1.0     # read-only views tick slower than the live panel, leaving it the CPU


def live_view(run, body, every: float = LOOK_EVERY_S) -> None:
    """Redraw `body()` every `every` seconds while `run` is running (it only reads)."""
    running = run is not None and run.status == "running"

    @st.fragment(run_every=every if running else None)
    def _view() -> None:
        body()

    _view()


def weights_gallery_panel(W1, key: str, W1_start=None) -> None:
    """The 784 weights into chosen hidden units, each drawn as a 28x28 image."""
    from lib.figures_inside import strongest_units, weights_gallery
    if W1 is None:
        st.info("Start training: the weights appear as soon as the model exists.", icon="🔬")
        return
    left, right = st.columns([1, 3])
    with left:
        which = st.radio("Hidden units", ["first 16", "16 that changed most", "16 from unit…"],
                         key=f"{key}_which")
        first = st.number_input("first unit", 0, W1.shape[1] - 16, 0, step=16, key=f"{key}_first",
                                disabled=which != "16 from unit…")
        change = st.toggle("Only what training changed", key=f"{key}_change",
                           value=W1_start is not None, disabled=W1_start is None,
                           help="W1 now minus W1 at the start: hides the random initial noise.")
    start = W1_start if change else None
    if which == "first 16":
        units = list(range(16))
    elif which == "16 that changed most":
        units = strongest_units(W1, 16, subtract=W1_start)
    else:
        units = list(range(int(first), int(first) + 16))
    with right:
        plotly(weights_gallery(W1, units, subtract=start), key=f"{key}_gallery")
    st.caption("Column `W1[:, j]` (784 numbers) reshaped to 28x28: where a digit's ink lands on "
               "red pixels, unit j's output `relu(x @ W1[:, j] + b1[j])` goes up; blue pixels "
               "push it down. The weights start as random noise; *only what training changed* "
               "shows the strokes each unit has learned to look for. Each unit is "
               "scaled to its own largest value.")


def confusion_panel(run, test_images, test_labels, key: str) -> None:
    """The test set's confusion matrix after the latest epoch, and its worst mix-ups."""
    import numpy as np
    from lib.figures_inside import (confused_examples, confusion_figure, confusion_matrix,
                                    digits_strip, most_confused_pairs)
    epoch = run.latest_epoch if run is not None else None
    if epoch is None or "test_predicted" not in epoch.extra:
        st.info("The confusion matrix appears once the model has made its first predictions.",
                icon="🧮")
        return
    predicted = epoch.extra["test_predicted"]
    cm = confusion_matrix(test_labels, predicted)
    left, right = st.columns([3, 2])
    with left:
        title = "before training" if epoch.epoch == 0 else f"after epoch {epoch.epoch}"
        plotly(confusion_figure(cm, title=f"{len(test_labels):,} test digits, {title}"),
               key=f"{key}_confusion")
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
            plotly(digits_strip(test_images[idx], [f"{true}→{guess}"] * len(idx), height=110),
                   key=f"{key}_pair_{true}_{guess}")


CANVAS_SIZE = 280


def draw_digit_panel(predict, key: str, hint: str = "") -> None:
    """Draw a digit, see the 28x28 tensor the network receives and its prediction vector.
    `predict` maps a (1, 784) float32 array to (1, 10) probabilities, or is None."""
    import numpy as np
    from lib.digit_draw import preprocess
    from lib.figures_inside import drawing_steps_figure, probability_bars
    try:
        from streamlit_drawable_canvas import st_canvas
    except ImportError:
        st.warning("The drawing canvas needs `pip install streamlit-drawable-canvas`.", icon="✏️")
        return

    @st.fragment
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
            plotly(probability_bars(probs), key=f"{key}_bars")

    _panel()


def look_inside(run, key: str, get_W1, test_images, test_labels, predict,
                W1_start=None, predict_hint: str = "") -> None:
    """The three look-inside tabs. `get_W1()` returns the live W1 (784, 512) or None;
    test_images (m, 28, 28) uint8 for the example strips; `predict` as in draw_digit_panel."""
    units_tab, confusion_tab, draw_tab = st.tabs(
        ["🔬 Hidden units", "🧮 Confusion matrix", "✏️ Draw a digit"])
    with units_tab:
        live_view(run, lambda: weights_gallery_panel(get_W1(), f"{key}_units", W1_start))
    with confusion_tab:
        live_view(run, lambda: confusion_panel(run, test_images, test_labels, f"{key}_cm"))
    with draw_tab:
        draw_digit_panel(predict, f"{key}_draw", predict_hint)


def numpy_engine_panel(get_weights, train_images, train_labels, key: str) -> None:
    """The numpy engine's hand-written backward pass, and its check against GradientTape."""
    from lib.numpy_engine import source_code, tape_gradient_check
    code_panel(source_code(), caption="lib/numpy_engine.py, the code the numpy engine runs: "
               "no autodiff, the chain rule written out, one line per layer.")
    if st.button("🧪 Check these gradients against GradientTape", key=f"{key}_check"):
        weights = get_weights()
        with st.spinner("Running GradientTape on the same batch…"):
            check = tape_gradient_check(weights, train_images[:128], train_labels[:128])
        st.session_state[f"{key}_result"] = check
    check = st.session_state.get(f"{key}_result")
    if check is not None:
        st.dataframe({"tensor": check.names, "shape": [str(s) for s in check.shapes],
                      "largest |NumPy − tape|": [f"{d:.1e}" for d in check.max_abs_diff],
                      "largest |gradient|": [f"{g:.2g}" for g in check.max_abs_grad]},
                     hide_index=True)
        verdict = "match" if check.passed(1e-5) else "do NOT match"
        st.markdown(f"On the first 128 training images the two gradients **{verdict}** "
                    f"to within 1e-5 (loss {check.numpy_loss:.5f} by hand, {check.tape_loss:.5f} "
                    "by the tape). The tape records the same operations and replays the chain "
                    "rule backwards, which is what the code above does by hand.")

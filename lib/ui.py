"""The one lib module that imports Streamlit: cached loaders and shared widgets.

Pages call these so that every page looks and behaves the same.
"""
from __future__ import annotations

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
    st.code(code.strip("\n"), language="python")
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

# ---- look-inside helpers ----

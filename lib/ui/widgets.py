"""Page furniture: every page shows titles, code, shapes, figures and errors the same way.
The widgets a page's declared settings draw, bound to the URL, are in lib/ui/bound.py."""
from __future__ import annotations

import functools
import hashlib
import textwrap
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import StreamlitDuplicateElementKey

from lib.core.tf import figures_may_run
from lib.figures.common import scaled_fonts
from lib.rules.shapes import format_shape
from lib.ui.internals import in_fragment
from lib.ui.mode import requested, text_scale

PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def fragment(func=None, *, run_every=None):
    """`st.fragment` whose every run is inside lib/core/tf.py `figures_may_run()`, as the
    router's page runs are (lib/ui/nav.py `routing`): a fragment rerun on its own builds and
    sends figures too. Use it, with or without `run_every`, instead of `st.fragment`."""
    def decorate(body):
        @functools.wraps(body)            # Streamlit names the fragment after the function
        def guarded(*args, **kwargs):
            with figures_may_run():
                return body(*args, **kwargs)
        return st.fragment(guarded, run_every=run_every)
    return decorate if func is None else decorate(func)


def page_intro(title: str, text: str) -> None:
    """Page title and a one- or two-sentence promise of what the student will see. In
    projector mode the promise folds into a small expander beside the title, so the page's
    main figure starts right under it."""
    if not requested():
        st.title(title)
        st.markdown(text)
        return
    head, about = st.columns([5, 2], vertical_alignment="center")
    head.title(title)
    with about.expander("ℹ️ About this page"):
        st.markdown(text)


WRAP_INDENT = 8      # columns: where a wrapped code line goes on, right of its own start


def code_panel(code: str, caption: str | None = None) -> None:
    """The exact NumPy/Keras code of a concept. A line longer than the panel wraps inside
    it (never cut at the edge, in either mode): it goes on 8 columns right of its own
    indentation (PEP 8's mark of a continued line: never level with the block under it),
    and a trailing comment moves down whole."""
    text = textwrap.dedent(code).strip("\n")
    key, box = _code_box(text)
    st.html(_code_wrap_style(key, text))       # style only: drawn nowhere, takes no room
    box.code(text, language="python", wrap_lines=True)
    if caption:
        st.caption(caption)


def _code_box(text: str):
    """A keyed container for a code panel (its key is the panel's CSS class), the same on
    every rerun: named after the code, plus a number when one run shows that code twice.
    Returns (key, container)."""
    base = "code-" + hashlib.blake2s(text.encode(), digest_size=6).hexdigest()
    for n in range(100):
        key = f"{base}-{n}" if n else base
        try:
            return key, st.container(key=key)
        except StreamlitDuplicateElementKey:     # that code is already on the page
            continue
    raise RuntimeError("the same code panel 100 times in one run")


def _code_wrap_style(key: str, text: str) -> str:
    """CSS for the wrapped lines of one code panel (st.code(wrap_lines=True) draws each line
    as its own span): a wrapped line goes on WRAP_INDENT columns right of where it starts,
    which only the panel's own text can say, line by line."""
    scope = f".st-key-{key} code"
    by_indent: dict[int, list[int]] = {}
    for n, line in enumerate(text.split("\n"), start=1):
        by_indent.setdefault(len(line) - len(line.lstrip(" ")), []).append(n)
    rules = [f"{scope} > span {{ display: block; padding-left: {WRAP_INDENT}ch; "
             f"text-indent: -{WRAP_INDENT}ch; }}",
             f"{scope} .token.comment {{ display: inline-block; text-indent: 0; }}"]
    for indent, lines in sorted(by_indent.items()):
        if indent:
            chosen = ", ".join(f"{scope} > span:nth-child({n})" for n in lines)
            rules.append(f"{chosen} {{ padding-left: {indent + WRAP_INDENT}ch; "
                         f"text-indent: -{indent + WRAP_INDENT}ch; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def shape_badge(label: str, shape: tuple[int, ...] | str, help: str | None = None) -> None:
    """A shape in large type, e.g. `(90, 28, 28)`."""
    text = shape if isinstance(shape, str) else format_shape(tuple(shape))
    st.metric(label, text, help=help)


def shape_badges(*badges: tuple) -> None:
    """Shape badges side by side, one equal column each: (label, shape) or (label, shape,
    help), as shape_badge takes them (a string shows as written)."""
    for column, badge in zip(st.columns(len(badges)), badges):
        with column:
            shape_badge(*badge)


def plotly(fig, key: str, **kwargs) -> None:
    """A Plotly figure with the house config and a fixed key (stable across reruns). Every
    page draws its figures here, so projector mode grows the text inside each of them (cell
    numbers, annotations, legends, ticks) as much as the page's own, in this one place.

    In a page run by the router, the figure's place is kept (st.empty) and the figure is
    sent after the rest of the page (`figures_last`). On a fresh tab, Streamlit's browser
    side loads each kind of element's JavaScript when the first one arrives: Plotly's is
    4.7 MB, and evaluating it, then drawing the figures, holds the browser's only thread for
    1-10 s, while every widget that arrived after it stayed a grey skeleton. Sent last, the
    figures leave the controls drawn first. Inside a fragment, or with no router (AppTest),
    the figure is drawn at once."""
    fig = scaled_fonts(fig, text_scale())
    queue = _figure_queue()
    if queue is None:
        st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch", **kwargs)
    else:
        queue.append((st.empty(), fig, key, kwargs))


# The figures a page's run keeps for its end, in the session's state: the router and the page
# reach the same list whatever thread or copy of this module each runs in.
_KEPT = "_figures_kept"


def _figure_queue() -> list | None:
    """The figures this run keeps for its end, or None when they are drawn at once."""
    queue = st.session_state.get(_KEPT)
    if queue is None or in_fragment() is not False:    # a fragment draws its own, at once
        return None
    return queue


@contextmanager
def figures_last():
    """Around a page's run (the router's): every `plotly` figure of the run is sent after
    the rest of the page, in its own place. A run that stops early for a rerun or a switch
    of page drops the figures it kept (the next run draws its own); a page that fails still
    shows the figures it made, above its error."""
    st.session_state[_KEPT] = queue = []

    def draw_kept() -> None:
        st.session_state.pop(_KEPT, None)
        for place, fig, key, kwargs in queue:
            place.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch", **kwargs)

    try:
        yield
    except Exception:       # the page's error is shown under the figures it had made
        draw_kept()
        raise
    else:                   # (a rerun or a page switch is no Exception: nothing is drawn)
        draw_kept()
    finally:
        st.session_state.pop(_KEPT, None)


def show_error(message: str) -> None:
    """A student's input could not be used: say why, in their terms."""
    st.error(message, icon="⚠️")


def broadcast_step_list(steps, start: int = 1) -> None:
    """Broadcasting steps (lib.rules.shapes.Step) as numbered sentences, each beside its NumPy line."""
    for k, step in enumerate(steps, start=start):
        words, code = st.columns([3, 2])
        icon = {"conflict": "❌ ", "result": "✅ "}.get(step.kind, "")
        words.markdown(f"{icon}**{k}. {step.title}.** {step.text}")
        with code:
            code_panel(step.code)


def open_tabs(labels, key: str):
    """Tabs where only the open one runs (Streamlit's lazy tabs): yields (tab, label) for the
    open tab alone. For heavy or many tabs on pages a whole class keeps rerunning."""
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    for tab, label in zip(tabs, labels):
        if tab.open:
            yield tab, label


def lazy_expander(label: str, key: str):
    """An expander whose content runs only while it is open: returns (container, is_open)."""
    box = st.expander(label, key=key, on_change="rerun")
    return box, bool(box.open)


def matplotlib_image(build, data, key: str, caption: str | None = None,
                     width: int | str = "stretch") -> None:
    """A matplotlib picture of lib/figures, `build(data)` (a `Figure`, or the PNG bytes of
    one, as lib/figures/book_digit.py draws without matplotlib), shown as a PNG in a
    container keyed `key`. Rendering a Figure costs 40-250 ms, so the PNG is made once per
    builder and data (st.cache_data; a digit hashes in microseconds) and a rerun only sends
    cached bytes."""
    png = _figure_png(f"{build.__module__}.{build.__qualname__}", build, data)
    st.container(key=key).image(png, caption=caption, width=width)


@st.cache_data(max_entries=500, show_spinner=False)
def _figure_png(name: str, _build, data) -> bytes:
    """The PNG of `_build(data)`; `name` stands for the builder in the cache key."""
    drawn = _build(data)
    if isinstance(drawn, bytes):
        return drawn
    from lib.figures.book_digit import png_bytes

    return png_bytes(drawn)

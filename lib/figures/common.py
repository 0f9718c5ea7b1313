"""Shared figure builders: data in, figure out. No Streamlit here.

Digits are drawn as the book draws them: the `binary` colormap (0 white, 255 black).
"""
from __future__ import annotations

import base64
import re

import numpy as np
import plotly.graph_objects as go

BINARY = [[0.0, "#ffffff"], [1.0, "#000000"]]
# Signed values, one convention across the app: negative red, zero white, positive blue.
DIVERGING = [[0.0, "#dc2626"], [0.5, "#ffffff"], [1.0, "#2563eb"]]
FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=14)


def upscale(image: np.ndarray, factor: int = 3) -> np.ndarray:
    """Nearest-neighbour enlargement, so a 28x28 digit stays crisp in the browser."""
    return np.kron(image, np.ones((factor, factor), dtype=image.dtype))


def as_ink(images: np.ndarray) -> np.ndarray:
    """uint8 digits as the `binary` colormap shows them: ink dark on white paper."""
    return (255 - np.asarray(images, dtype=np.uint8)).astype(np.uint8)


def digit_heatmap(image: np.ndarray, show_values: bool = True, title: str = "",
                  highlight: tuple[int, int] | None = None, height: int = 620) -> go.Figure:
    """One digit, large, optionally with every pixel value written in its cell."""
    image = np.asarray(image)
    rows, cols = image.shape
    fig = go.Figure(go.Heatmap(
        z=image, colorscale=BINARY, zmin=0, zmax=255, showscale=False, xgap=1, ygap=1,
        text=image if show_values else None,
        texttemplate="%{text}" if show_values else None,   # sized by Plotly to fit a cell
                                                           # (at most layout.font's size)
        hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"))
    if highlight is not None:
        r, c = highlight
        fig.add_shape(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5,
                      line=dict(color="#dc2626", width=3))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain",
                     title="row (axis 1)", dtick=4)
    fig.update_xaxes(title="column (axis 2)", side="top", constrain="domain", dtick=4)
    # the title at the very top, the column axis (ticks, title) under it in the top margin
    # (scaled_fonts grows the margin with the text)
    fig.update_layout(title=dict(text=title, yref="container", y=1, yanchor="top",
                                 pad=dict(t=4)) if title else None,
                      height=height, margin=dict(l=10, r=10, t=66 if title else 60, b=10),
                      font=FONT, plot_bgcolor="white")
    return fig


def values_grid(values: np.ndarray, title: str = "", colorscale: str = "Blues",
                fmt: str = "%{text}", height: int | None = None, zmid: float | None = None,
                show_axes: bool = True, max_height: int | None = None) -> go.Figure:
    """A 1-D or 2-D array as coloured cells with its values written in them; `height` in
    pixels, else 60 per row, at most `max_height`."""
    values = np.asarray(values)
    z = values.reshape(1, -1) if values.ndim <= 1 else values
    text = np.vectorize(lambda v: f"{v:g}" if isinstance(v, (float, np.floating)) else str(v))(z)
    rows, cols = z.shape
    fig = go.Figure(go.Heatmap(
        z=z.astype(float), text=text, texttemplate=fmt, textfont=dict(size=16),
        colorscale=colorscale, showscale=False, xgap=3, ygap=3, zmid=zmid,
        hovertemplate="[%{y}, %{x}] = %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain",
                     visible=show_axes and values.ndim == 2, dtick=1, title="axis 0")
    fig.update_xaxes(side="top", constrain="domain", visible=show_axes, dtick=1,
                     title="axis 0" if values.ndim == 1 else "axis 1")
    fig.update_layout(title=title or None, font=FONT, plot_bgcolor="white",
                      height=height or min(max(140, 60 * rows + 90), max_height or 10**6),
                      margin=dict(l=10, r=10, t=70 if title else 40, b=10))
    return fig


def label_counts_bar(labels: np.ndarray, title: str = "", test_labels: np.ndarray | None = None
                     ) -> go.Figure:
    """How many digits of each class: a bar per label 0-9 (and, beside it, the test set's)."""
    series = [("train_labels", labels, "#2563eb")]
    if test_labels is not None:
        series.append(("test_labels", test_labels, "#f59e0b"))
    bars, top = [], 1
    for name, values, color in series:
        counts = np.bincount(np.asarray(values), minlength=10)
        top = max(top, int(counts.max()) if counts.size else 1)
        bars.append(go.Bar(x=list(range(10)), y=counts, text=counts, textposition="outside",
                           marker_color=color, name=name,
                           hovertemplate=f"{name}: %{{y}} digits labelled %{{x}}<extra></extra>"))
    fig = go.Figure(bars)
    fig.update_xaxes(dtick=1, title="label")
    fig.update_yaxes(title="count", range=[0, top * 1.18])
    fig.update_layout(title=title or None, font=FONT, height=320, plot_bgcolor="white",
                      barmode="group", showlegend=len(bars) > 1,
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
                      margin=dict(l=10, r=10, t=40 if title or len(bars) > 1 else 10, b=10))
    return fig


class Canvas:
    """Collects shapes and annotations as plain dicts, for one fast Figure build at the end.

    (fig.add_shape / add_annotation validate and relayout on every call: ~3 ms each.)
    """
    def __init__(self) -> None:
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []

    def add_shape(self, **kw) -> None:
        self.shapes.append(kw)

    def add_annotation(self, **kw) -> None:
        self.annotations.append(kw)


# ------------------------------------------------------------------ animations
# Plotly animations play in the browser with no reruns: frames, Play/Pause, a slider.

# Plotly validates every property of a figure as it is built: for an animation with many
# frames that is most of the time (a 5x5x5 matmul animation: 2,088 ms with it, 54 ms
# without). `go.Figure(..., _validate=False)` skips it; the argument is private, so this is
# the one place that passes it, with a fallback to a validated build if Plotly drops it.
# tests/unit/figures/test_common.py fails loudly in that case; every builder's output is
# re-validated by the unit tests either way.
def _skips_validation() -> bool:
    """Does go.Figure(..., _validate=False) still skip validation? (A property that does
    not exist is refused by a validating build and let through by a skipping one.)"""
    try:
        go.Figure(data=[{"type": "scatter", "nosuchproperty": 1}], _validate=False)
    except (TypeError, ValueError):
        return False
    return True


SKIPS_VALIDATION = _skips_validation()


def fast_figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A Figure from plain dicts, without Plotly's per-property validation when it can."""
    if SKIPS_VALIDATION:
        try:
            return go.Figure(data=data, layout=layout, frames=frames, _validate=False)
        except TypeError:           # the private argument went away after all
            pass
    return go.Figure(data=data, layout=layout, frames=frames)


# ------------------------------------------------------------------ text size (projector mode)

# What a figure that leaves a size unset is drawn with: Streamlit's chart theme at a 16 px
# root (body text 12, title 16, axis titles 14, ticks and legend 12). scaled_fonts writes
# them down before scaling, so the scaled figure says every size it means.
UNSET_SIZES = {"font": 12, "title": 16, "axis title": 14, "tick": 12, "legend": 12,
               "hoverlabel": 12}
_AXIS_NAME = re.compile(r"^[xy]axis\d*$")


def _fill(d: dict, key: str, size: float) -> None:
    """d[key]["size"] = size, unless a size is already there."""
    font = d.get(key)
    if not isinstance(font, dict):
        font = d[key] = {}
    font.setdefault("size", size)


def _fill_unset_sizes(layout: dict) -> None:
    """Write the sizes the figure leaves to the theme into its layout (in place)."""
    _fill(layout, "font", UNSET_SIZES["font"])
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        _fill(title, "font", UNSET_SIZES["title"])
    for key, axis in layout.items():
        if _AXIS_NAME.match(key) and isinstance(axis, dict):
            _fill(axis, "tickfont", UNSET_SIZES["tick"])
            if isinstance(axis.get("title"), dict) and axis["title"].get("text"):
                _fill(axis["title"], "font", UNSET_SIZES["axis title"])
    layout["legend"] = legend = layout.get("legend") or {}
    _fill(legend, "font", UNSET_SIZES["legend"])
    layout["hoverlabel"] = hoverlabel = layout.get("hoverlabel") or {}
    _fill(hoverlabel, "font", UNSET_SIZES["hoverlabel"])


def _times(size, factor: float):
    """A font size (a number, one per point, or Plotly's base64 array) times `factor`."""
    if isinstance(size, bool):
        return size
    if isinstance(size, (int, float, np.number)):
        return round(float(size) * factor, 2)
    if isinstance(size, np.ndarray):
        return np.round(size.astype(float) * factor, 2)
    if isinstance(size, (list, tuple)):
        return [_times(s, factor) for s in size]
    if isinstance(size, dict) and "bdata" in size:     # how to_dict() writes a NumPy array
        values = np.frombuffer(base64.b64decode(size["bdata"]), dtype=size["dtype"])
        return _times(values, factor).reshape(size.get("shape", -1)).tolist()
    return size


def _scale_sizes(node, factor: float) -> None:
    """Every `size` of every font (font, tickfont, textfont, ...) under `node`, in place.
    Lists are walked only when they hold dicts (traces, annotations, frames, buttons):
    a trace's thousands of x, y or z values are never visited."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                if "size" in value:
                    value["size"] = _times(value["size"], factor)
                _scale_sizes(value, factor)
            elif isinstance(value, (dict, list, tuple)):
                _scale_sizes(value, factor)
    elif isinstance(node, (list, tuple)) and node and isinstance(node[0], (dict, list, tuple)):
        for item in node:
            _scale_sizes(item, factor)


def scale_fonts(spec: dict, factor: float) -> dict:
    """Every font size of a figure's plain dict (`fig.to_dict()`) times `factor`, in place:
    the layout's, the title's, axis titles and ticks, legend, annotations (those of
    animation frames too), text drawn by traces (heatmap cell numbers, bar labels, a text
    trace's per-point sizes), slider and button labels, hover labels. Sizes the figure
    leaves unset are written down first (UNSET_SIZES), so they grow too; the margins set in
    pixels grow by the same factor, for the larger title, ticks and labels they hold.
    Returns `spec`."""
    layout = spec.setdefault("layout", {})
    _fill_unset_sizes(layout)
    _scale_sizes(spec, factor)
    margin = layout.get("margin")
    if isinstance(margin, dict):             # margins hold the title, ticks and slider labels
        for side in ("l", "r", "t", "b"):
            if isinstance(margin.get(side), (int, float)):
                margin[side] = round(margin[side] * factor)
    return spec


class ScaledFonts(go.Figure):
    """`source` with its fonts `factor` times larger, without copying or rebuilding it:
    to_dict() (what st.plotly_chart and plotly.io.to_json serialise) returns the source's
    dict, a fresh deep copy, scaled. Building a Figure again would cost more than the page
    (a 6-frame broadcasting animation: ~400 ms, its frames are always validated); scaling
    its dict costs a few ms. The source is never changed: it may be a cached figure shared
    by every session. Draw it; do not edit it (its own data and layout are empty)."""

    def __init__(self, source: go.Figure, factor: float):
        super().__init__()
        self._source, self._factor = source, factor

    def to_dict(self) -> dict:
        return scale_fonts(self._source.to_dict(), self._factor)


def scaled_fonts(fig: go.Figure, factor: float) -> go.Figure:
    """`fig` drawn with every font size times `factor` (ScaledFonts); `fig` itself if 1."""
    return fig if factor == 1 else ScaledFonts(fig, factor)


def play_args(frame_ms: int, redraw: bool = True) -> dict:
    """What ▶ Play passes to Plotly.animate: one frame every frame_ms, from where it stands."""
    return dict(frame=dict(duration=frame_ms, redraw=redraw), fromcurrent=True,
                transition=dict(duration=0), mode="immediate")


def player_buttons(play: dict, y: float = 0) -> dict:
    """▶ Play / ⏸ Pause buttons for a figure with frames."""
    pause = [[None], dict(frame=dict(duration=0, redraw=False), mode="immediate",
                          transition=dict(duration=0))]
    return dict(type="buttons", direction="left", x=0.0, y=y, xanchor="left", yanchor="top",
                pad=dict(r=8, t=8), showactive=False,
                buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                         dict(label="⏸ Pause", method="animate", args=pause)])


def frame_slider(names: list[str], redraw: bool, y: float = 0, labels: list[str] | None = None,
                 prefix: str | None = None) -> dict:
    """A slider with one step per frame; unlabelled unless `labels` (shown after `prefix`)."""
    step = dict(mode="immediate", frame=dict(duration=0, redraw=redraw), transition=dict(duration=0))
    current = (dict(prefix=prefix, font=dict(size=15)) if prefix is not None
               else dict(visible=False))
    return dict(active=0, x=0.2, len=0.8, y=y, yanchor="top", pad=dict(t=8),
                currentvalue=current, ticklen=2,
                steps=[dict(method="animate", label=label, args=[[name], step])
                       for name, label in zip(names, labels or [""] * len(names))])

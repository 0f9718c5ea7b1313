"""Pictures for the slicing page: which samples, rows and columns an index keeps,
the crops that come out, and batch windows over the dataset. No Streamlit here.

Colours: kept = blue, dropped = a pale red veil over the data.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import BINARY, FONT, as_ink, upscale
from lib.rules.indexing import AxisSelection, BatchInfo

KEPT = "#2563eb"
DROPPED = "rgba(239, 68, 68, 0.42)"
STRIP_BINS = 400         # the whole sample axis is drawn as this many bins
ZOOM_CELLS = 40          # the zoomed strip shows this many samples one by one


def positions_array(kept: range) -> np.ndarray:
    """A range as an index array, without a Python loop."""
    return np.arange(kept.start, kept.stop, kept.step, dtype=np.intp)


def _kept_mask(sel: AxisSelection) -> np.ndarray:
    mask = np.zeros(sel.size, dtype=bool)
    mask[positions_array(sel.positions)] = True
    return mask


def sample_strip(sel: AxisSelection, title: str = "", height: int = 230) -> go.Figure:
    """Axis 0 drawn twice: all N samples in bins (darker = more kept), then a zoom one by one.

    In the zoom, each kept cell shows where that sample lands in the result (0, 1, 2 ...),
    so steps show as stripes and a negative step shows counting down.
    """
    n = sel.size
    mask = _kept_mask(sel)
    bins = max(1, min(n, STRIP_BINS))
    edges = np.linspace(0, n, bins + 1).astype(int)
    kept_per_bin = np.add.reduceat(mask, edges[:-1]) if n else np.zeros(1)
    width = np.maximum(np.diff(edges), 1)
    shade = np.where(kept_per_bin > 0, 0.3 + 0.7 * kept_per_bin / width, 0.0)
    # zoom: ZOOM_CELLS samples starting where the result starts (its element 0)
    first = sel.positions[0] if sel.count else 0
    lo = first - 3 if sel.positions.step > 0 else first - ZOOM_CELLS + 4
    lo = int(max(0, min(lo, n - ZOOM_CELLS)))
    hi = min(n, lo + ZOOM_CELLS)
    order = np.full(hi - lo, -1)
    kept = positions_array(sel.positions)
    inside = (kept >= lo) & (kept < hi)
    order[kept[inside] - lo] = np.nonzero(inside)[0]
    fig = go.Figure()
    fig.add_trace(go.Heatmap(
        z=[shade], x=(edges[:-1] + edges[1:]) / 2, y=["all"], zmin=0, zmax=1,
        colorscale=[[0, "#e2e8f0"], [0.001, "#bfdbfe"], [1, KEPT]], showscale=False,
        customdata=[np.stack([edges[:-1], edges[1:] - 1, kept_per_bin], axis=1)],
        hovertemplate="samples %{customdata[0]:,}–%{customdata[1]:,}: "
                      "%{customdata[2]} kept<extra></extra>", xaxis="x", yaxis="y"))
    fig.add_trace(go.Heatmap(
        z=[(order >= 0).astype(float)], x=np.arange(lo, hi), y=["zoom"], zmin=0, zmax=1,
        colorscale=[[0, "#e2e8f0"], [1, KEPT]], showscale=False, xgap=2,
        text=[[str(o) if o >= 0 else "" for o in order]], texttemplate="%{text}",
        textfont=dict(size=10, color="white"),
        hovertemplate="sample %{x}<extra></extra>", xaxis="x2", yaxis="y2"))
    fig.update_layout(
        title=title or None, font=FONT, height=height, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        xaxis=dict(domain=[0, 1], anchor="y", range=[0, n], side="top",
                   title=dict(text=f"all {n:,} samples (axis 0)", standoff=2)),
        yaxis=dict(domain=[0.62, 1], showticklabels=False, fixedrange=True),
        xaxis2=dict(domain=[0, 1], anchor="y2", range=[lo - 0.5, hi - 0.5], dtick=5,
                    title=dict(text=f"zoom on samples {lo:,}–{hi - 1:,}: "
                                    "the number is the place in the result", standoff=2)),
        yaxis2=dict(domain=[0, 0.4], showticklabels=False, fixedrange=True))
    if n and sel.count:  # a marker so even one kept sample of 60,000 stays visible
        fig.add_trace(go.Scatter(
            x=[sel.positions[0]], y=["all"], mode="markers", xaxis="x", yaxis="y",
            marker=dict(symbol="triangle-down", size=12, color="#1e3a8a"),
            hovertemplate=f"first kept: sample {sel.positions[0]:,}<extra></extra>",
            showlegend=False))
    return fig


def _signed_ticks(size: int) -> tuple[list[int], list[str]]:
    vals = sorted({0, size // 4, size // 2, 3 * size // 4, size - 1})
    return vals, [f"{v} | {v - size}" for v in vals]


def digit_selection(image: np.ndarray, rows: AxisSelection, cols: AxisSelection,
                    title: str = "", height: int = 470) -> go.Figure:
    """One digit with the dropped rows/columns veiled; kept ones stay sharp.

    Ticks show each row/column both ways: 7 | -21 (from the start | from the end).
    """
    image = np.asarray(image)
    keep = np.outer(_kept_mask(rows), _kept_mask(cols))
    fig = go.Figure(go.Heatmap(
        z=image, colorscale=BINARY, zmin=0, zmax=255, showscale=False, xgap=1, ygap=1,
        hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>"))
    fig.add_trace(go.Heatmap(
        z=np.where(keep, np.nan, 1.0), colorscale=[[0, DROPPED], [1, DROPPED]],
        showscale=False, hoverinfo="skip", xgap=1, ygap=1))
    for sel, along in ((rows, "y"), (cols, "x")):   # an arrow when read backwards
        if sel.count > 1 and sel.positions.step < 0:
            start, end = sel.positions[0], sel.positions[-1]
            tip = (end, -1.6) if along == "x" else (-1.6, end)
            tail = (start, -1.6) if along == "x" else (-1.6, start)
            fig.add_annotation(x=tip[0], y=tip[1], ax=tail[0], ay=tail[1], xref="x", yref="y",
                               axref="x", ayref="y", showarrow=True, arrowhead=3,
                               arrowwidth=2, arrowcolor="#b91c1c", text="")
    rv, rt = _signed_ticks(image.shape[0])
    cv, ct = _signed_ticks(image.shape[1])
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain",
                     tickvals=rv, ticktext=rt, title="row (axis 1)")
    fig.update_xaxes(side="top", constrain="domain", tickvals=cv, ticktext=ct,
                     title="column (axis 2)")
    fig.update_layout(title=title or None, height=height, font=FONT, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=70 if title else 40, b=10))
    return fig


def selected_crops(images: np.ndarray, samples: AxisSelection, rows: AxisSelection,
                   cols: AxisSelection, count: int = 8) -> list[np.ndarray]:
    """The first `count` selected images as they come out (cropped, reordered), as ink,
    enlarged so that even a 1-pixel-high crop is visible."""
    picked = positions_array(samples.positions[:count])
    r, c = positions_array(rows.positions), positions_array(cols.positions)
    if picked.size == 0 or r.size == 0 or c.size == 0:
        return []
    crops = images[np.ix_(picked, r, c)]                 # (count, rows kept, cols kept)
    factor = int(max(2, min(8, 112 // max(r.size, c.size))))
    # a grey frame marks where each crop ends (white paper would hide the edge)
    return [np.pad(upscale(img, factor), 2, constant_values=170) for img in as_ink(crops)]


def batch_strip(info: BatchInfo, height: int = 170) -> go.Figure:
    """The dataset cut into batches: alternating shades, batch n in blue, the last one marked."""
    n, bs = info.n_samples, info.batch_size
    bins = max(1, min(n, STRIP_BINS))
    centres = (np.arange(bins) + 0.5) * n / bins
    batch_of = np.floor(centres / bs).astype(int)
    stripes = info.num_batches <= STRIP_BINS // 3          # else the stripes would alias
    z = (batch_of % 2) * 0.35 if stripes else np.zeros(bins)
    fig = go.Figure(go.Heatmap(
        z=[z], x=centres, y=["batches"], zmin=0, zmax=1, showscale=False,
        colorscale=[[0, "#e2e8f0"], [0.35, "#cbd5e1"], [1, KEPT]],
        customdata=[batch_of], hovertemplate="sample %{x:,.0f}: batch %{customdata}<extra></extra>"))
    # the true window; its 2-px outline keeps even 128 of 60,000 samples visible
    fig.add_shape(type="rect", x0=info.start, x1=info.stop, y0=-0.5, y1=0.5,
                  fillcolor=KEPT, line=dict(color="#1e3a8a", width=2))
    centre = (info.start + info.stop) / 2
    side = "left" if centre < 0.2 * n else "right" if centre > 0.8 * n else "center"
    fig.add_annotation(x=info.start if side == "left" else info.stop if side == "right" else centre,
                       y=0.5, yanchor="bottom", xanchor=side,
                       text=f"batch n={info.n}: samples {info.start:,}–{info.stop - 1:,}",
                       showarrow=False, font=dict(color="#1e3a8a"))
    if info.last_batch_size != bs:
        last_start = n - info.last_batch_size
        fig.add_shape(type="rect", x0=last_start, x1=n, y0=-0.5, y1=0.5,
                      line=dict(color="#b91c1c", width=2, dash="dot"))
        fig.add_annotation(x=n, y=-0.5, yanchor="top", xanchor="right", showarrow=False,
                           text=f"last batch: {info.last_batch_size} samples",
                           font=dict(color="#b91c1c"))
    fig.update_xaxes(range=[0, n], title=f"train_images, axis 0 ({n:,} samples)")
    fig.update_yaxes(showticklabels=False, fixedrange=True, range=[-1.1, 1.1])
    fig.update_layout(font=FONT, height=height, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig

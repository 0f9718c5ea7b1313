"""Figures of the Reshape & transpose page: numbered elements flowing into a new shape,
axes relabelled by a transpose, and one MNIST digit as a 28x28 grid and as a 784-long row.
Data in, Plotly figure out; no Streamlit here.
"""
from __future__ import annotations

import colorsys
import math

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import (BINARY, FONT, Canvas, fast_figure, frame_slider, play_args,
                                player_buttons)
from lib.rules.shapes import format_shape, pad_shape

MAX_FLOW_ELEMENTS = 60          # the flow animation draws every element
MAX_FLOW_RANK = 4
INK = "#0f172a"
AXIS_COLORS = ["#2563eb", "#ea580c", "#16a34a", "#7c3aed", "#db2777", "#0891b2", "#ca8a04", "#475569"]


def flow_drawable(src_shape: tuple[int, ...], dst_shape: tuple[int, ...]) -> bool:
    """Whether flow_animation draws this pair: 1 to MAX_FLOW_ELEMENTS elements, and at most
    MAX_FLOW_RANK axes on each side (larger ones are only described)."""
    return (0 < math.prod(src_shape) <= MAX_FLOW_ELEMENTS
            and max(len(src_shape), len(dst_shape)) <= MAX_FLOW_RANK)


def element_colors(count: int) -> list[str]:
    """One pastel colour per element, running through the hues in memory order."""
    out = []
    for k in range(count):
        r, g, b = colorsys.hls_to_rgb(0.85 * k / max(count - 1, 1), 0.74, 0.75)
        out.append(f"rgb({int(r * 255)},{int(g * 255)},{int(b * 255)})")
    return out


def element_layout(shape: tuple[int, ...]) -> tuple[np.ndarray, float, float]:
    """Where each element (in row-major order) sits on the page: (N, 2) x, y; width, height.

    Last axis runs right, the one before it down; a rank-3 tensor is a row of matrices
    (axis 0 picks the block), rank 4 a grid of blocks. Gaps of one cell between blocks.
    """
    shape = tuple(shape)
    if len(shape) > MAX_FLOW_RANK:
        raise ValueError(f"the flow picture draws rank {MAX_FLOW_RANK} at most")
    full = pad_shape(shape, 4)                   # (block rows, block cols, rows, cols)
    br, bc, r, c = full
    idx = np.indices(full).reshape(4, -1)                    # row-major order of all elements
    x = idx[1] * (c + 1) + idx[3]
    y = idx[0] * (r + 1) + idx[2]
    width = bc * (c + 1) - 2 if c else 0                    # from the first centre to the last
    height = br * (r + 1) - 2 if r else 0
    return np.stack([x, y], axis=1).astype(float), float(width), float(height)


def flow_animation(src_shape: tuple[int, ...], dst_shape: tuple[int, ...],
                   dst_slot: np.ndarray | None = None, values: np.ndarray | None = None,
                   titles: tuple[str, str] = ("x", "y"), frame_ms: int = 70,
                   max_width_px: int = 600, max_height_px: int = 480) -> go.Figure:
    """Numbered, coloured elements fly from their place in src_shape to their slot in dst_shape.

    dst_slot[k] is the row-major position, in dst_shape, where element k of the source
    lands: the identity for reshape (the order never changes), a permutation for a
    transpose. Elements leave one after another in source order; Play/Pause + slider.
    Markers are sized in pixels, so the caller says how wide the figure will be at least.
    """
    n = math.prod(src_shape)
    if n > MAX_FLOW_ELEMENTS or n != math.prod(dst_shape):
        raise ValueError("flow_animation draws up to 60 elements, the same number on both sides")
    dst_slot = np.arange(n) if dst_slot is None else np.asarray(dst_slot)
    values = np.arange(n) if values is None else np.asarray(values).reshape(-1)
    src_xy, ws, hs = element_layout(src_shape)
    dst_xy, wd, hd = element_layout(dst_shape)
    # side by side or one above the other: whichever gives bigger cells in the space we have
    side = (ws + 3 + wd, max(hs, hd))
    stacked = (max(ws, wd), hs + 3 + hd)

    def cell_px(w_units, h_units):
        return min(58.0, max_width_px / (w_units + 1.6), max_height_px / (h_units + 2.2))
    side_by_side = cell_px(*side) >= cell_px(*stacked)
    width, height = side if side_by_side else stacked
    offset = np.array([ws + 3, 0.0]) if side_by_side else np.array([0.0, hs + 3])
    dst_xy = dst_xy + offset
    target = dst_xy[dst_slot]                                # where element k ends up
    ppu = cell_px(width, height)                             # pixels per cell
    colors = element_colors(n)
    labels = [f"{v:g}" if isinstance(v, (float, np.floating)) else str(v) for v in values]
    size_px = 0.84 * ppu
    # numbers (two digits at most) of 0.47 * ppu still fit the 0.84 * ppu marker when a
    # projector draws text 1.4x: 1.4 * 0.47 * 1.1 (two digits' width, in em) ≈ 0.72
    stagger = max(1, round(24 / max(n, 1)))                  # frames between departures
    travel = 8                                               # frames each element travels
    total = (n - 1) * stagger + travel + 1

    def positions(f):
        p = np.clip((f - np.arange(n) * stagger) / travel, 0, 1)[:, None]
        p = p * p * (3 - 2 * p)                              # smooth start and stop
        xy = src_xy * (1 - p) + target * p
        return np.round(xy[:, 0], 3).tolist(), np.round(xy[:, 1], 3).tolist()

    slots = np.vstack([src_xy, dst_xy])
    x0, y0 = positions(0)
    data = [
        dict(type="scatter", x=slots[:, 0].tolist(), y=slots[:, 1].tolist(), mode="markers",
             hoverinfo="skip", showlegend=False,
             marker=dict(symbol="square-open", size=size_px, color="#cbd5e1", line=dict(width=1.5))),
        dict(type="scatter", x=x0, y=y0, mode="markers+text", text=labels, hoverinfo="skip",
             showlegend=False, textfont=dict(size=max(9, min(16, int(0.47 * ppu))), color=INK),
             marker=dict(symbol="square", size=size_px, color=colors,
                         line=dict(color="#334155", width=1)))]
    frames = []
    for f in range(total):                                   # frames carry positions only
        xs, ys = positions(f)
        frames.append(dict(name=str(f), traces=[1], data=[dict(type="scatter", x=xs, y=ys)]))
    notes = [dict(x=x - 0.45, y=y - 0.6, text=f"<b>{text}</b>", showarrow=False, xanchor="left",
                  yanchor="bottom", font=dict(size=14, color=INK))
             for (x, y), text in (((0, 0), titles[0]), (tuple(offset), titles[1]))]
    play = play_args(frame_ms, redraw=False)
    layout = dict(
        height=int(ppu * (height + 2.2) + 80), font=FONT, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=10, b=60), showlegend=False, annotations=notes,
        updatemenus=[player_buttons(play)],
        sliders=[frame_slider([fr["name"] for fr in frames], redraw=False)],
        xaxis=dict(visible=False, range=[-0.8, width + 0.8]),
        yaxis=dict(visible=False, range=[height + 0.8, -1.4], scaleanchor="x", constrain="domain"))
    return fast_figure(data, layout, frames)


def transpose_slots(shape: tuple[int, int]) -> np.ndarray:
    """For a 2-D transpose: element k = [i, j] of x lands at row-major slot j * rows + i of x.T."""
    rows, cols = shape
    i, j = np.divmod(np.arange(rows * cols), cols)
    return j * rows + i


# ------------------------------------------------------------ N-D: axis boxes

def axis_permutation_figure(shape: tuple[int, ...], axes: tuple[int, ...],
                            names: tuple[str, str] = ("x", "np.transpose(x, axes)")) -> go.Figure:
    """Axis boxes of x on top, of the transposed result below; arrows say where each goes.

    Output axis k is input axis axes[k]: same size, same colour, new position.
    """
    n = len(shape)
    axes = tuple(a % n for a in axes) if n else ()
    fig = Canvas()
    w, gap = 1.6, 0.35

    def box(k, y, size, color, label):
        x0 = k * (w + gap)
        fig.add_shape(type="rect", x0=x0, x1=x0 + w, y0=y, y1=y + 1, line=dict(color=color, width=2.5),
                      fillcolor=color, opacity=0.18, layer="below")
        fig.add_shape(type="rect", x0=x0, x1=x0 + w, y0=y, y1=y + 1, line=dict(color=color, width=2.5))
        fig.add_annotation(x=x0 + w / 2, y=y + 0.58, text=f"<b>{size}</b>", showarrow=False,
                           font=dict(size=22, color=INK))
        fig.add_annotation(x=x0 + w / 2, y=y + 0.2, text=label, showarrow=False,
                           font=dict(size=11, color=color))

    top, bottom = 3.2, 0.0
    for k, size in enumerate(shape):
        box(k, top, size, AXIS_COLORS[k % len(AXIS_COLORS)], f"axis {k}")
    for k, src in enumerate(axes):
        box(k, bottom, shape[src], AXIS_COLORS[src % len(AXIS_COLORS)],
            f"axis {k} (was {src})" if src != k else f"axis {k} (stays)")
        fig.add_annotation(x=k * (w + gap) + w / 2, y=bottom + 1.05, ax=src * (w + gap) + w / 2,
                           ay=top - 0.05, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=3, arrowsize=1.2, arrowwidth=2.5,
                           arrowcolor=AXIS_COLORS[src % len(AXIS_COLORS)])
    out_shape = tuple(shape[a] for a in axes)
    fig.add_annotation(x=-0.1, y=top + 1.05, text=f"<b>{names[0]}</b>  {format_shape(shape)}",
                       showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=14, color=INK))
    fig.add_annotation(x=-0.1, y=bottom - 0.05, text=f"<b>{names[1]}</b>  {format_shape(out_shape)}",
                       showarrow=False, xanchor="left", yanchor="top", font=dict(size=14, color=INK))
    return fast_figure([], dict(
        shapes=fig.shapes, annotations=fig.annotations, height=300, font=FONT,
        margin=dict(l=5, r=5, t=5, b=5), plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-0.3, max(n * (w + gap), 8)]),
        yaxis=dict(visible=False, range=[-0.7, top + 1.7])))


# ------------------------------------------------------- MNIST: 28x28 -> 784

def digit_rows_figure(image: np.ndarray, row: int) -> go.Figure:
    """A digit as its 28x28 grid, with one row framed: the row that becomes pixels 28*row ..."""
    rows, cols = image.shape
    fig = go.Figure(go.Heatmap(z=image, colorscale=BINARY, zmin=0, zmax=255, showscale=False,
                               xgap=1, ygap=1,
                               hovertemplate="[%{y}, %{x}] = %{z}<extra></extra>"))
    fig.add_shape(type="rect", x0=-0.5, x1=cols - 0.5, y0=row - 0.5, y1=row + 0.5,
                  line=dict(color="#dc2626", width=3))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", dtick=7,
                     title="row (axis 0 of the digit)")
    fig.update_xaxes(side="top", constrain="domain", dtick=7, title="column (axis 1)")
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=50, b=10), font=FONT,
                      plot_bgcolor="white")
    return fig


def digit_strip_figure(image: np.ndarray, row: int) -> go.Figure:
    """The same digit as one 784-long row (what reshape((-1, 784)) feeds the network).

    Top: all 784 pixels, row `row` framed. Below: a zoom on that row and its neighbours,
    pixel by pixel, so the seams between image rows are visible.
    """
    rows, cols = image.shape
    flat = image.reshape(rows * cols)                         # (784,)
    lo, hi = max(0, row - 1) * cols, min(rows, row + 2) * cols
    hover = "pixel %{x} = %{z}<extra></extra>"
    data = [dict(type="heatmap", z=[flat.tolist()], colorscale=BINARY, zmin=0, zmax=255,
                 showscale=False, hovertemplate=hover, xaxis="x", yaxis="y"),
            dict(type="heatmap", z=[flat[lo:hi].tolist()], x=list(range(lo, hi)), colorscale=BINARY,
                 zmin=0, zmax=255, showscale=False, xgap=1, hovertemplate=hover,
                 xaxis="x2", yaxis="y2")]
    fig = Canvas()
    for r in range(1, rows):                                  # ticks where each image row starts
        fig.add_shape(type="line", x0=r * cols - 0.5, x1=r * cols - 0.5, y0=-0.75, y1=0.5,
                      xref="x", yref="y", line=dict(color="#94a3b8", width=1))
    fig.add_shape(type="rect", x0=lo - 0.5, x1=hi - 0.5, y0=-0.5, y1=0.5, layer="below",
                  xref="x2", yref="y2", fillcolor="#cbd5e1", line=dict(width=0))  # cell gaps
    for axis in ("", "2"):
        fig.add_shape(type="rect", x0=row * cols - 0.5, x1=(row + 1) * cols - 0.5, y0=-0.5,
                      y1=0.5, xref="x" + axis, yref="y" + axis, line=dict(color="#dc2626", width=3))
    for r in range(lo // cols, hi // cols):                   # name the rows in the zoom
        fig.add_annotation(x=(r + 0.5) * cols - 0.5, y=0.5, xref="x2", yref="y2", yanchor="bottom",
                           showarrow=False, text=f"row {r}: pixels {r * cols}…{(r + 1) * cols - 1}",
                           font=dict(size=12, color="#dc2626" if r == row else INK))
    layout = dict(
        shapes=fig.shapes, annotations=fig.annotations, height=260, font=FONT,
        margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
        xaxis=dict(range=[-0.5, rows * cols - 0.5], anchor="y",
                   tickvals=list(range(0, rows * cols + 1, 4 * cols))),
        yaxis=dict(visible=False, range=[-0.8, 0.55], domain=[0.72, 1.0]),
        xaxis2=dict(range=[lo - 0.5, hi - 0.5], anchor="y2", tickvals=list(range(lo, hi + 1, 14)),
                    title=dict(text="pixel index in the 784-long row")),
        yaxis2=dict(visible=False, range=[-0.55, 0.9], domain=[0.0, 0.42]))
    return fast_figure(data, layout)

"""Tensors drawn as cells in 3-D: rank 3 as a cube of cells, rank 4-5 as a grid of cubes.

Axis convention in the pictures: the last axis runs left to right (columns), the one
before it top to bottom (rows), the one before that into the page (depth); a 4th axis
lays the cubes side by side, a 5th stacks those rows of cubes downwards.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import FONT
from lib.shapes import pad_shape

CELL = 0.86          # cube edge; 1 - CELL is the gap between cells
_CUBE_FACES = np.array([  # 12 triangles of a unit cube, by vertex index
    [0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
    [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])
_CUBE_VERTS = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0],
                        [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], dtype=float)


def cell_positions(shape: tuple[int, ...]) -> np.ndarray:
    """(size, 3) x/y/z corner of every cell, in C (row-major) order of the tensor."""
    shape = tuple(shape)
    if not 1 <= len(shape) <= 5:
        raise ValueError("cell_positions draws ranks 1 to 5")
    full = pad_shape(shape, 5)            # (rows of blocks, blocks, depth, rows, cols)
    r5, r4, depth, rows, cols = full
    idx = np.indices(full).reshape(5, -1)
    i5, i4, d, r, c = idx
    block_w, block_h = cols + 1.5, rows + depth * 0.0 + 2.0
    x = c + i4 * block_w
    y = d.astype(float)
    z = -(r + i5 * block_h)
    return np.stack([x, y, z], axis=1).astype(float)


def tensor_cubes(values: np.ndarray, title: str = "", show_values: bool = True,
                 height: int = 520) -> go.Figure:
    """A rank 1-5 tensor as coloured cubes with its values (ranks 3-5 in 3-D)."""
    values = np.asarray(values)
    shape = values.shape
    pos = cell_positions(shape)                      # (size, 3)
    flat = values.reshape(-1).astype(float)
    n = len(flat)
    verts = (pos[:, None, :] + _CUBE_VERTS[None, :, :] * CELL).reshape(-1, 3)   # (n*8, 3)
    faces = (_CUBE_FACES[None, :, :] + 8 * np.arange(n)[:, None, None]).reshape(-1, 3)
    intensity = np.repeat(flat, 8)
    lo, hi = float(flat.min()), float(flat.max())
    fig = go.Figure(go.Mesh3d(
        x=verts[:, 0], y=verts[:, 1], z=verts[:, 2], i=faces[:, 0], j=faces[:, 1], k=faces[:, 2],
        intensity=intensity, colorscale="Blues", cmin=lo - 0.6 * (hi - lo + 1e-9), cmax=hi + 0.2 * (hi - lo + 1e-9),
        showscale=False, opacity=1.0, flatshading=True, hoverinfo="skip",
        lighting=dict(ambient=0.85, diffuse=0.35, specular=0.05)))
    fig.add_trace(_edges(pos))
    depth_index = np.indices(shape).reshape(len(shape), -1)[-3] if len(shape) >= 3 else np.zeros(n)
    front = depth_index == 0                         # values written on the front layer
    if show_values and front.sum() <= 300:
        centres = pos[front] + CELL / 2
        text = [f"{v:g}" for v in values.reshape(-1)[front]]
        fig.add_trace(go.Scatter3d(
            x=centres[:, 0], y=centres[:, 1] - CELL / 2 - 0.4, z=centres[:, 2], mode="text",
            text=text, textfont=dict(size=14, color="#0f172a"), hoverinfo="skip"))
    fig.add_trace(_axis_labels(shape))
    span = np.ptp(pos, axis=0) + 1
    fig.update_layout(
        title=title or None, height=height, font=FONT, showlegend=False,
        margin=dict(l=0, r=0, t=40 if title else 0, b=0),
        scene=dict(xaxis=dict(visible=False), yaxis=dict(visible=False), zaxis=dict(visible=False),
                   aspectmode="manual", aspectratio=dict(x=1, y=span[1] / span[0],
                                                         z=span[2] / span[0]),
                   camera=dict(eye=dict(x=0.45, y=-1.25, z=0.55), up=dict(x=0, y=0, z=1))))
    return fig


def _edges(pos: np.ndarray) -> go.Scatter3d:
    """Dark outlines of every cube, so cells read as cells."""
    edges = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4),
             (0, 4), (1, 5), (2, 6), (3, 7)]
    corners = pos[:, None, :] + _CUBE_VERTS[None, :, :] * CELL      # (n, 8, 3)
    seg = np.full((len(pos), len(edges), 3, 3), np.nan)
    for e, (a, b) in enumerate(edges):
        seg[:, e, 0] = corners[:, a]
        seg[:, e, 1] = corners[:, b]
    seg = seg.reshape(-1, 3)
    return go.Scatter3d(x=seg[:, 0], y=seg[:, 1], z=seg[:, 2], mode="lines",
                        line=dict(color="#1e3a8a", width=2), hoverinfo="skip")


def _axis_labels(shape: tuple[int, ...]) -> go.Scatter3d:
    """Text next to the cells naming each axis and its size."""
    rank = len(shape)
    names = {rank - 1: "columns", rank - 2: "rows", rank - 3: "depth", rank - 4: "cubes",
             rank - 5: "rows of cubes"}
    full = pad_shape(shape, 5)
    r5, r4, depth, rows, cols = full
    width = r4 * (cols + 1.5) - 1.5
    bottom = -(r5 * (rows + 2.0)) + 2.0
    where = {rank - 1: (cols / 2, -0.3, bottom - 0.9),          # under the first block
             rank - 2: (-1.6, -0.3, -rows / 2 + 1),             # left of the first block
             rank - 3: (width + 1.2, depth / 2 + 0.5, 1.0),     # up the depth edge of the last block
             rank - 4: (width / 2, -0.3, 3.4),                  # above the row of blocks
             rank - 5: (-1.6, -0.3, bottom - 1.8)}
    xs, ys, zs, text = [], [], [], []
    for axis in range(rank):
        x, y, z = where[axis]
        xs.append(x); ys.append(y); zs.append(z)
        text.append(f"<b>axis {axis}</b>: {shape[axis]} {names[axis]}")
    return go.Scatter3d(x=xs, y=ys, z=zs, mode="text", text=text,
                        textfont=dict(size=13, color="#b91c1c"), hoverinfo="skip")


def axes_diagram(shape: tuple[int, ...], axes: tuple[str, ...], title: str = "") -> go.Figure:
    """One labelled box per axis: what each axis of a data tensor means, and its size."""
    fig = go.Figure()
    palette = ["#dbeafe", "#dcfce7", "#fef9c3", "#fde2e2", "#ede9fe"]
    for i, (size, name) in enumerate(zip(shape, axes)):
        fig.add_shape(type="rect", x0=i * 1.1, x1=i * 1.1 + 1, y0=0, y1=1,
                      fillcolor=palette[i % len(palette)], line=dict(color="#334155", width=1.5))
        fig.add_annotation(x=i * 1.1 + 0.5, y=0.62, text=f"<b>{size:,}</b>", showarrow=False,
                           font=dict(size=18))
        fig.add_annotation(x=i * 1.1 + 0.5, y=0.3, text=name, showarrow=False, font=dict(size=13))
        fig.add_annotation(x=i * 1.1 + 0.5, y=1.15, text=f"axis {i}", showarrow=False,
                           font=dict(size=11, color="#64748b"))
    fig.update_xaxes(visible=False, range=[-0.1, max(len(shape), 3) * 1.1])
    fig.update_yaxes(visible=False, range=[-0.1, 1.35])
    fig.update_layout(title=title or None, height=130, margin=dict(l=0, r=0, t=30 if title else 0, b=0),
                      plot_bgcolor="white", font=FONT)
    return fig

"""Tensors drawn as cells in 3-D: rank 3 as a cube of cells, rank 4-5 as a grid of cubes.

Axis convention in the pictures: the last axis runs left to right (columns), the one
before it top to bottom (rows), the one before that into the page (depth); a 4th axis
lays the cubes side by side, a 5th stacks those rows of cubes downwards.
"""
from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import FONT
from lib.rules.shapes import pad_shape

CELL = 0.86          # cube edge; 1 - CELL is the gap between cells
CAMERA = dict(eye=dict(x=0.45, y=-1.25, z=0.55), up=dict(x=0, y=0, z=1))
LABEL_FONT = 13      # px, the axis labels
# On screen, the scene box's longer side (as _screen_size measures it) spans this share of
# the figure's height: Plotly's 3-D camera scales with the viewport's height (measured
# 0.88-0.93 with CAMERA in the builder at 520 px and on a projector at 420 px; a little
# less here, to be safe). The pages draw cubes in figures at least as wide as tall.
SCENE_SHARE = 0.85
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
                 height: int = 520, aspect: float = 1.0, text_scale: float = 1.0) -> go.Figure:
    """A rank 1-5 tensor as coloured cubes with its values (ranks 3-5 in 3-D), each axis
    named beside the cells, every name inside the figure when it is drawn at least
    `aspect` times as wide as tall (a wider figure gets a closer camera) with its text
    `text_scale` times larger than written here (projector mode grows every figure's text)."""
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
    labels = _axis_labels(shape, text_scale)
    ranges, zoom = _scene_ranges(pos, labels, height - (40 if title else 0), aspect, text_scale)
    span = np.array([hi - lo for lo, hi in ranges])
    eye = {k: v / zoom for k, v in CAMERA["eye"].items()}
    fig.update_layout(
        title=title or None, height=height, font=FONT, showlegend=False,
        margin=dict(l=0, r=0, t=40 if title else 0, b=0),
        scene=dict(xaxis=dict(visible=False, range=ranges[0]), yaxis=dict(visible=False, range=ranges[1]),
                   zaxis=dict(visible=False, range=ranges[2]),
                   aspectmode="manual", aspectratio=dict(zip("xyz", span / max(_screen_size(span)))),
                   annotations=labels,
                   camera=dict(CAMERA, eye=eye)))
    return fig


def _text_box(label: dict, text_scale: float) -> tuple[float, float, float, float]:
    """The px a label's text reaches left, right, down and up of its anchor (estimated
    from its length: ~0.58 em per character, bold included)."""
    size = label["font"]["size"] * text_scale
    w = 0.58 * size * len(re.sub("<[^>]+>", "", label["text"])) + 6
    h = 1.4 * size + 4
    if label.get("textangle"):                  # written upwards
        w, h = h, w
    left, right = {"left": (0, w), "right": (w, 0)}.get(label["xanchor"], (w / 2, w / 2))
    left, right = left - label.get("xshift", 0), right + label.get("xshift", 0)
    down, up = {"bottom": (0, h), "top": (h, 0)}.get(label["yanchor"], (h / 2, h / 2))
    return left, right, down, up


def _screen_size(span: np.ndarray) -> tuple[float, float]:
    """How wide and how tall a box of this x, y, z span looks from CAMERA's direction, in
    data units (the depth axis y shows, foreshortened, in both)."""
    x, y, z = span
    return 0.94 * x + 0.34 * y, 0.92 * z + 0.38 * y


def _scene_ranges(pos: np.ndarray, labels: list[dict], height: int, aspect: float,
                  text_scale: float) -> tuple[list[list[float]], float]:
    """The scene's x, y, z ranges and the camera's zoom: the cells, the values written in
    front of them, and room around every axis label for its text, which is written in
    screen px outwards from its anchor. The scene box is scaled so its longer side on
    screen is 1; the zoom then fills `height` x `aspect * height`. The room in data units
    depends on the scale, which depends on the ranges: a few rounds of fixed-point
    iteration find both."""
    lo = pos.min(axis=0) - np.array([0, 0.6, 0])           # the values sit 0.4 in front
    hi = pos.max(axis=0) + CELL
    boxes = [((a["x"], a["z"]), _text_box(a, text_scale)) for a in labels]
    ranges, zoom = np.array([lo, hi], dtype=float), 1.0
    for _ in range(30):
        wide, tall = _screen_size(np.ptp(ranges, axis=0))
        longer = max(wide, tall)
        zoom = min(aspect * longer / wide, longer / tall)   # fill the figure's width or height
        units_per_px = longer / (SCENE_SHARE * height * zoom)
        new = np.array([lo, hi], dtype=float)
        for (x, z), (left, right, down, up) in boxes:
            new[0, 0] = min(new[0, 0], x - left * units_per_px)
            new[1, 0] = max(new[1, 0], x + right * units_per_px)
            new[0, 2] = min(new[0, 2], z - down * units_per_px)
            new[1, 2] = max(new[1, 2], z + up * units_per_px)
        if np.allclose(new, ranges, atol=1e-3):
            break
        ranges = new
    return [[float(a), float(b)] for a, b in zip(ranges[0], ranges[1])], float(zoom)


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


def _axis_labels(shape: tuple[int, ...], text_scale: float = 1.0) -> list[dict]:
    """Scene annotations next to the cells naming each axis and its size. Each is anchored
    on the side away from the cells, so its text runs outwards, never over a cube."""
    rank = len(shape)
    names = {rank - 1: "column", rank - 2: "row", rank - 3: "depth", rank - 4: "cube",
             rank - 5: "row of cubes"}
    full = pad_shape(shape, 5)
    r5, r4, depth, rows, cols = full
    width = r4 * (cols + 1.5) - 1.5
    bottom = -(r5 * (rows + 2.0)) + 2.0
    top, right, back = CELL, width - 1 + CELL, depth - 1 + CELL
    lowest = bottom + 1                                # the bottom face of the lowest cells
    # (x, y, z), anchors, angle: the side labels run upwards along their edge, like a
    # y-axis title, so they need little room beside the cubes.
    below = 0.5 if r4 == 1 else 1.2       # blocks further right look lower: keep clear of them
    where = {rank - 1: ((0, 0, lowest - below), "left", "top", 0),                        # under the first block
             rank - 2: ((-0.4, 0, (top - rows + 1) / 2), "right", "middle", -90),         # left of the first block
             rank - 3: ((right + 0.3, back, top), "left", "middle", 0),                   # at the far end of the depth edge
             rank - 4: ((right / 2, back, top + 0.3), "center", "bottom", 0),             # above the row of blocks
             rank - 5: ((-0.4, 0, (top + lowest) / 2), "right", "middle", -90)}          # left of the rows of blocks
    shift = {rank - 5: -1.6 * LABEL_FONT * text_scale}  # beside the rows label, not over it
    labels = []
    for axis in range(rank):
        (x, y, z), xanchor, yanchor, angle = where[axis]
        labels.append(dict(x=x, y=y, z=z, text=f"<b>axis {axis}</b>: {shape[axis]} {_plural(names[axis], shape[axis])}",
                           showarrow=False, xanchor=xanchor, yanchor=yanchor, textangle=angle,
                           xshift=shift.get(axis, 0),
                           font=dict(size=LABEL_FONT, color="#b91c1c")))
    return labels


def _plural(name: str, n: int) -> str:
    """'3 rows', '1 row', '2 rows of cubes'; depth is a length."""
    if n == 1 or name == "depth":
        return name
    return name.replace("row", "rows", 1) if name.startswith("row") else name + "s"


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

"""Figures for the training pages: loss and accuracy curves, the 16 test digits with
their predictions, one prediction vector as bars, the forward pass as shapes, and the
curve-and-tangent picture of the Gradient tape page. Data in, Plotly figure out.
"""
from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go


from lib.figures.common import BINARY, FONT, fast_figure
from lib.rules import BOOK_BATCH_SIZE

GREEN, RED, BLUE, GREY = "#16a34a", "#dc2626", "#2563eb", "#94a3b8"
MAX_RAW_POINTS = 2000     # more batch losses than this are thinned before drawing


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """Exponential moving average, bias-corrected so the first points are not pulled to 0."""
    values = np.asarray(values, dtype=float)
    out = np.empty_like(values)
    acc = 0.0
    for i, v in enumerate(values):
        acc = weight * acc + (1 - weight) * v
        out[i] = acc / (1 - weight ** (i + 1))
    return out


def _plot_layout(title: str, height: int, **extra) -> dict:
    """House layout as a plain dict. The live figures are built from plain dicts with
    common.fast_figure (no validation pass): they are rebuilt on every tick or epoch, for
    every student of a class; the unit tests validate what they build."""
    axis = dict(gridcolor="#e5e7eb", zeroline=False)
    layout = dict(title=dict(text=title, x=0, xanchor="left") if title else None,
                  font=FONT, height=height, plot_bgcolor="white",
                  margin=dict(l=10, r=10, t=50 if title else 10, b=10),
                  legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
                  xaxis=dict(axis), yaxis=dict(axis))
    for name, value in extra.items():
        if name in ("xaxis", "yaxis"):
            layout[name].update(value)
        else:
            layout[name] = value
    return layout


def loss_figure(steps, losses, batches_per_epoch: int, total_epochs: int,
                epoch_numbers=(), epoch_losses=(), other=None, height: int = 380) -> go.Figure:
    """Loss per batch (raw and smoothed) and per epoch, against epochs (1 = one pass).

    `other` = (label, steps, losses, batches_per_epoch) adds another run's smoothed loss
    (the quick-start page's side-by-side). The y axis turns logarithmic when the loss
    has spiked above 10, so a blow-up and the slow fall after it both stay readable.
    """
    steps = np.asarray(steps, dtype=float)
    losses = np.asarray(losses, dtype=float)
    x = steps / max(batches_per_epoch, 1)
    traces = []
    if len(losses):
        stride = -(-len(losses) // MAX_RAW_POINTS)          # ceil: at most MAX_RAW_POINTS drawn
        x, smoothed = x.astype(np.float32), smooth(losses).astype(np.float32)
        traces.append(dict(type="scatter", x=x[::stride], y=losses[::stride].astype(np.float32),
                           mode="lines", name="per batch", line=dict(color=GREY, width=1),
                           hovertemplate="epoch %{x:.2f}: loss %{y:.4f}<extra></extra>"))
        traces.append(dict(type="scatter", x=x[::stride], y=smoothed[::stride], mode="lines",
                           name="smoothed", line=dict(color=BLUE, width=3),
                           hovertemplate="epoch %{x:.2f}: smoothed %{y:.4f}<extra></extra>"))
    if len(epoch_losses):
        traces.append(dict(type="scatter", x=list(epoch_numbers), y=list(epoch_losses),
                           mode="lines+markers", name="epoch mean",
                           line=dict(color="#f59e0b", width=2, dash="dot"), marker=dict(size=10),
                           hovertemplate="epoch %{x}: mean loss %{y:.4f}<extra></extra>"))
    if other is not None:
        label, o_steps, o_losses, o_bpe = other
        o_losses = np.asarray(o_losses, dtype=float)
        if len(o_losses):
            traces.append(dict(type="scatter", x=np.asarray(o_steps, dtype=float) / max(o_bpe, 1),
                               y=smooth(o_losses), mode="lines", name=label,
                               line=dict(color="#9333ea", width=3)))
    log_y = bool(len(losses)) and float(np.nanmax(losses)) > 10
    return fast_figure(traces, _plot_layout(
        "Loss", height, xaxis=dict(title="epoch", range=[0, max(total_epochs, 1)]),
        yaxis=dict(title="loss (log scale)" if log_y else "loss",
                   type="log" if log_y else "linear", rangemode="tozero")))


def run_loss_figure(batches, epochs, total_epochs: int, other=None,
                    height: int = 380) -> go.Figure:
    """loss_figure of a live run's events (lib.train.live): the loss of every batch, and the
    mean loss of each trained epoch (epoch 0, before training, has none). `other` =
    (label, another run's batch events) adds that run's smoothed loss."""
    if other is not None:
        label, o = other
        other = (label, [b.step for b in o], [b.loss for b in o],
                 o[0].batches_per_epoch if o else 1)
    trained = [e for e in epochs if e.epoch >= 1]
    return loss_figure([b.step for b in batches], [b.loss for b in batches],
                       batches[0].batches_per_epoch if batches else 1, total_epochs,
                       [e.epoch for e in trained], [e.mean_loss for e in trained],
                       other=other, height=height)


def accuracy_figure(epoch_numbers, train_acc, test_acc, total_epochs: int,
                    height: int = 380) -> go.Figure:
    """Train and test accuracy after every epoch (epoch 0 = before any training)."""
    traces = []
    for name, values, color in (("train", train_acc, BLUE), ("test", test_acc, GREEN)):
        ys = [None if v is None else 100 * v for v in values]
        traces.append(dict(type="scatter", x=list(epoch_numbers), y=ys, mode="lines+markers",
                           name=name, line=dict(color=color, width=3), marker=dict(size=9),
                           hovertemplate=f"epoch %{{x}}: {name} %{{y:.1f}}%<extra></extra>"))
    right = max(total_epochs, 1) + 0.2
    chance = dict(type="line", x0=-0.2, x1=right, y0=10, y1=10, line=dict(color=GREY, dash="dot"))
    note = dict(x=right, y=10, xanchor="right", yanchor="bottom", showarrow=False,
                text="chance (10%)", font=dict(color="#64748b", size=12))
    return fast_figure(traces, _plot_layout(
        "Accuracy", height, shapes=[chance], annotations=[note],
        xaxis=dict(title="epoch", range=[-0.2, right], dtick=max(1, -(-total_epochs // 10))),
        yaxis=dict(title="accuracy (%)", range=[0, 101])))


def prediction_grid(images, labels, probs=None, selected: int | None = None, cols: int = 8,
                    height: int = 330) -> go.Figure:
    """The fixed test digits, each titled with its predicted label and probability:
    green when right, red when wrong, grey before any prediction."""
    images = np.asarray(images).reshape(-1, 28, 28)
    if images.max() <= 1.0:
        images = images * 255
    n = len(images)
    rows = int(np.ceil(n / cols))
    gap, tile = 8, 28
    cell_h, cell_w = tile + gap + 10, tile + gap              # room for a caption above each tile
    mosaic = np.zeros((rows * cell_h, cols * cell_w), dtype=np.uint8)   # 0 = white paper
    annotations, shapes = [], []
    for i in range(n):
        r, c = divmod(i, cols)
        top, left = r * cell_h + 10, c * cell_w
        mosaic[top:top + tile, left:left + tile] = images[i]
        if probs is None:
            caption, color = f"label {labels[i]}", GREY
        else:
            guess = int(np.argmax(probs[i]))
            color = GREEN if guess == int(labels[i]) else RED
            caption = f"{guess} · {100 * float(probs[i][guess]):.0f}%"
        annotations.append(dict(x=left + tile / 2 - 0.5, y=top - 1.5, text=f"<b>{caption}</b>",
                                showarrow=False, yanchor="bottom", font=dict(size=15, color=color)))
        shapes.append(dict(type="rect", x0=left - 1.5, x1=left + tile - 0.5, y0=top - 1.5,
                           y1=top + tile - 0.5,
                           line=dict(color=BLUE if i == selected else color,
                                     width=5 if i == selected else 3)))
    heatmap = dict(type="heatmap", z=mosaic, colorscale=BINARY, zmin=0, zmax=255,
                   showscale=False, hoverinfo="skip")
    return fast_figure([heatmap], dict(
        font=FONT, height=height, plot_bgcolor="white", margin=dict(l=0, r=0, t=0, b=0),
        annotations=annotations, shapes=shapes,
        xaxis=dict(visible=False, range=[-3, cols * cell_w - gap + 2], fixedrange=True),
        yaxis=dict(visible=False, autorange="reversed", scaleanchor="x", constrain="domain",
                   fixedrange=True)))


def prediction_bars(probs, true_label: int | None = None, height: int = 330,
                    title: str = "") -> go.Figure:
    """One prediction vector as ten bars. The guess is coloured: green when it is the true
    label, red when it is not, blue when no label is known (a digit the student drew); the
    true label's bar is outlined in blue."""
    probs = np.asarray(probs, dtype=float).reshape(-1)       # (10,), also from (1, 10)
    guess = int(np.argmax(probs))
    colors = [GREY] * 10
    colors[guess] = BLUE if true_label is None else GREEN if guess == true_label else RED
    bars = dict(
        type="bar", x=list(range(10)), y=probs,
        marker=dict(color=colors, line=dict(
            color=[BLUE if k == true_label else "rgba(0,0,0,0)" for k in range(10)], width=3)),
        text=[f"{p:.2f}" for p in probs], textposition="outside",
        hovertemplate="digit %{x}: probability %{y:.3e}<extra></extra>")
    return fast_figure([bars], _plot_layout(
        title, height, xaxis=dict(title="digit (index in the prediction vector)", dtick=1),
        yaxis=dict(title="probability", range=[0, 1.15])))


# --------------------------------------------------------------------------- forward pass

@functools.lru_cache(maxsize=32)
def forward_shapes_figure(batch_size: int = BOOK_BATCH_SIZE, height: int = 320) -> go.Figure:
    """The forward pass as tensors drawn to (square-root) scale, with their shapes. Built
    once per (batch size, height) for the whole server: treat the figure as read-only."""
    b = int(batch_size)
    steps = [  # (name, rows, cols, shape text, colour, operator drawn after it)
        ("inputs", b, 784, "(batch, 784)", "#e0e7ff", "@"),
        ("W1", 784, 512, "(784, 512)", "#fde68a", "+"),
        ("b1", 1, 512, "(512,)", "#fde68a", "relu →"),
        ("hidden", b, 512, "(batch, 512)", "#e0e7ff", "@"),
        ("W2", 512, 10, "(512, 10)", "#fde68a", "+"),
        ("b2", 1, 10, "(10,)", "#fde68a", "softmax →"),
        ("predictions", b, 10, "(batch, 10)", "#bbf7d0", ""),
    ]
    scale = lambda n: 6 + 3.2 * np.sqrt(n)                   # noqa: E731  (size 1 stays visible)
    min_slot, op_slot = 64, {"@": 34, "+": 34, "relu →": 80, "softmax →": 100}
    shapes, annotations = [], []
    x = 0.0
    for label, rows, cols, shape, color, op in steps:
        w, h = scale(cols), scale(rows)
        slot = max(w, min_slot)
        x0 = x + (slot - w) / 2
        shapes.append(dict(type="rect", x0=x0, x1=x0 + w, y0=-h / 2, y1=h / 2, fillcolor=color,
                           line=dict(color="#334155", width=1.5)))
        annotations.append(dict(x=x + slot / 2, y=-h / 2 - 3, text=f"<b>{label}</b><br>{shape}",
                                showarrow=False, yanchor="top", font=dict(size=13)))
        x += slot
        if op:
            annotations.append(dict(x=x + op_slot[op] / 2, y=0, text=f"<b>{op}</b>",
                                    showarrow=False, font=dict(size=16, color="#0f172a")))
            x += op_slot[op]
    top = scale(784) / 2
    annotations.append(dict(x=0, y=top + 4, xanchor="left", yanchor="bottom", showarrow=False,
                            font=dict(size=13, color="#475569"),
                            text=f"batch = {b} · the same shapes for every batch · boxes drawn "
                                 "to square-root scale"))
    return go.Figure([], dict(
        height=height, margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white", font=FONT,
        shapes=shapes, annotations=annotations,
        xaxis=dict(visible=False, range=[-2, x + 2], fixedrange=True),
        yaxis=dict(visible=False, range=[-top - 34, top + 16], scaleanchor="x",
                   constrain="domain", fixedrange=True)))


# --------------------------------------------------------------------------- gradient tape

def tangent_figure(xs, ys, x0: float, y0: float, slope: float, title: str = "",
                   height: int = 420) -> go.Figure:
    """A curve, the point (x0, y0) on it and the tangent line with the tape's slope."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    span = (xs.max() - xs.min()) / 4
    tx = np.array([x0 - span, x0 + span])
    traces = [
        go.Scatter(x=xs, y=ys, mode="lines", name="y = f(x)", line=dict(color=BLUE, width=3)),
        go.Scatter(x=tx, y=y0 + slope * (tx - x0), mode="lines", name=f"tangent, slope {slope:.4g}",
                   line=dict(color=RED, width=3, dash="dash")),
        go.Scatter(x=[x0], y=[y0], mode="markers", name=f"x = {x0:g}",
                   marker=dict(size=14, color=RED, line=dict(color="white", width=2))),
    ]
    pad = 0.1 * (ys.max() - ys.min() or 1.0)
    return go.Figure(traces, _plot_layout(title, height, xaxis=dict(title="x"),
                                     yaxis=dict(title="y", range=[ys.min() - pad, ys.max() + pad])))

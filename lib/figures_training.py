"""Figures for the training pages: loss and accuracy curves, the 16 test digits with
their predictions, one prediction vector as bars, the forward pass as shapes, and the
curve-and-tangent picture of the Gradient tape page. Data in, Plotly figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.figures import BINARY, FONT

GREEN, RED, BLUE, GREY = "#16a34a", "#dc2626", "#2563eb", "#94a3b8"
MAX_RAW_POINTS = 3000     # more batch losses than this are thinned before drawing


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """Exponential moving average, bias-corrected so the first points are not pulled to 0."""
    values = np.asarray(values, dtype=float)
    out = np.empty_like(values)
    acc = 0.0
    for i, v in enumerate(values):
        acc = weight * acc + (1 - weight) * v
        out[i] = acc / (1 - weight ** (i + 1))
    return out


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left") if title else None,
                      font=FONT, height=height, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=50 if title else 10, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))
    fig.update_xaxes(gridcolor="#e5e7eb", zeroline=False)
    fig.update_yaxes(gridcolor="#e5e7eb", zeroline=False)
    return fig


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
    fig = go.Figure()
    if len(losses):
        stride = max(1, len(losses) // MAX_RAW_POINTS)
        fig.add_trace(go.Scattergl(x=x[::stride], y=losses[::stride], mode="lines", name="per batch",
                                   line=dict(color=GREY, width=1),
                                   hovertemplate="epoch %{x:.2f}: loss %{y:.4f}<extra></extra>"))
        fig.add_trace(go.Scattergl(x=x[::stride], y=smooth(losses)[::stride], mode="lines",
                                   name="smoothed", line=dict(color=BLUE, width=3),
                                   hovertemplate="epoch %{x:.2f}: smoothed %{y:.4f}<extra></extra>"))
    if len(epoch_losses):
        fig.add_trace(go.Scatter(x=list(epoch_numbers), y=list(epoch_losses), mode="lines+markers",
                                 name="epoch mean", line=dict(color="#f59e0b", width=2, dash="dot"),
                                 marker=dict(size=10),
                                 hovertemplate="epoch %{x}: mean loss %{y:.4f}<extra></extra>"))
    if other is not None:
        label, o_steps, o_losses, o_bpe = other
        o_losses = np.asarray(o_losses, dtype=float)
        if len(o_losses):
            fig.add_trace(go.Scattergl(x=np.asarray(o_steps, dtype=float) / max(o_bpe, 1),
                                       y=smooth(o_losses), mode="lines", name=label,
                                       line=dict(color="#9333ea", width=3)))
    log_y = bool(len(losses)) and float(np.nanmax(losses)) > 10
    fig.update_xaxes(title="epoch", range=[0, max(total_epochs, 1)])
    fig.update_yaxes(title="loss (log scale)" if log_y else "loss",
                     type="log" if log_y else "linear", rangemode="tozero")
    return _layout(fig, "Loss", height)


def accuracy_figure(epoch_numbers, train_acc, test_acc, total_epochs: int,
                    height: int = 380) -> go.Figure:
    """Train and test accuracy after every epoch (epoch 0 = before any training)."""
    fig = go.Figure()
    for name, values, color in (("train", train_acc, BLUE), ("test", test_acc, GREEN)):
        ys = [None if v is None else 100 * v for v in values]
        fig.add_trace(go.Scatter(x=list(epoch_numbers), y=ys, mode="lines+markers", name=name,
                                 line=dict(color=color, width=3), marker=dict(size=9),
                                 hovertemplate=f"epoch %{{x}}: {name} %{{y:.1f}}%<extra></extra>"))
    fig.add_hline(y=10, line=dict(color=GREY, dash="dot"), annotation_text="chance (10%)",
                  annotation_position="bottom right")
    fig.update_xaxes(title="epoch", range=[-0.2, max(total_epochs, 1) + 0.2], dtick=1)
    fig.update_yaxes(title="accuracy (%)", range=[0, 101])
    return _layout(fig, "Accuracy", height)


def prediction_grid(images, labels, probs=None, selected: int | None = None, cols: int = 8,
                    height: int = 330) -> go.Figure:
    """The fixed test digits, each titled with its predicted label and probability:
    green when right, red when wrong, grey before any prediction."""
    images = np.asarray(images).reshape(-1, 28, 28)
    n = len(images)
    rows = int(np.ceil(n / cols))
    gap, tile = 8, 28
    cell_h, cell_w = tile + gap + 10, tile + gap              # room for a caption above each tile
    mosaic = np.full((rows * cell_h, cols * cell_w), np.nan)
    fig = go.Figure()
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
        fig.add_annotation(x=left + tile / 2 - 0.5, y=top - 1.5, text=f"<b>{caption}</b>",
                           showarrow=False, yanchor="bottom", font=dict(size=15, color=color))
        width = 5 if i == selected else 3
        fig.add_shape(type="rect", x0=left - 1.5, x1=left + tile - 0.5, y0=top - 1.5,
                      y1=top + tile - 0.5, line=dict(color=BLUE if i == selected else color,
                                                     width=width))
    zmax = 1.0 if np.nanmax(mosaic) <= 1.0 else 255.0
    fig.add_trace(go.Heatmap(z=mosaic, colorscale=BINARY, zmin=0, zmax=zmax, showscale=False,
                             hoverinfo="skip"))
    fig.update_xaxes(visible=False, range=[-3, cols * cell_w - gap + 2])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(font=FONT, height=height, plot_bgcolor="white",
                      margin=dict(l=0, r=0, t=0, b=0))
    return fig


def prediction_bars(probs, true_label: int, height: int = 330, title: str = "") -> go.Figure:
    """One prediction vector: ten probabilities, the guess coloured, the true label marked."""
    probs = np.asarray(probs, dtype=float)
    guess = int(np.argmax(probs))
    colors = [GREY] * 10
    colors[guess] = GREEN if guess == true_label else RED
    fig = go.Figure(go.Bar(
        x=list(range(10)), y=probs, marker_color=colors,
        marker_line=dict(color=[BLUE if k == true_label else "rgba(0,0,0,0)" for k in range(10)],
                         width=3),
        text=[f"{p:.2f}" for p in probs], textposition="outside",
        hovertemplate="digit %{x}: probability %{y:.3e}<extra></extra>"))
    fig.update_xaxes(title="digit (index in the prediction vector)", dtick=1)
    fig.update_yaxes(title="probability", range=[0, 1.15])
    return _layout(fig, title, height)


def format_prediction_vector(probs) -> str:
    """The vector as NumPy prints it, e.g. array([1.2e-05, ..., 9.9e-01], dtype=float32)."""
    return repr(np.asarray(probs, dtype=np.float32).round(4))


# --------------------------------------------------------------------------- forward pass

def forward_shapes_figure(batch_size: int = 128, height: int = 300) -> go.Figure:
    """The forward pass as tensors drawn to (compressed) scale, with their shapes."""
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
    fig = go.Figure()
    x = 0.0
    for label, rows, cols, shape, color, op in steps:
        w, h = scale(cols), scale(rows)
        fig.add_shape(type="rect", x0=x, x1=x + w, y0=-h / 2, y1=h / 2, fillcolor=color,
                      line=dict(color="#334155", width=1.5))
        fig.add_annotation(x=x + w / 2, y=-h / 2 - 4, text=f"<b>{label}</b><br>{shape}",
                           showarrow=False, yanchor="top", font=dict(size=14))
        x += w
        if op:
            fig.add_annotation(x=x + 17, y=0, text=f"<b>{op}</b>", showarrow=False,
                               font=dict(size=18, color="#0f172a"))
            x += 34 if len(op) == 1 else 66
    top = scale(784) / 2
    fig.add_annotation(x=0, y=top + 6, xanchor="left", yanchor="bottom", showarrow=False,
                       font=dict(size=13, color="#475569"),
                       text=f"batch = {b}: the same shapes for every batch (boxes drawn to square-root scale)")
    fig.update_xaxes(visible=False, range=[-5, x + 5])
    fig.update_yaxes(visible=False, range=[-top - 40, top + 20], scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white",
                      font=FONT)
    return fig


# --------------------------------------------------------------------------- gradient tape

def tangent_figure(xs, ys, x0: float, y0: float, slope: float, title: str = "",
                   height: int = 420) -> go.Figure:
    """A curve, the point (x0, y0) on it and the tangent line with the tape's slope."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    span = (xs.max() - xs.min()) / 4
    tx = np.array([x0 - span, x0 + span])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="y = f(x)",
                             line=dict(color=BLUE, width=3)))
    fig.add_trace(go.Scatter(x=tx, y=y0 + slope * (tx - x0), mode="lines",
                             name=f"tangent, slope {slope:.4g}",
                             line=dict(color=RED, width=3, dash="dash")))
    fig.add_trace(go.Scatter(x=[x0], y=[y0], mode="markers", name=f"x = {x0:g}",
                             marker=dict(size=14, color=RED, line=dict(color="white", width=2))))
    pad = 0.1 * (ys.max() - ys.min() or 1.0)
    fig.update_yaxes(title="y", range=[ys.min() - pad, ys.max() + pad])
    fig.update_xaxes(title="x")
    return _layout(fig, title, height)

"""Looking inside a trained 784-512-10 network: first-layer weights as images, the
confusion matrix and the digits behind it, the ten prediction vectors of the quick
start, and the steps that turn a drawing into a (1, 784) row. Data in, Plotly figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.figures.common import BINARY, DIVERGING, FONT

GREEN, RED, BLUE, GREY = "#16a34a", "#dc2626", "#2563eb", "#94a3b8"
# weights drawn with the app's one signed scale (common.DIVERGING): negative red, positive blue


# --------------------------------------------------------------------------- confusion

def confusion_figure(cm: np.ndarray, title: str = "", height: int = 520) -> go.Figure:
    """Counts in every cell; the diagonal (right answers) green, mistakes in shades of red."""
    cm = np.asarray(cm)
    mistakes = cm.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    right = np.full(cm.shape, np.nan)
    np.fill_diagonal(right, np.diag(cm))
    text = np.where(cm > 0, cm.astype(str), "")
    diagonal = np.eye(*cm.shape, dtype=bool)
    hover = "true %{y}, predicted %{x}: %{z}<extra></extra>"
    fig = go.Figure([
        go.Heatmap(z=right, x=list(range(10)), y=list(range(10)),
                   colorscale=[[0, "#bbf7d0"], [1, "#4ade80"]], showscale=False, xgap=2, ygap=2,
                   text=np.where(diagonal, text, ""), texttemplate="<b>%{text}</b>",
                   textfont=dict(color="#14532d", size=14), hovertemplate=hover),
        go.Heatmap(z=mistakes, x=list(range(10)), y=list(range(10)),
                   colorscale=[[0, "#ffffff"], [1, "#dc2626"]], zmin=0,
                   zmax=max(1.0, float(np.nanmax(mistakes))) if cm.any() else 1.0,
                   showscale=False, xgap=2, ygap=2, text=np.where(diagonal, "", text),
                   texttemplate="%{text}", textfont=dict(color="#1f2937", size=14), hovertemplate=hover),
    ])
    fig.update_xaxes(title="predicted digit", dtick=1, side="top", constrain="domain",
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title="true digit", dtick=1, autorange="reversed", scaleanchor="x",
                     constrain="domain", showgrid=False, zeroline=False)
    fig.update_layout(title=dict(text=title, x=0, xanchor="left", y=0.99, yanchor="top")
                      if title else None, height=height, font=FONT, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=100 if title else 40, b=10))
    return fig


def _mosaic(images, cols: int, gap: int = 4, caption_h: int = 0):
    """Tile (n, 28, 28) images into one array with NaN gaps; returns (mosaic, cell origins)."""
    images = np.asarray(images, dtype=float).reshape(-1, 28, 28)
    n = len(images)
    rows = max(1, int(np.ceil(n / cols)))
    cell_h, cell_w = 28 + gap + caption_h, 28 + gap
    mosaic = np.full((rows * cell_h - gap, cols * cell_w - gap), np.nan)
    origins = []
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        top, left = r * cell_h + caption_h, c * cell_w
        mosaic[top:top + 28, left:left + 28] = image
        origins.append((top, left))
    return mosaic, origins


def digits_strip(images, captions, color: str = RED, cols: int = 6, height: int = 150) -> go.Figure:
    """A row of digits (ink dark on white), each with a small caption above it."""
    mosaic, origins = _mosaic(images, cols, gap=6, caption_h=9)
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale=BINARY, zmin=0,
                               zmax=1.0 if np.nanmax(mosaic, initial=0) <= 1 else 255.0,
                               showscale=False, hoverinfo="skip"))
    for (top, left), caption in zip(origins, captions):
        fig.add_annotation(x=left + 13.5, y=top - 1, text=caption, showarrow=False,
                           yanchor="bottom", font=dict(size=13, color=color))
    fig.update_xaxes(visible=False, range=[-1, cols * 34 - 5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white",
                      font=FONT)
    return fig


# --------------------------------------------------------------------------- weights

def unit_images(W1: np.ndarray, units, normalise: bool = True) -> np.ndarray:
    """Columns of W1 (784, 512) as (len(units), 28, 28) images; each scaled to [-1, 1]."""
    W1 = np.asarray(W1, dtype=float)
    images = W1[:, list(units)].T.reshape(-1, 28, 28)          # (units, 28, 28)
    if normalise:
        peak = np.abs(images).reshape(len(images), -1).max(axis=1)
        images = images / np.where(peak > 0, peak, 1.0)[:, None, None]
    return images


def weights_gallery(W1: np.ndarray, units, cols: int = 8, subtract=None,
                    height: int | None = None) -> go.Figure:
    """The 784 weights into each chosen hidden unit, drawn as a 28x28 image.

    Red pixels push the unit's output up when ink is there, blue ones push it down.
    `subtract` (e.g. the initial W1) shows what training has changed instead.
    """
    W = np.asarray(W1, dtype=float)
    if subtract is not None:
        W = W - np.asarray(subtract, dtype=float)
    units = list(units)
    images = unit_images(W, units)
    mosaic, origins = _mosaic(images, cols, gap=4, caption_h=8)
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale=DIVERGING, zmin=-1, zmax=1, showscale=False,
                               hoverinfo="skip"))
    for (top, left), unit in zip(origins, units):
        fig.add_annotation(x=left + 13.5, y=top - 1, text=f"unit {unit}", showarrow=False,
                           yanchor="bottom", font=dict(size=12, color="#334155"))
    rows = max(1, int(np.ceil(len(units) / cols)))
    fig.update_xaxes(visible=False, range=[-1, cols * 32 - 3])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(height=height or 40 + 110 * rows, margin=dict(l=0, r=0, t=0, b=0),
                      plot_bgcolor="white", font=FONT)
    return fig


# --------------------------------------------------------------------------- predictions

def _axis(letter: str, k: int) -> str:
    """make_subplots names the k-th subplot's axes x, x2, x3, ... (row-major, from 1)."""
    return letter if k == 1 else f"{letter}{k}"


def prediction_vectors_figure(images, labels, probs, cols: int = 5, height: int = 660) -> go.Figure:
    """Each digit above its prediction vector (ten bars): green if the argmax is right.

    Axes are laid out by hand (make_subplots with 20 panels costs ~0.5 s per redraw)."""
    images = np.asarray(images).reshape(-1, 28, 28)
    n = len(images)
    rows = int(np.ceil(n / cols))
    zmax = 1.0 if images.max(initial=0) <= 1 else 255.0
    row_h, gap_x = 1.0 / rows, 0.03
    traces, layout, notes = [], {}, []
    for i in range(n):
        r, c = divmod(i, cols)
        x0, x1 = c / cols + gap_x / 2, (c + 1) / cols - gap_x / 2
        top = 1.0 - r * row_h
        image_dom = [top - 0.42 * row_h, top - 0.08 * row_h]       # caption above the image
        bars_dom = [top - 0.92 * row_h, top - 0.47 * row_h]        # tick labels below the bars
        ki, kb = 2 * i + 1, 2 * i + 2
        guess = int(np.argmax(probs[i])) if probs is not None else None
        color = GREY if guess is None else (GREEN if guess == int(labels[i]) else RED)
        traces.append(go.Heatmap(z=images[i], colorscale=BINARY, zmin=0, zmax=zmax,
                                 showscale=False, hoverinfo="skip",
                                 xaxis=_axis("x", ki), yaxis=_axis("y", ki)))
        layout[_axis("xaxis", ki)] = dict(domain=[x0, x1], anchor=_axis("y", ki), visible=False)
        layout[_axis("yaxis", ki)] = dict(domain=image_dom, anchor=_axis("x", ki), visible=False,
                                          autorange="reversed", scaleanchor=_axis("x", ki))
        layout[_axis("xaxis", kb)] = dict(domain=[x0, x1], anchor=_axis("y", kb), dtick=1,
                                          tickfont=dict(size=10), fixedrange=True)
        layout[_axis("yaxis", kb)] = dict(domain=bars_dom, anchor=_axis("x", kb), range=[0, 1.05],
                                          dtick=0.5, tickfont=dict(size=10), gridcolor="#e5e7eb",
                                          fixedrange=True)
        if probs is not None:
            colors = [GREY] * 10
            colors[guess] = color
            traces.append(go.Bar(x=list(range(10)), y=np.asarray(probs[i], dtype=float),
                                 marker_color=colors, showlegend=False,
                                 xaxis=_axis("x", kb), yaxis=_axis("y", kb),
                                 hovertemplate="digit %{x}: %{y:.4f}<extra></extra>"))
        caption = (f"label {labels[i]}" if guess is None
                   else f"<b>{guess}</b> (label {labels[i]})")
        notes.append(dict(text=caption, showarrow=False, font=dict(size=13, color=color),
                          xref="paper", yref="paper", x=(x0 + x1) / 2, y=image_dom[1],
                          yanchor="bottom"))
    layout.update(annotations=notes, height=height, bargap=0.15, font=FONT,
                  margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white")
    return go.Figure(traces, layout=layout)


# --------------------------------------------------------------------------- drawing

def _square(image, side: int | None = None) -> np.ndarray:
    """Pad an image with black to a centred square (so every panel is drawn the same size)."""
    image = np.asarray(image, dtype=float)
    h, w = image.shape
    side = side or max(h, w)
    out = np.zeros((side, side))
    top, left = (side - h) // 2, (side - w) // 2
    out[top:top + h, left:left + w] = image
    return out


def drawing_steps_figure(drawn, height: int = 190) -> go.Figure:
    """The drawing -> its ink's bounding box cut out -> scaled into 20x20 -> placed in 28x28."""
    if drawn.mnist_style and not drawn.empty:
        h, w = drawn.scaled.shape
        panels = [("1 · your drawing", drawn.gray), ("2 · ink cut out", _square(drawn.cropped)),
                  (f"3 · scaled to {h}×{w}", _square(drawn.scaled, 20)),
                  ("4 · 28×28, centred", drawn.centred)]
    else:
        panels = [("1 · your drawing", drawn.gray), ("2 · shrunk to 28×28", drawn.centred)]
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[t for t, _ in panels],
                        horizontal_spacing=0.04)
    for i, (_, image) in enumerate(panels, start=1):
        fig.add_trace(go.Heatmap(z=np.asarray(image, dtype=float),
                                 colorscale=[[0, "#000000"], [1, "#ffffff"]], zmin=0, zmax=1,
                                 showscale=False, hovertemplate="row %{y}, col %{x}: %{z:.2f}"
                                 "<extra></extra>"), row=1, col=i)
        fig.update_xaxes(visible=False, constrain="domain", row=1, col=i)
        fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=_axis("x", i),
                         constrain="domain", row=1, col=i)
    if drawn.centre_of_mass is not None:
        r, c = drawn.centre_of_mass
        n = len(panels)
        fig.add_trace(go.Scatter(x=[c], y=[r], mode="markers", showlegend=False,
                                 marker=dict(symbol="cross-thin", size=16,
                                             line=dict(color="#f59e0b", width=3)),
                                 hovertemplate="centre of mass (%{y:.1f}, %{x:.1f})<extra></extra>"),
                      row=1, col=n)
    if drawn.bbox is not None and drawn.mnist_style:
        top, bottom, left, right = drawn.bbox
        fig.add_shape(type="rect", x0=left - 0.5, x1=right - 0.5, y0=top - 0.5, y1=bottom - 0.5,
                      line=dict(color="#f59e0b", width=2), row=1, col=1)
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=30, b=0), font=FONT,
                      plot_bgcolor="white")
    return fig


def flat_row_figure(row, height: int = 150) -> go.Figure:
    """A (784,) row as a long strip: the 28 image rows laid end to end."""
    row = np.asarray(row, dtype=float).reshape(1, -1)
    fig = go.Figure(go.Heatmap(z=row, colorscale=BINARY, zmin=0, zmax=1, showscale=False,
                               hovertemplate="index %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(shapes=[dict(type="line", x0=k - 0.5, x1=k - 0.5, y0=0, y1=1, yref="paper",
                                   line=dict(color="#e2e8f0", width=1))
                              for k in range(0, row.shape[1] + 1, 28)])
    fig.update_xaxes(title="index along axis 1 (0 … 783): image row r sits at 28·r … 28·r + 27",
                     tickvals=list(range(0, 785, 112)))
    fig.update_yaxes(visible=False)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      plot_bgcolor="white")
    return fig


def accuracy_curves(steps, running_acc, batches_per_epoch: int, total_epochs: int,
                    epoch_numbers=(), train_acc=(), test_acc=(), height: int = 380) -> go.Figure:
    """Accuracy per batch (Keras's running value over the epoch) and per epoch (train, test)."""
    fig = go.Figure()
    x = np.asarray(steps, dtype=float) / max(batches_per_epoch, 1)
    if len(running_acc):
        fig.add_trace(go.Scattergl(x=x, y=100 * np.asarray(running_acc, dtype=float), mode="lines",
                                   name="per batch (running)", line=dict(color=GREY, width=1.5),
                                   hovertemplate="epoch %{x:.2f}: %{y:.1f}%<extra></extra>"))
    for name, values, color in (("train (epoch)", train_acc, BLUE), ("test (epoch)", test_acc, GREEN)):
        pairs = [(e, 100 * v) for e, v in zip(epoch_numbers, values) if v is not None]
        if pairs:
            fig.add_trace(go.Scatter(x=[p[0] for p in pairs], y=[p[1] for p in pairs],
                                     mode="lines+markers", name=name, marker=dict(size=9),
                                     line=dict(color=color, width=3),
                                     hovertemplate=f"epoch %{{x}}: {name} %{{y:.1f}}%<extra></extra>"))
    fig.update_xaxes(title="epoch", range=[0, max(total_epochs, 1)], gridcolor="#e5e7eb")
    fig.update_yaxes(title="accuracy (%)", range=[0, 101], gridcolor="#e5e7eb")
    fig.update_layout(title=dict(text="Accuracy", x=0, xanchor="left"), height=height, font=FONT,
                      plot_bgcolor="white", margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))
    return fig


def run_accuracy_curves(batches, epochs, total_epochs: int, height: int = 380) -> go.Figure:
    """accuracy_curves of a live run's events (lib.train.live): Keras's running accuracy
    after every batch, and the train and test accuracy of every epoch (0 included)."""
    return accuracy_curves([b.step for b in batches], [b.accuracy for b in batches],
                           batches[0].batches_per_epoch if batches else 1, total_epochs,
                           [e.epoch for e in epochs], [e.train_acc for e in epochs],
                           [e.test_acc for e in epochs], height=height)

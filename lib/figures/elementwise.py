"""Figures of the Element-wise ops page: tensors as coloured value grids, and the race.

Data in, Plotly figure out; no Streamlit here.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.figures.common import DIVERGING, FONT
from lib.rules.race import RaceResult
from lib.rules.shapes import format_shape

# Negative values red, zero white, positive blue: relu's work is the red turning white.


def value_grids(panels: list[tuple[str, np.ndarray]], symbols: list[str] | None = None,
                height: int | None = None) -> go.Figure:
    """Matrices side by side, each cell coloured by its value and labelled with it.

    `panels` is a list of (title, matrix); all share one colour scale centred on 0, so
    the same number has the same colour everywhere. `symbols` (one fewer than panels)
    are written between them, e.g. ["+", "="].
    """
    mats = [np.atleast_2d(np.asarray(m, dtype=float)) for _, m in panels]
    limit = max([float(np.max(np.abs(m))) for m in mats if m.size] + [1.0])
    n = len(panels)
    fig = make_subplots(rows=1, cols=n, horizontal_spacing=0.08 if n > 2 else 0.12,
                        # name over shape, two lines: narrow enough for a projector's 1.4x text
                        subplot_titles=[f"<b>{t}</b><br>{format_shape(np.shape(m))}"
                                        for (t, m) in panels])
    for k, m in enumerate(mats, start=1):
        text = [[f"{v:g}" for v in row] for row in m]
        fig.add_trace(go.Heatmap(
            z=m, text=text, texttemplate="%{text}", textfont=dict(size=15),
            colorscale=DIVERGING, zmin=-limit, zmax=limit, showscale=False, xgap=2, ygap=2,
            hovertemplate=f"{panels[k - 1][0]}[%{{y}}, %{{x}}] = %{{text}}<extra></extra>"),
            row=1, col=k)
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{k if k > 1 else ''}",
                         constrain="domain", showticklabels=False, showgrid=False,
                         zeroline=False, ticks="", row=1, col=k)
        fig.update_xaxes(constrain="domain", showticklabels=False, showgrid=False,
                         zeroline=False, ticks="", row=1, col=k)
    for k, symbol in enumerate(symbols or []):
        fig.add_annotation(x=(k + 1) / n, y=0.45, xref="paper", yref="paper", text=f"<b>{symbol}</b>",
                           showarrow=False, font=dict(size=28, color="#0f172a"))
    rows = max(m.shape[0] for m in mats)
    fig.update_layout(height=height or int(min(520, 120 + 42 * rows)), font=FONT,
                      margin=dict(l=10, r=24, t=56, b=10), plot_bgcolor="white")
    return fig


def race_bars(result: RaceResult, label: str = "") -> go.Figure:
    """Two horizontal bars: seconds spent by the naive loops and by NumPy."""
    names = ["naive loops", "NumPy"]
    seconds = [result.naive_seconds, result.numpy_seconds]
    fig = go.Figure(go.Bar(
        x=seconds, y=names, orientation="h", marker_color=["#f59e0b", "#2563eb"],
        text=[f"{s:.3f} s" for s in seconds], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.4f} s<extra></extra>"))
    fig.update_layout(
        height=220, font=FONT, margin=dict(l=10, r=60, t=40, b=40), plot_bgcolor="white",
        title=dict(text=label or f"{result.repeats:,} repetitions: NumPy is "
                   f"{result.speedup:,.0f}× faster", font=dict(size=16)),
        xaxis=dict(title="seconds", rangemode="tozero", gridcolor="#e2e8f0"),
        yaxis=dict(autorange="reversed"))
    return fig

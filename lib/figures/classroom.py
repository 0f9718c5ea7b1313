"""Figures of class mode: the class's live loss chart (one line per student, coloured by a
setting the teacher picks). Data in, Plotly figure out, built from plain dicts like the
live training figures (lib/figures/training.py): the teacher's chart is redrawn whenever a
student finishes an epoch.

The runs are duck-typed (lib/figures may not import lib.classroom): anything with
`nickname`, `epochs` (a sequence of (epoch, mean loss, test accuracy or None)) and `done`,
such as lib.classroom.runs.RunRecord.
"""
from __future__ import annotations

import html
import math
from typing import Any, Sequence

import plotly.graph_objects as go

from lib.figures.common import FONT, fast_figure

# Colour-blind-friendly categories (Okabe-Ito first, then a few more); a legend of more
# values than this reuses them, with a dash to tell the second round apart.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")
DASHES = ("solid", "dash", "dot")
GRID = "#e5e7eb"
EMPTY_TEXT = ("No runs yet. When a student in the class trains the naive network, "
              "each finished epoch appears here.")


def legend_style(index: int) -> dict[str, Any]:
    """Line colour and dash of the legend's `index`-th entry."""
    return dict(color=PALETTE[index % len(PALETTE)],
                dash=DASHES[(index // len(PALETTE)) % len(DASHES)])


def _escape(text: str) -> str:
    """Plotly reads hover and legend text as a little HTML: a name is shown as text."""
    return html.escape(str(text), quote=True)


def class_loss_figure(runs: Sequence[Any], colour_of: Sequence[str], legend_title: str,
                      order: Sequence[str] | None = None, height: int = 440,
                      title: str = "The class's runs: loss after each epoch") -> go.Figure:
    """Mean loss per epoch, one line per run (`runs`), the colour of `colour_of[i]` (a legend
    entry, e.g. "0.1") shared by every run with that entry; one legend item per entry, in
    `order` (default: first seen), titled `legend_title` (e.g. "learning rate"). A run still
    training ends in an open marker. The y axis turns logarithmic when a loss went above 10
    (a large learning rate blew up), so the others stay readable."""
    if len(colour_of) != len(runs):
        raise ValueError("one legend entry per run")
    entries = list(order) if order is not None else list(dict.fromkeys(colour_of))
    for entry in colour_of:
        if entry not in entries:
            entries.append(entry)
    style = {entry: legend_style(i) for i, entry in enumerate(entries)}
    traces, shown, top, last_epoch = [], set(), 0.0, 1
    placed = sorted(range(len(runs)), key=lambda i: (entries.index(colour_of[i]),
                                                     str(runs[i].nickname).casefold()))
    for i in placed:
        run, entry = runs[i], colour_of[i]
        points = [(e, loss, acc) for e, loss, acc in run.epochs
                  if loss is not None and math.isfinite(loss)]
        if not points:
            continue
        name = _escape(run.nickname)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        text = [f"{name}<br>epoch {e}: loss {loss:.4f}"
                + ("" if acc is None else f", test accuracy {100 * acc:.1f}%")
                for e, loss, acc in points]
        symbol = ["circle"] * (len(points) - 1) + ["circle" if run.done else "circle-open"]
        traces.append(dict(
            type="scatter", x=xs, y=ys, mode="lines+markers", name=_escape(entry),
            legendgroup=_escape(entry), showlegend=entry not in shown,
            line=dict(width=2.5, **style[entry]),
            marker=dict(size=8, symbol=symbol, color=style[entry]["color"]),
            text=text, hovertemplate="%{text}<extra></extra>"))
        shown.add(entry)
        top, last_epoch = max(top, max(ys)), max(last_epoch, xs[-1])
    log_y = top > 10
    layout = dict(
        title=dict(text=title, x=0, xanchor="left") if title else None,
        font=FONT, height=height, plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        legend=dict(title=dict(text=_escape(legend_title), font=dict(size=13)),  # scaled on
                    orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"),  # a projector
        xaxis=dict(title=dict(text="epoch"), gridcolor=GRID, zeroline=False,
                   range=[0.8, last_epoch + 0.2], dtick=max(1, -(-last_epoch // 10))),
        yaxis=dict(title=dict(text="mean loss (log scale)" if log_y else "mean loss"),
                   gridcolor=GRID, zeroline=False, type="log" if log_y else "linear",
                   rangemode="tozero"),
        showlegend=bool(traces))
    if not traces:
        layout["annotations"] = [dict(text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper",
                                      showarrow=False, font=dict(size=15, color="#64748b"))]
        layout["xaxis"].update(range=[0.8, 10.2])
        layout["yaxis"].update(range=[0, 2.5])
    return fast_figure(traces, layout)

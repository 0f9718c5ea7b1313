"""A class poll's answers as a bar chart: one bar per distinct answer, its count on it, the
right answer marked. Data in (label -> count), figure out; no Streamlit here.

Labels are answers students typed, read back by the quiz's parser (a shape such as
"(32, 10)", or "error"): the figure still treats them as text, never as markup (Plotly reads
a little HTML in labels, so `<`, `>` and `&` are written as entities)."""
from __future__ import annotations

import html

import plotly.graph_objects as go

from lib.figures.common import FONT

RIGHT = "#16a34a"        # green: the right answer
OTHER = "#94a3b8"        # slate: every other answer
MAX_BARS = 12            # the rarest answers beyond these fold into "other answers"
MAX_LABEL = 24           # characters of a label on the axis


def _text(label: str) -> str:
    label = label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"
    return html.escape(label, quote=False)


def poll_bars(tally: dict[str, int], right: str, height: int = 360) -> go.Figure:
    """The answers of one question: bars sorted by count (most first, the right answer
    first among equals), the right one green and named "✓ right". A right answer nobody
    gave still gets its bar (0), so the room sees it."""
    counts = {str(label): int(n) for label, n in tally.items() if int(n) > 0}
    counts.setdefault(right, 0)
    order = sorted(counts, key=lambda label: (-counts[label], label != right, label))
    if len(order) > MAX_BARS:                       # the right one stays whatever its rank
        kept = [label for label in order if label != right][:MAX_BARS - 2] + [right]
        rest = sum(counts[label] for label in order if label not in kept)
        order = sorted(kept, key=order.index) + ["other answers"]
        counts["other answers"] = rest
    names = [_text(label) + ("  ✓ right" if label == right else "") for label in order]
    values = [counts[label] for label in order]
    fig = go.Figure(go.Bar(
        x=names, y=values, text=values, textposition="outside", cliponaxis=False,
        marker_color=[RIGHT if label == right else OTHER for label in order],
        hovertemplate="%{x}: %{y}<extra></extra>"))
    top = max(values) if values else 0
    fig.update_yaxes(title="students", rangemode="tozero", dtick=max(1, round(top / 5)),
                     range=[0, max(1, top) * 1.2], gridcolor="#e5e7eb")
    fig.update_xaxes(title="answer", type="category", tickangle=0)
    fig.update_layout(font=FONT, plot_bgcolor="white", height=height, showlegend=False,
                      margin=dict(l=10, r=10, t=20, b=10), bargap=0.35)
    return fig


def answered_of(answered: int, here: int) -> str:
    """'12 of 15': answers to the question, of the students here now (an answer from a
    student who has since gone away still counts, so the total never reads below it)."""
    return f"{answered} of {max(here, answered)}"

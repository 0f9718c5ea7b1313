"""Figures of the Dot product page: shape boxes with their paired axes, and the matmul
animated cell by cell. Data in, Plotly figure out; no Streamlit here.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.figures import FONT, fast_figure, frame_slider, play_args, player_buttons
from lib.products import MatmulStep, Pairing, matmul_steps

A_COLOR, B_COLOR, BATCH_COLOR = "#dbeafe", "#ffedd5", "#ede9fe"     # light blue, orange, violet
A_EDGE, B_EDGE, BATCH_EDGE = "#2563eb", "#ea580c", "#7c3aed"
INK = "#0f172a"
GOOD, BAD = "#16a34a", "#dc2626"
GOOD_FILL, BAD_FILL = "#bbf7d0", "#fecaca"
OP_SYMBOL = {"dot": "np.dot", "matmul": "@", "tensordot": "tensordot"}


def _fmt(v: float) -> str:
    return f"{v:g}" if v >= 0 else f"({v:g})"


class Canvas:
    """Collects shapes and annotations as plain dicts, for one fast Figure build at the end.

    (fig.add_shape / add_annotation validate and relayout on every call: ~3 ms each.)
    """
    def __init__(self) -> None:
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []

    def add_shape(self, **kw) -> None:
        self.shapes.append(kw)

    def add_annotation(self, **kw) -> None:
        self.annotations.append(kw)


# ------------------------------------------------------------------ shape boxes

def shape_rule_figure(a: tuple[int, ...], b: tuple[int, ...], pairing: Pairing,
                      result: tuple[int, ...] | None, names: tuple[str, str] = ("a", "b"),
                      height: int = 250) -> go.Figure:
    """a's axes, b's axes and the result's axes as boxes; arcs join the axes a rule pairs.

    Summed pairs (arcs above) are green when their sizes match and red when not;
    broadcast batch pairs of @ (arcs below) are violet, or red when they conflict.
    Result boxes take the colour of the operand each axis comes from.
    """
    fig = Canvas()
    w, gap, sym = 1.0, 0.18, 1.3                                  # box width, gap, symbol room
    xs_a = [i * (w + gap) for i in range(len(a))]
    start_b = (xs_a[-1] + w if a else 0.6) + sym
    xs_b = [start_b + j * (w + gap) for j in range(len(b))]
    start_r = (xs_b[-1] + w if b else start_b + 0.6) + sym
    contract = {("a", p[0]): p[2] for p in pairing.contract} | {("b", p[1]): p[2] for p in pairing.contract}
    batched = {("a", p[0]): p[2] for p in pairing.batch} | {("b", p[1]): p[2] for p in pairing.batch}

    def box(x, size, axis, fill, edge, width=1.5):
        fig.add_shape(type="rect", x0=x, x1=x + w, y0=0, y1=1, fillcolor=fill,
                      line=dict(color=edge, width=width), layer="below")
        fig.add_annotation(x=x + w / 2, y=0.5, text=f"<b>{size}</b>", showarrow=False,
                           font=dict(size=22, color=INK))
        if axis is not None:
            fig.add_annotation(x=x + w / 2, y=-0.12, text=f"axis {axis}", showarrow=False,
                               font=dict(size=11, color="#475569"), yanchor="top")

    for name, shape, xs, fill, edge in (("a", a, xs_a, A_COLOR, A_EDGE), ("b", b, xs_b, B_COLOR, B_EDGE)):
        for i, (x, size) in enumerate(zip(xs, shape)):
            key = (name, i)
            if key in contract:
                box(x, size, i, GOOD_FILL if contract[key] else BAD_FILL,
                    GOOD if contract[key] else BAD, 3)
            elif key in batched:
                box(x, size, i, BATCH_COLOR if batched[key] else BAD_FILL,
                    BATCH_EDGE if batched[key] else BAD, 3)
            else:
                box(x, size, i, fill, edge)
        left = xs[0] if xs else (0 if name == "a" else start_b)
        mid = (left + xs[-1] + w) / 2 if xs else left + 0.3
        label = f"<b>{names[0 if name == 'a' else 1]}</b>  {_shape_text(shape)}"
        fig.add_annotation(x=mid, y=-0.42, text=label, showarrow=False, yanchor="top",
                           font=dict(size=15, color=edge))
        if not shape:
            fig.add_annotation(x=left + 0.3, y=0.5, text="a number", showarrow=False,
                               font=dict(size=14, color="#64748b"))

    def arc(x0, x1, up, color):
        y0, peak = (1.0, 1.0 + 0.55 + 0.08 * abs(x1 - x0)) if up else (-0.8, -1.2 - 0.06 * abs(x1 - x0))
        fig.add_shape(type="path", path=f"M {x0},{y0} C {x0},{peak} {x1},{peak} {x1},{y0}",
                      line=dict(color=color, width=3))

    for ia, ib, ok in pairing.contract:
        arc(xs_a[ia] + w / 2, xs_b[ib] + w / 2, True, GOOD if ok else BAD)
        mid = (xs_a[ia] + xs_b[ib] + w) / 2
        fig.add_annotation(x=mid, y=1.62 + 0.06 * abs(xs_b[ib] - xs_a[ia]), showarrow=False,
                           text=(f"{a[ia]} = {b[ib]} ✓ summed" if ok else f"{a[ia]} ≠ {b[ib]} ✗"),
                           font=dict(size=13, color=GOOD if ok else BAD), bgcolor="white")
    for ia, ib, ok in pairing.batch:
        arc(xs_a[ia] + w / 2, xs_b[ib] + w / 2, False, BATCH_EDGE if ok else BAD)
        mid = (xs_a[ia] + xs_b[ib] + w) / 2
        fig.add_annotation(x=mid, y=-1.3 - 0.05 * abs(xs_b[ib] - xs_a[ia]), showarrow=False,
                           text=("batch: broadcast ✓" if ok else f"batch: {a[ia]} vs {b[ib]} ✗"),
                           font=dict(size=12, color=BATCH_EDGE if ok else BAD), bgcolor="white")

    sym_x = (xs_a[-1] + w if a else 0.6) + sym / 2
    fig.add_annotation(x=sym_x, y=0.5, text=f"<b>{'@' if pairing.op == 'matmul' else '•'}</b>",
                       showarrow=False, font=dict(size=26, color=INK))
    fig.add_annotation(x=start_r - sym / 2, y=0.5, text="<b>→</b>", showarrow=False,
                       font=dict(size=26, color=INK))
    end = start_r + 1.2
    if result is None:
        fig.add_annotation(x=start_r, y=0.5, text="<b>✗ no result</b>", showarrow=False,
                           xanchor="left", font=dict(size=20, color=BAD))
        end = start_r + 2.6
    else:
        colors = {"a": (A_COLOR, A_EDGE), "b": (B_COLOR, B_EDGE), "batch": (BATCH_COLOR, BATCH_EDGE)}
        for k, (origin, size) in enumerate(zip(pairing.result, result)):
            fill, edge = colors[origin[0]]
            box(start_r + k * (w + gap), size, k, fill, edge)
        fig.add_annotation(x=start_r + max(len(result) * (w + gap) - gap, 1.2) / 2, y=-0.42,
                           text=f"<b>result</b>  {_shape_text(result)}", showarrow=False,
                           yanchor="top", font=dict(size=15, color="#0f172a"))
        if not result:
            fig.add_annotation(x=start_r + 0.3, y=0.5, text="a single number", showarrow=False,
                               xanchor="left", font=dict(size=16, color="#0f172a"))
            end = start_r + 2.0
        else:
            end = start_r + len(result) * (w + gap) + 0.2
    top = 2.3 + 0.06 * max([abs(xs_b[ib] - xs_a[ia]) for ia, ib, _ in pairing.contract] or [0])
    bottom = -1.8 if pairing.batch else -0.8
    return fast_figure([], dict(
        shapes=fig.shapes, annotations=fig.annotations, height=height, font=FONT,
        margin=dict(l=5, r=5, t=5, b=5), plot_bgcolor="white", showlegend=False,
        xaxis=dict(visible=False, range=[-0.3, max(end, 9)]),
        yaxis=dict(visible=False, range=[bottom, top])))


def _shape_text(shape) -> str:
    from lib.shapes import format_shape
    return format_shape(tuple(shape))


# ---------------------------------------------------------- matmul, cell by cell

LEVELS = [[0.0, "#f1f5f9"], [0.33, "#f1f5f9"], [0.34, "#bfdbfe"], [0.66, "#bfdbfe"],
          [0.67, "#fbbf24"], [1.0, "#fbbf24"]]                   # idle, row/column, current
C_LEVELS = [[0.0, "#ffffff"], [0.33, "#ffffff"], [0.34, "#bbf7d0"], [0.66, "#bbf7d0"],
            [0.67, "#fbbf24"], [1.0, "#fbbf24"]]                 # empty, done, being summed


def _frame_data(a, b, steps: list[MatmulStep], upto: int | None, by_cell: bool):
    """z (highlight levels) and text for A, B, the products strip and C after a step."""
    n, k = a.shape
    m = b.shape[1]
    za, zb = np.zeros((n, k)), np.zeros((k, m))
    zc, tc = np.zeros((n, m)), np.full((n, m), "", dtype=object)
    zp, tp = np.zeros((1, k)), np.full((1, k), "", dtype=object)
    title = "C = A @ B starts empty. Press ▶ Play, or drag the slider."
    if upto is None:                                   # the last frame: everything done
        done = steps
        title = "Done: every cell of C is a row of A · a column of B."
    else:
        done = [s for s in steps[:upto + 1] if s.cell_done]
    for s in done:
        zc[s.i, s.j], tc[s.i, s.j] = 1, f"{s.running_sum:g}"
    if upto is not None and upto >= 0:
        cur = steps[upto]
        i, j, t = cur.i, cur.j, cur.t
        za[i, :], zb[:, j] = 1, 1
        cell = steps[upto - t:upto - t + k]            # the k steps of cell (i, j)
        shown = cell if by_cell else cell[:t + 1]
        for s in shown:
            hot = by_cell or s.t == t
            za[i, s.t], zb[s.t, j] = (2, 2) if hot else (1, 1)
            zp[0, s.t] = 2 if hot else 1
            tp[0, s.t] = f"{s.a:g}×{_fmt(s.b)}<br>= {s.product:g}"
        zc[i, j], tc[i, j] = 2, f"{shown[-1].running_sum:g}"
        terms = " + ".join(f"{s.a:g}×{_fmt(s.b)}" for s in shown)
        more = " + …" if len(shown) < k else ""
        title = (f"C[{i}, {j}] = row {i} of A · column {j} of B = {terms}{more} "
                 f"= <b>{shown[-1].running_sum:g}</b>")
    return za, zb, zp, tp, zc, tc, title


def matmul_animation(a: np.ndarray, b: np.ndarray, by_cell: bool = False,
                     frame_ms: int = 700, height: int = 560) -> go.Figure:
    """C = A @ B computed in the browser: one frame per multiply-add (or per cell).

    Row i of A and column j of B light up; their element-wise products appear under A;
    the running sum lands in C[i, j]. Play/Pause buttons and a slider drive the frames.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    steps = matmul_steps(a, b)
    n, k = a.shape
    m = b.shape[1]
    g = 0.6                                            # gap between blocks, in cells
    ya, xb = k + g, k + g                              # A sits under B's rows; C right of A
    yp = ya + n + g                                    # the products strip under A

    def text(vals):
        return [[f"{v:g}" for v in row] for row in vals]

    def heat(z, txt, x0, y0, scale, name, size=15, **extra):
        return dict(type="heatmap", z=z.tolist(), text=txt, x0=x0, y0=y0, dx=1, dy=1, name=name,
                    colorscale=scale, zmin=0, zmax=2, showscale=False, xgap=3, ygap=3,
                    texttemplate="%{text}", textfont=dict(size=size, color=INK), **extra)

    def where(rows, cols, fmt):
        return [[fmt.format(r, c) for c in range(cols)] for r in range(rows)]

    picks = ([-1] + [i for i, s in enumerate(steps) if s.cell_done] if by_cell
             else list(range(-1, len(steps)))) + [None]
    za, zb, zp, tp, zc, tc, title = _frame_data(a, b, steps, picks[0], by_cell)
    data = [
        heat(za, text(a), 0, ya, LEVELS, "A", customdata=where(n, k, "A[{}, {}]"),
             hovertemplate="%{customdata}<extra></extra>"),
        heat(zb, text(b), xb, 0, LEVELS, "B", customdata=where(k, m, "B[{}, {}]"),
             hovertemplate="%{customdata}<extra></extra>"),
        heat(zp, tp.tolist(), 0, yp, C_LEVELS, "products", size=13, hoverinfo="skip"),
        heat(zc, tc.tolist(), xb, ya, C_LEVELS, "C", customdata=where(n, m, "C[{}, {}]"),
             hovertemplate="%{customdata}<extra></extra>"),
    ]
    frames = []
    for f, pick in enumerate(picks):                   # frames carry only what changes
        za, zb, zp, tp, zc, tc, frame_title = _frame_data(a, b, steps, pick, by_cell)
        frames.append(dict(name=str(f), traces=[0, 1, 2, 3], layout=dict(title=dict(text=frame_title)),
                           data=[dict(type="heatmap", z=za.tolist()), dict(type="heatmap", z=zb.tolist()),
                                 dict(type="heatmap", z=zp.tolist(), text=tp.tolist()),
                                 dict(type="heatmap", z=zc.tolist(), text=tc.tolist())]))
    labels = [(-0.5, ya + n / 2 - 0.5, "right", f"A {_shape_text(a.shape)}"),
              (xb - 0.6, k / 2 - 0.5, "right", f"B {_shape_text(b.shape)}"),
              (xb + m - 0.4, ya + n / 2 - 0.5, "left", f"C = A @ B<br>{_shape_text((n, m))}"),
              (-0.5, yp, "right", "products<br>A[i, t]×B[t, j]")]
    play = play_args(frame_ms, redraw=True)
    layout = dict(
        title=dict(text=title, x=0.01, font=dict(size=16, color=INK)), height=height, font=FONT,
        plot_bgcolor="white", margin=dict(l=10, r=10, t=60, b=10),
        annotations=[dict(x=x, y=y, text=f"<b>{label}</b>", showarrow=False, xanchor=anchor,
                          font=dict(size=14, color=INK)) for x, y, anchor, label in labels],
        updatemenus=[player_buttons(play, y=-0.02)],
        sliders=[frame_slider([fr["name"] for fr in frames], redraw=True, y=-0.02)],
        xaxis=dict(visible=False, range=[-3.2, xb + m + 2.6]),
        yaxis=dict(visible=False, autorange="reversed"))
    return fast_figure(data, layout, frames)

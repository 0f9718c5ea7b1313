"""Figures of the Dot product page: shape boxes with their paired axes, and the matmul
animated cell by cell. Data in, Plotly figure out; no Streamlit here.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import FONT, Canvas, fast_figure, frame_slider, play_args, player_buttons
from lib.rules.products import MatmulStep, matmul_steps
from lib.rules.shapes import Pairing, Shape, format_shape

A_COLOR, B_COLOR, BATCH_COLOR = "#dbeafe", "#ffedd5", "#ede9fe"     # light blue, orange, violet
A_EDGE, B_EDGE, BATCH_EDGE = "#2563eb", "#ea580c", "#7c3aed"
INK = "#0f172a"
GOOD, BAD = "#16a34a", "#dc2626"
GOOD_FILL, BAD_FILL = "#bbf7d0", "#fecaca"


def _fmt(v: float) -> str:
    return f"{v:g}" if v >= 0 else f"({v:g})"


# ------------------------------------------------------------------ shape boxes
# Figure units: one axis box is BOX_W wide and 1 high, sitting on y = 0 .. 1.

BOX_W = 1.0             # one axis box
BOX_GAP = 0.18          # between the boxes of one tensor
SYMBOL_ROOM = 1.3       # between the operands (for • or @) and before the result (for →)
NO_AXES_W = 0.6         # the room a rank-0 operand takes ("a number")
NUMBER_X = 0.3          # "a number" / "a single number" this far into that room
BOX_EDGE_W, PAIRED_EDGE_W = 1.5, 3      # box outlines: plain, and paired by the rule
AXIS_LABEL_Y = -0.12    # "axis 0" under each box
NAME_LABEL_Y = -0.42    # "a (4, 3, 2)" under the boxes
ARC_TOP, ARC_RISE, ARC_RISE_PER_UNIT = 1.0, 0.55, 0.08          # summed pairs: arcs above
ARC_BOTTOM, ARC_DROP, ARC_DROP_PER_UNIT = -0.8, -1.2, 0.06      # batch pairs: arcs below
ARC_W = 3               # line width of the arcs
SUM_LABEL_Y, SUM_LABEL_PER_UNIT = 1.62, 0.06        # "3 = 3 ✓ summed", higher over longer arcs
BATCH_LABEL_Y, BATCH_LABEL_PER_UNIT = -1.3, 0.05    # "batch: broadcast ✓", lower under longer arcs
NO_RESULT_W = 2.6       # room taken by "✗ no result"
SCALAR_RESULT_W = 2.0   # ... by "a single number"
RESULT_LABEL_MIN_W = 1.2    # "result ()" is centred over at least this width
RESULT_END_PAD = 0.2
MIN_X_RANGE = 9         # the x axis shows at least 0 .. 9, so small figures keep their scale
X_LEFT = -0.3
Y_TOP, Y_TOP_PER_UNIT = 2.3, 0.06                    # room for the highest arc's label
Y_BOTTOM, Y_BOTTOM_BATCH = -0.8, -1.8                # room for the labels, and for batch arcs
# Font sizes in pixels: the size in a box, "axis k", "a (4, 3, 2)", "a number".
SIZE_FONT, AXIS_FONT, NAME_FONT, NUMBER_FONT = 22, 11, 15, 14
# ... the arc labels, the @ / • / → signs, "✗ no result", "a single number".
SUM_FONT, BATCH_FONT, SYMBOL_FONT, NO_RESULT_FONT, SCALAR_RESULT_FONT = 13, 12, 26, 20, 16
AXIS_INK, NUMBER_INK = "#475569", "#64748b"


class RuleColumns(NamedTuple):
    """Left edges of the boxes of a and b, and where each part of the row starts or ends."""
    xs_a: list[float]
    xs_b: list[float]
    end_a: float           # right end of a (its last box, or its "a number" room)
    start_b: float         # where b starts, SYMBOL_ROOM after a (• or @ in between)
    start_r: float         # where the result starts, SYMBOL_ROOM after b (→ in between)


def _rule_columns(a: Shape, b: Shape) -> RuleColumns:
    """One box per axis, left to right: a, room for the symbol, b, room for the arrow."""
    xs_a = [i * (BOX_W + BOX_GAP) for i in range(len(a))]
    end_a = xs_a[-1] + BOX_W if a else NO_AXES_W
    start_b = end_a + SYMBOL_ROOM
    xs_b = [start_b + j * (BOX_W + BOX_GAP) for j in range(len(b))]
    start_r = (xs_b[-1] + BOX_W if b else start_b + NO_AXES_W) + SYMBOL_ROOM
    return RuleColumns(xs_a, xs_b, end_a, start_b, start_r)


def _axis_box(canvas: Canvas, x: float, size: int, axis: int, fill: str, edge: str,
              edge_width: float = BOX_EDGE_W) -> None:
    """One axis: a box with its size inside and "axis k" under it."""
    canvas.add_shape(type="rect", x0=x, x1=x + BOX_W, y0=0, y1=1, fillcolor=fill,
                     line=dict(color=edge, width=edge_width), layer="below")
    canvas.add_annotation(x=x + BOX_W / 2, y=0.5, text=f"<b>{size}</b>", showarrow=False,
                          font=dict(size=SIZE_FONT, color=INK))
    canvas.add_annotation(x=x + BOX_W / 2, y=AXIS_LABEL_Y, text=f"axis {axis}", showarrow=False,
                          font=dict(size=AXIS_FONT, color=AXIS_INK), yanchor="top")


def _box_colors(key: tuple[str, int], contract: dict, batched: dict, fill: str, edge: str
                ) -> tuple[str, str, float]:
    """Fill, edge and edge width of an operand's axis: green/red when summed, violet/red
    when a batch axis of @, the operand's own colours when the rule leaves it alone."""
    if key in contract:
        return (GOOD_FILL, GOOD, PAIRED_EDGE_W) if contract[key] else (
            BAD_FILL, BAD, PAIRED_EDGE_W)
    if key in batched:
        return (BATCH_COLOR, BATCH_EDGE, PAIRED_EDGE_W) if batched[key] else (
            BAD_FILL, BAD, PAIRED_EDGE_W)
    return fill, edge, BOX_EDGE_W


def _pair_flags(pairs) -> dict[tuple[str, int], bool]:
    """{("a", axis): ok, ("b", axis): ok} for pairs (axis of a, axis of b, ok)."""
    return {("a", ia): ok for ia, _, ok in pairs} | {("b", ib): ok for _, ib, ok in pairs}


def _operand_boxes(canvas: Canvas, a: Shape, b: Shape, pairing: Pairing, cols: RuleColumns,
                   names: tuple[str, str]) -> None:
    """a's and b's axes as boxes, coloured by the pairs they take part in, named underneath."""
    contract = _pair_flags(pairing.contract)
    batched = _pair_flags(pairing.batch)
    for name, label, shape, xs, fill, edge, empty_left in (
            ("a", names[0], a, cols.xs_a, A_COLOR, A_EDGE, 0),
            ("b", names[1], b, cols.xs_b, B_COLOR, B_EDGE, cols.start_b)):
        for i, (x, size) in enumerate(zip(xs, shape)):
            _axis_box(canvas, x, size, i, *_box_colors((name, i), contract, batched, fill, edge))
        left = xs[0] if xs else empty_left
        mid = (left + xs[-1] + BOX_W) / 2 if xs else left + NUMBER_X
        canvas.add_annotation(x=mid, y=NAME_LABEL_Y, showarrow=False, yanchor="top",
                              text=f"<b>{label}</b>  {_shape_text(shape)}",
                              font=dict(size=NAME_FONT, color=edge))
        if not shape:                                 # rank 0: no boxes, a scalar
            canvas.add_annotation(x=left + NUMBER_X, y=0.5, text="a number", showarrow=False,
                                  font=dict(size=NUMBER_FONT, color=NUMBER_INK))


def _arc(canvas: Canvas, x0: float, x1: float, up: bool, color: str) -> None:
    """A curve from box to box: above them for a summed pair, below for a batch pair."""
    if up:
        y0, peak = ARC_TOP, ARC_TOP + ARC_RISE + ARC_RISE_PER_UNIT * abs(x1 - x0)
    else:
        y0, peak = ARC_BOTTOM, ARC_DROP - ARC_DROP_PER_UNIT * abs(x1 - x0)
    canvas.add_shape(type="path", path=f"M {x0},{y0} C {x0},{peak} {x1},{peak} {x1},{y0}",
                     line=dict(color=color, width=ARC_W))


def _pair_arcs(canvas: Canvas, a: Shape, b: Shape, pairing: Pairing, cols: RuleColumns) -> None:
    """Summed pairs: an arc above, green "3 = 3 ✓ summed" or red "3 ≠ 5 ✗". Batch pairs
    of @: an arc below, violet "broadcast ✓" or red when the sizes conflict."""
    for ia, ib, ok in pairing.contract:
        xa, xb = cols.xs_a[ia], cols.xs_b[ib]
        _arc(canvas, xa + BOX_W / 2, xb + BOX_W / 2, True, GOOD if ok else BAD)
        canvas.add_annotation(x=(xa + xb + BOX_W) / 2,
                              y=SUM_LABEL_Y + SUM_LABEL_PER_UNIT * abs(xb - xa),
                              showarrow=False, bgcolor="white",
                              text=(f"{a[ia]} = {b[ib]} ✓ summed" if ok else f"{a[ia]} ≠ {b[ib]} ✗"),
                              font=dict(size=SUM_FONT, color=GOOD if ok else BAD))
    for ia, ib, ok in pairing.batch:
        xa, xb = cols.xs_a[ia], cols.xs_b[ib]
        _arc(canvas, xa + BOX_W / 2, xb + BOX_W / 2, False, BATCH_EDGE if ok else BAD)
        canvas.add_annotation(x=(xa + xb + BOX_W) / 2,
                              y=BATCH_LABEL_Y - BATCH_LABEL_PER_UNIT * abs(xb - xa),
                              showarrow=False, bgcolor="white",
                              text=("batch: broadcast ✓" if ok else f"batch: {a[ia]} vs {b[ib]} ✗"),
                              font=dict(size=BATCH_FONT, color=BATCH_EDGE if ok else BAD))


def _operator_signs(canvas: Canvas, pairing: Pairing, cols: RuleColumns) -> None:
    """@ (or • for dot and tensordot) between a and b, → before the result."""
    canvas.add_annotation(x=cols.end_a + SYMBOL_ROOM / 2, y=0.5,
                          text=f"<b>{'@' if pairing.op == 'matmul' else '•'}</b>",
                          showarrow=False, font=dict(size=SYMBOL_FONT, color=INK))
    canvas.add_annotation(x=cols.start_r - SYMBOL_ROOM / 2, y=0.5, text="<b>→</b>",
                          showarrow=False, font=dict(size=SYMBOL_FONT, color=INK))


def _result_row(canvas: Canvas, pairing: Pairing, result: Shape | None, cols: RuleColumns
                ) -> float:
    """The result's boxes, coloured by the operand each axis comes from, or "✗ no result".
    Returns the x where the drawing ends."""
    start = cols.start_r
    if result is None:
        canvas.add_annotation(x=start, y=0.5, text="<b>✗ no result</b>", showarrow=False,
                              xanchor="left", font=dict(size=NO_RESULT_FONT, color=BAD))
        return start + NO_RESULT_W
    colors = {"a": (A_COLOR, A_EDGE), "b": (B_COLOR, B_EDGE), "batch": (BATCH_COLOR, BATCH_EDGE)}
    for k, (origin, size) in enumerate(zip(pairing.result, result)):
        _axis_box(canvas, start + k * (BOX_W + BOX_GAP), size, k, *colors[origin[0]])
    canvas.add_annotation(x=start + max(len(result) * (BOX_W + BOX_GAP) - BOX_GAP,
                                        RESULT_LABEL_MIN_W) / 2,
                          y=NAME_LABEL_Y, text=f"<b>result</b>  {_shape_text(result)}",
                          showarrow=False, yanchor="top", font=dict(size=NAME_FONT, color=INK))
    if not result:                                    # rank 0: the product is one number
        canvas.add_annotation(x=start + NUMBER_X, y=0.5, text="a single number", showarrow=False,
                              xanchor="left", font=dict(size=SCALAR_RESULT_FONT, color=INK))
        return start + SCALAR_RESULT_W
    return start + len(result) * (BOX_W + BOX_GAP) + RESULT_END_PAD


def shape_rule_figure(a: tuple[int, ...], b: tuple[int, ...], pairing: Pairing,
                      result: tuple[int, ...] | None, names: tuple[str, str] = ("a", "b"),
                      height: int = 250) -> go.Figure:
    """a's axes, b's axes and the result's axes as boxes; arcs join the axes a rule pairs.

    Summed pairs (arcs above) are green when their sizes match and red when not;
    broadcast batch pairs of @ (arcs below) are violet, or red when they conflict.
    Result boxes take the colour of the operand each axis comes from.
    """
    canvas = Canvas()
    cols = _rule_columns(a, b)
    _operand_boxes(canvas, a, b, pairing, cols, names)
    _pair_arcs(canvas, a, b, pairing, cols)
    _operator_signs(canvas, pairing, cols)
    end = _result_row(canvas, pairing, result, cols)
    spans = [abs(cols.xs_b[ib] - cols.xs_a[ia]) for ia, ib, _ in pairing.contract]
    top = Y_TOP + Y_TOP_PER_UNIT * max(spans or [0])            # over the highest arc's label
    bottom = Y_BOTTOM_BATCH if pairing.batch else Y_BOTTOM
    return fast_figure([], dict(
        shapes=canvas.shapes, annotations=canvas.annotations, height=height, font=FONT,
        margin=dict(l=5, r=5, t=5, b=5), plot_bgcolor="white", showlegend=False,
        xaxis=dict(visible=False, range=[X_LEFT, max(end, MIN_X_RANGE)]),
        yaxis=dict(visible=False, range=[bottom, top])))


def _shape_text(shape) -> str:
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

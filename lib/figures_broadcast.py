"""The broadcasting animation: Plotly frames that play in the browser, no reruns.

Two small example tensors with their values are drawn side by side. Frame by frame
(one frame per Step of lib.shapes.broadcast_steps) the shapes are aligned on the
right, the shorter tensor gets its new size-1 axes, size-1 axes are repeated (the
copies drawn paler), and the element-wise result appears. Incompatible shapes stop
at the conflicting axis, marked in red, with ShapeError's message.

Big shapes are drawn as a scaled-down stand-in of the same rank (each axis capped,
1s kept, disagreements kept) and the real shapes are written beside the drawing.
A rank-3 tensor is a row of 2-D slices; rank 4 a grid of slices; and so on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lib.figures import frame_slider, play_args, player_buttons
from lib.shapes import BROADCAST_OPS, Shape, Step, broadcast_steps, format_shape

CAP_LAST_TWO = 4        # drawn size of the row and column axes, at most
CAP_LEADING = 3         # drawn size of the slice axes (rank 3 and 4)
CAP_LEADING_HIGH = 2    # ... for rank 5 and more, so the slices still fit
GAP = 1.0               # empty cells between slices
BLOCK_GAP = 3.5         # empty cells between the tensors (the + and = live there)

COLORS = {
    "x": "#3b82f6", "x copy": "#bfdbfe",
    "y": "#f59e0b", "y copy": "#fde68a",
    "result": "#22c55e", "conflict": "#dc2626", "focus": "#0f172a", "ink": "#0f172a",
    "muted": "#64748b",
}
FONT_FAMILY = "Inter, Segoe UI, Helvetica, Arial, sans-serif"
NUMPY_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply,
             "maximum": np.maximum, "minimum": np.minimum}
OP_SIGNS = {"+": "+", "-": "−", "*": "×", "maximum": "max", "minimum": "min"}


# ------------------------------------------------------------------ stand-in shapes

def stand_in_shapes(a: Shape, b: Shape) -> tuple[Shape, Shape]:
    """Small shapes with the same ranks and the same broadcasting story as a and b.

    Sizes 0 and 1 stay; bigger sizes are capped; two sizes that disagree still
    disagree after capping (so a conflict stays a conflict).
    """
    a, b = tuple(a), tuple(b)
    rank = max(len(a), len(b))
    pa = (None,) * (rank - len(a)) + a
    pb = (None,) * (rank - len(b)) + b
    out_a, out_b = [], []
    for k, (sa, sb) in enumerate(zip(pa, pb)):
        axis = k - rank
        cap = CAP_LAST_TWO if axis >= -2 else (CAP_LEADING if rank <= 4 else CAP_LEADING_HIGH)
        da = None if sa is None else (sa if sa <= 1 else min(sa, cap))
        db = None if sb is None else (sb if sb <= 1 else min(sb, cap))
        if da is not None and db is not None and sa != sb and da == db:
            # both were capped to the same size: keep them apart, and both above 1
            if cap - 1 >= 2:
                da, db = (da, cap - 1) if sa > sb else (cap - 1, db)
            else:
                da, db = (cap + 1, db) if sa > sb else (da, cap + 1)
        if da is not None:
            out_a.append(da)
        if db is not None:
            out_b.append(db)
    return tuple(out_a), tuple(out_b)


# ------------------------------------------------------------------ geometry

@dataclass(frozen=True)
class Grid:
    """Where each cell of a tensor of (padded) rank `rank` is drawn inside its block."""
    extent: Shape          # drawn size of every axis (the broadcast result, or the max)

    @property
    def rank(self) -> int:
        return len(self.extent)

    @property
    def rows(self) -> int:
        return max(self.extent[-2], 1) if self.rank >= 2 else 1

    @property
    def cols(self) -> int:
        return max(self.extent[-1], 1) if self.rank >= 1 else 1

    @property
    def across(self) -> int:
        return max(self.extent[-3], 1) if self.rank >= 3 else 1

    @property
    def down(self) -> int:
        return max(1, math.prod(max(d, 1) for d in self.extent[:-3])) if self.rank >= 4 else 1

    @property
    def width(self) -> float:
        return self.across * self.cols + (self.across - 1) * GAP

    @property
    def height(self) -> float:
        return self.down * self.rows + (self.down - 1) * GAP

    def cell(self, index: tuple[int, ...]) -> tuple[float, float]:
        """Top-left corner (x, y-down) of the cell at `index` (padded to full rank)."""
        r = index[-2] if self.rank >= 2 else 0
        c = index[-1] if self.rank >= 1 else 0
        a = index[-3] if self.rank >= 3 else 0
        d = 0
        if self.rank >= 4:
            d = int(np.ravel_multi_index(index[:-3], tuple(max(e, 1) for e in self.extent[:-3])))
        return a * (self.cols + GAP) + c, d * (self.rows + GAP) + r

    def slice_origin(self, lead: tuple[int, ...]) -> tuple[float, float]:
        """Top-left corner of the 2-D slice picked by the leading indices."""
        return self.cell(tuple(lead) + (0, 0))


# ------------------------------------------------------------------ trace builders

def _squares(corners, ox: float, oy: float) -> tuple[list, list]:
    xs, ys = [], []
    inset = 0.06
    for cx, cy in corners:
        x0, y0 = ox + cx + inset, -(oy + cy + inset)
        x1, y1 = ox + cx + 1 - inset, -(oy + cy + 1 - inset)
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return xs, ys


def _fill_trace(xs, ys, color: str, name: str) -> go.Scatter:
    return go.Scatter(x=xs or [None], y=ys or [None], mode="lines", fill="toself",
                      fillcolor=color, line=dict(color="white", width=1), name=name,
                      hoverinfo="skip", showlegend=False)


def _fmt(v: float) -> str:
    return f"{v:g}"


@dataclass
class _Frame:
    """Everything drawn in one frame, collected before turning into traces."""
    fills: dict
    outline: tuple[list, list]
    bracket: tuple[list, list]
    bracket_color: str
    texts: list            # (x, y, text, color, size, hover)


def _tensor_cells(values: np.ndarray, copies: np.ndarray, grid: Grid, ox: float, oy: float,
                  name: str, key: str, frame: _Frame, font: float) -> None:
    """Add one tensor's cells and values to a frame, padded to the grid's rank."""
    padded = values.reshape((1,) * (grid.rank - values.ndim) + values.shape)
    pcopies = copies.reshape(padded.shape)
    originals, repeated = [], []
    for index in np.ndindex(padded.shape):
        corner = grid.cell(index)
        (repeated if pcopies[index] else originals).append(corner)
        real_index = index[grid.rank - values.ndim:]
        where = ", ".join(str(i) for i in real_index)
        label = f"{name}[{where}] = {_fmt(padded[index])}" + (" (a repeated copy)" if pcopies[index] else "")
        frame.texts.append((ox + corner[0] + 0.5, -(oy + corner[1] + 0.5), _fmt(padded[index]),
                            COLORS["muted"] if pcopies[index] else COLORS["ink"], font, label))
    xs, ys = _squares(originals, ox, oy)
    frame.fills[key][0].extend(xs)
    frame.fills[key][1].extend(ys)
    if repeated:
        xs, ys = _squares(repeated, ox, oy)
        frame.fills[key + " copy"][0].extend(xs)
        frame.fills[key + " copy"][1].extend(ys)


def _axis_bracket(grid: Grid, drawn_shape: Shape, axis: int, ox: float, oy: float, u: float
                  ) -> tuple[list, list, tuple[float, float]]:
    """A line along `axis` of a tensor (drawn_shape padded to the grid's rank).

    Returns the line's x, y and where its size label goes (u: one text line).
    """
    rank = grid.rank
    shape = (1,) * (rank - len(drawn_shape)) + tuple(drawn_shape)
    n = max(shape[axis], 1)
    if axis == -1 or axis == -3:                            # horizontal, under the block
        x0, x1 = (ox, ox + n) if axis == -1 else (ox, ox + n * grid.cols + (n - 1) * GAP)
        occupied = grid.cell(tuple(max(d, 1) - 1 for d in shape))[1] + 1   # lowest drawn row
        y = -(oy + occupied + 0.3)
        return [x0 + 0.1, x1 - 0.1], [y, y], ((x0 + x1) / 2, y - 0.45 * u)
    if axis == -2:                                          # vertical, left of the block
        y0, y1 = -oy, -(oy + n)
        x = ox - 0.35
        return [x, x], [y0 - 0.1, y1 + 0.1], (x, y0 + 0.45 * u)
    # a slice axis going down (rank >= 4): span the slice rows it covers, right of the block
    stride = math.prod(max(d, 1) for d in shape[axis + 1:-3])
    spanned = n * stride
    y0, y1 = -oy, -(oy + spanned * grid.rows + (spanned - 1) * GAP)
    x = ox + grid.width + 0.35
    return [x, x], [y0 - 0.1, y1 + 0.1], (x, y0 + 0.45 * u)


@dataclass(frozen=True)
class _Layout:
    origins: list          # top-left corner of x, y and the result blocks
    width: float           # drawing width, in cells
    top: float             # y range of the figure, in cells (blocks start at 0, go down)
    bottom: float
    cell_px: float         # expected size of one cell on screen
    u: float               # height of one line of text, in cells

    @property
    def table_dx(self) -> float:
        return max(1.7, 50.0 / self.cell_px)


def _layout(grid: Grid, screen_w: float = 940.0, screen_h: float = 700.0) -> _Layout:
    """x op y = result in one row, or the result under y: whichever gives bigger cells."""
    w, h = grid.width, grid.height
    best = None
    for one_row in (True, False):
        cell_px = 40.0
        for _ in range(3):                        # text lines are fixed in pixels: settle
            u = max(0.8, 22.0 / cell_px)
            under = 0.35 + 2.8 * u                # brackets and shape labels under a block
            width = max(3 * w + 2 * BLOCK_GAP if one_row else 2 * w + BLOCK_GAP, 14.0)
            height = 5 * u + (h + under if one_row else 2 * (h + under) + 0.6)
            cell_px = max(14.0, min(58.0, screen_w / (width + 3), screen_h / height))
        if best is None or cell_px > best.cell_px * 1.15:
            origins = [(0.0, 0.0), (w + BLOCK_GAP, 0.0),
                       (2 * (w + BLOCK_GAP), 0.0) if one_row else (w + BLOCK_GAP, h + under + 0.6)]
            best = _Layout(origins, width, 5 * u, -(height - 5 * u), cell_px, u)
    return best


# ------------------------------------------------------------------ the figure

def broadcast_animation(x_shape: Shape, y_shape: Shape, op: str = "+", seed: int = 0,
                        names: tuple[str, str] = ("x", "y"), frame_ms: int = 1400) -> go.Figure:
    """The animated figure: one frame per broadcasting step, Play/Pause and a slider."""
    real_steps = broadcast_steps(x_shape, y_shape, names=names, op=op)
    dx_shape, dy_shape = stand_in_shapes(x_shape, y_shape)
    steps = broadcast_steps(dx_shape, dy_shape, names=names, op=op)
    assert [s.kind for s in steps] == [s.kind for s in real_steps]   # same story, smaller

    rng = np.random.default_rng(seed)
    values = [rng.integers(0, 10, size=dx_shape).astype(float),
              rng.integers(0, 10, size=dy_shape).astype(float)]
    copies = [np.zeros(dx_shape, bool), np.zeros(dy_shape, bool)]
    rank = max(len(dx_shape), len(dy_shape))
    last = steps[-1]
    extent = last.result if last.kind == "result" else tuple(
        max(p, q) for p, q in zip(*last.after))
    grid = Grid(tuple(extent) if rank else ())
    stand_in = (dx_shape, dy_shape) != (tuple(x_shape), tuple(y_shape))

    lay = _layout(grid)
    w, h, u = grid.width, grid.height, lay.u
    origins = lay.origins
    font = max(9.0, min(20.0, lay.cell_px * 0.5))
    label_font = 15
    below = lambda oy, n: -(oy + h + 0.35 + n * u)     # y of the n-th text line under a block

    frames = []
    for k, (step, real) in enumerate(zip(steps, real_steps)):
        if step.kind in ("expand", "tile"):
            i = step.operand
            if step.kind == "expand":
                values[i] = np.expand_dims(values[i], axis=0)
                copies[i] = np.expand_dims(copies[i], axis=0)
            else:
                n = step.after[i][step.axis]
                reps = [1] * rank
                reps[rank + step.axis] = n
                values[i] = np.tile(values[i], reps)
                along = [1] * rank
                along[rank + step.axis] = n
                later = np.arange(n).reshape(along) >= 1          # every repeat after the first
                copies[i] = np.tile(copies[i], reps) | later
        frame = _Frame(fills={key: ([], []) for key in ("x", "x copy", "y", "y copy", "result")},
                       outline=([], []), bracket=([], []), bracket_color=COLORS["focus"], texts=[])
        for i, key in enumerate(("x", "y")):
            ox, oy = origins[i]
            _tensor_cells(values[i], copies[i], grid, ox, oy, names[i], key, frame, font)
            real_shape = real.after[i]
            drawn = f"<br><span style='font-size:12px;color:{COLORS['muted']}'>drawn as " \
                    f"{format_shape(step.after[i])}</span>" if stand_in else ""
            frame.texts.append((ox + w / 2, below(oy, 1.55), f"<b>{names[i]}</b>  "
                                f"{format_shape(real_shape)}{drawn}", COLORS["ink"], label_font, None))
        # the operator and the equals sign
        sign = OP_SIGNS.get(op, op)
        frame.texts.append((w + BLOCK_GAP / 2, -h / 2, f"<b>{sign}</b>", COLORS["ink"],
                            26 if len(sign) == 1 else 18, None))
        rx, ry = origins[2]
        eq_x = rx - BLOCK_GAP / 2
        frame.texts.append((eq_x, -(ry + h / 2), "<b>=</b>", COLORS["ink"], 26, None))

        if step.kind == "result":
            result = NUMPY_OPS[op](values[0], values[1])
            _tensor_cells(result, np.zeros(result.shape, bool), grid, rx, ry, "result", "result",
                          frame, font)
            drawn = f"<br><span style='font-size:12px;color:{COLORS['muted']}'>drawn as " \
                    f"{format_shape(step.result)}</span>" if stand_in else ""
            frame.texts.append((rx + w / 2, below(ry, 1.55),
                                f"<b>result</b>  {format_shape(real.result)}{drawn}", COLORS["ink"],
                                label_font, None))
        elif step.kind == "conflict":
            frame.texts.append((rx + w / 2, -(ry + h / 2), "<b>✗</b>", COLORS["conflict"], 44,
                                "NumPy raises ValueError"))
        else:
            frame.texts.append((rx + w / 2, -(ry + h / 2), "<b>?</b>", COLORS["muted"], 40,
                                "the result comes once the shapes match"))

        if step.kind in ("expand", "tile", "conflict"):
            who = (0, 1) if step.kind == "conflict" else (step.operand,)
            for i in who:
                ox, oy = origins[i]
                bx, by, (tx, ty) = _axis_bracket(grid, step.after[i], step.axis, ox, oy, u)
                frame.bracket[0].extend(bx + [None])
                frame.bracket[1].extend(by + [None])
                size = real.after[i][step.axis]
                frame.texts.append((tx, ty, f"<b>{size}</b>",
                                    COLORS["conflict"] if step.kind == "conflict" else COLORS["focus"],
                                    14, f"axis {step.axis} of {names[i]}: size {size}"))
            if step.kind == "expand":         # box the tensor that just gained an axis
                ox, oy = origins[step.operand]
                frame.outline = _box(grid, step.after[step.operand], ox, oy)
            if step.kind == "conflict":
                frame.bracket_color = COLORS["conflict"]

        caption = _caption(k, len(steps), step, real, names)
        frame.texts.append((-0.6, 4.3 * u, caption, COLORS["ink"], 16, None))
        _alignment_table(frame, real, names, x0=-0.6, u=u, dx=lay.table_dx)
        frames.append(go.Frame(name=str(k), data=_traces(frame), traces=list(range(8))))

    fig = go.Figure(data=frames[0].data, frames=frames)
    height = int(lay.cell_px * (lay.top - lay.bottom) + 130)
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
        font=dict(family=FONT_FAMILY, size=14), showlegend=False,
        xaxis=dict(visible=False, range=[-1.5, lay.width + 1.5], fixedrange=True),
        yaxis=dict(visible=False, range=[lay.bottom, lay.top], scaleanchor="x",
                   scaleratio=1, fixedrange=True),
        updatemenus=[player_buttons(play_args(frame_ms))],
        sliders=[frame_slider([str(k) for k in range(len(steps))], redraw=True,
                              labels=[_slider_label(s) for s in steps], prefix="Step: ")],
    )
    return fig


def _box(grid: Grid, shape: Shape, ox: float, oy: float) -> tuple[list, list]:
    """A dashed-looking outline around a tensor's drawn cells."""
    padded = (1,) * (grid.rank - len(shape)) + tuple(shape)
    if 0 in padded:
        return [], []
    lo = grid.cell((0,) * grid.rank)
    hi = grid.cell(tuple(d - 1 for d in padded))
    x0, y0 = ox + lo[0] - 0.15, -(oy + lo[1] - 0.15)
    x1, y1 = ox + hi[0] + 1.15, -(oy + hi[1] + 1.15)
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def _traces(frame: _Frame) -> list[go.Scatter]:
    """Always the same 8 traces in the same order, so frames can replace them."""
    traces = [_fill_trace(*frame.fills[key], COLORS[key], key)
              for key in ("x", "x copy", "y", "y copy", "result")]
    traces.append(go.Scatter(x=frame.outline[0] or [None], y=frame.outline[1] or [None],
                             mode="lines", line=dict(color=COLORS["focus"], width=2.5, dash="dash"),
                             hoverinfo="skip", showlegend=False, name="new axis"))
    traces.append(go.Scatter(x=frame.bracket[0] or [None], y=frame.bracket[1] or [None],
                             mode="lines", line=dict(color=frame.bracket_color, width=5),
                             hoverinfo="skip", showlegend=False, name="axis"))
    xs, ys, texts, colors, sizes, hovers = zip(*frame.texts)
    traces.append(go.Scatter(
        x=xs, y=ys, text=texts, mode="text", showlegend=False, name="values",
        textfont=dict(color=list(colors), size=list(sizes), family=FONT_FAMILY),
        hovertext=[h or "" for h in hovers], hoverinfo="text",
        textposition=["middle right" if x < -0.5 else "middle center" for x in xs]))
    return traces


def _caption(k: int, n: int, step: Step, real: Step, names) -> str:
    if step.kind == "conflict":
        return (f"<b>Step {k + 1}/{n} · stop at axis {real.axis}</b>: "
                f"{real.after[0][real.axis]} vs {real.after[1][real.axis]}, neither is 1")
    if step.kind == "result":
        return f"<b>Step {k + 1}/{n} · the shapes match</b>: element-wise result {format_shape(real.result)}"
    if step.kind == "align":
        return f"<b>Step {k + 1}/{n} · line the shapes up on the right</b>"
    i = real.operand
    arrow = f"{format_shape(real.before[i])} → {format_shape(real.after[i])}"
    if step.kind == "expand":
        return f"<b>Step {k + 1}/{n} · new size-1 axis in front of {names[i]}</b>: {arrow}"
    return f"<b>Step {k + 1}/{n} · repeat {names[i]} along axis {real.axis}</b>: {arrow}"


def _alignment_table(frame: _Frame, step: Step, names, x0: float, u: float, dx: float) -> None:
    """The two shapes as rows of sizes, lined up on the right; the axis at work in colour."""
    rank = max(len(step.after[0]), len(step.after[1]), len(step.before[0]), len(step.before[1]))
    for row, i in enumerate((0, 1)):
        y = (2.4 - 0.9 * row) * u
        frame.texts.append((x0, y, f"<b>{names[i]}</b>", COLORS["ink"], 15, None))
        shape = step.after[i]
        padded = (None,) * (rank - len(shape)) + tuple(shape)
        for k, size in enumerate(padded):
            axis = k - rank
            hot = step.axis == axis and (step.kind == "conflict" or step.operand == i)
            color = COLORS["conflict"] if hot and step.kind == "conflict" else (
                COLORS["focus"] if hot else COLORS["muted"])
            text = "·" if size is None else (f"<b>{size}</b>" if hot else str(size))
            hover = f"axis {axis} of {names[i]}" + ("" if size is None else f": size {size}")
            frame.texts.append((x0 + 1.4 + (k + 0.5) * dx, y, text, color, 15, hover))
    axis_labels = [f"{k - rank}" for k in range(rank)]
    frame.texts.append((x0, 3.3 * u, "axis", COLORS["muted"], 11, None))
    for k, label in enumerate(axis_labels):
        frame.texts.append((x0 + 1.4 + (k + 0.5) * dx, 3.3 * u, label, COLORS["muted"], 11,
                            "axes are counted from the right: -1 is the last"))


def _slider_label(step: Step) -> str:
    if step.kind == "expand":
        return "new axis"
    if step.kind == "tile":
        return f"repeat {step.axis}"
    if step.kind == "conflict":
        return "conflict"
    return {"align": "align", "result": "result"}[step.kind]


def expression_text(op: str, names: tuple[str, str] = ("x", "y")) -> str:
    """'x + y' or 'np.maximum(x, y)': the one-line broadcast for an operation."""
    return BROADCAST_OPS[op].format(x=names[0], y=names[1])

"""The broadcasting animation: Plotly frames that play in the browser, no reruns.

Two small example tensors with their values are drawn side by side. Frame by frame
(one frame per Step of lib.rules.shapes.broadcast_steps) the shapes are aligned on the
right, the shorter tensor gets its new size-1 axes, size-1 axes are repeated (the
copies drawn paler), and the element-wise result appears. Incompatible shapes stop
at the conflicting axis, marked in red, with ShapeError's message. A tensor with a
size-0 axis holds no numbers: it is drawn as a dotted outline marked "empty".

Big shapes are drawn as a scaled-down stand-in of the same rank (each axis capped,
1s kept, disagreements kept) and the real shapes are written beside the drawing.
A rank-3 tensor is a row of 2-D slices; rank 4 a grid of slices; and so on.

Built in named steps: stand-in shapes (_story) -> the tensors' values in every frame
(_tensor_states) -> grid and placement (Grid, _placement) -> one frame per step
(_frame) -> traces (_traces) -> layout and controls (_figure_layout).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from lib.figures.common import frame_slider, play_args, player_buttons
from lib.rules.shapes import (BROADCAST_OPERATIONS, BroadcastOp, Shape, Step, broadcast_steps,
                        format_shape, pad_shape)

CAP_LAST_TWO = 4        # drawn size of the row and column axes, at most
CAP_LEADING = 3         # drawn size of the slice axes (rank 3 and 4)
CAP_LEADING_HIGH = 2    # ... for rank 5 and more, so the slices still fit
GAP = 1.0               # empty cells between slices
BLOCK_GAP = 3.5         # empty cells between the tensors (the + and = live there)

# Distances in cells (one cell = one drawn number).
CELL_INSET = 0.06       # white margin inside each cell, so neighbours read as separate
OUTLINE_MARGIN = 0.15   # the dashed "new axis" box stands this far outside the cells
BRACKET_BELOW = 0.3     # a horizontal axis bracket sits this far under the lowest row
BRACKET_BESIDE = 0.35   # a vertical axis bracket sits this far left (or right) of the block
BRACKET_TRIM = 0.1      # brackets stop this short of the block's ends
LABELS_BELOW = 0.35     # the text under a block starts this far under its cells
ROW_GAP = 0.6           # between the x/y row and the result under it (two-row placement)
TEXT_LEFT = -0.6        # caption and shape table start here, left of the drawing
TABLE_NAME_WIDTH = 1.4  # the shape table's name column ("x", "y")
X_PAD = 1.5             # empty room left and right of the drawing

# Distances in lines of text (u, in cells, is one line: text keeps its pixel size).
SIZE_LABEL_LINES = 0.45     # a bracket's size label, beyond the bracket
SHAPE_LABEL_LINES = 1.55    # the "x (32, 10)" label, under the block's brackets
UNDER_BLOCK_LINES = 2.8     # room kept under a block: bracket label, shape label, "drawn as"
HEADER_LINES = 5            # room kept above the blocks: caption and the shape table
CAPTION_LINE = 4.3          # where the caption sits, above the blocks
AXIS_HEADER_LINE = 3.3      # the "axis -2 -1" row of the shape table
TABLE_TOP_LINE = 2.4        # the x row of the shape table; the y row is one step lower
TABLE_ROW_STEP = 0.9
# Larger text (a projector, text_scale > 1) on a wide, short screen: the shape table moves
# beside the blocks, on their left, and only the caption stays above them.
SIDE_HEADER_LINES = 2.2     # room kept above the blocks: the caption
SIDE_CAPTION_LINE = 1.45
SIDE_TABLE_LINES = 3.0      # the side table's height: axis header, x and y rows
SIDE_TABLE_GAP = 1.2        # cells between the side table and the x block (and its bracket)

# Sizing the drawing to a typical screen.
SCREEN_W_PX, SCREEN_H_PX = 940.0, 700.0     # the figure's room on a laptop screen
FIRST_GUESS_CELL_PX = 40.0
SETTLE_ROUNDS = 3           # text is fixed in pixels and cells are not: iterate to settle
TEXT_LINE_PX = 22.0         # one line of text
MIN_TEXT_LINE = 0.8         # ... but at least this many cells
MIN_WIDTH = 14.0            # cells: the caption and table need this much width
SIDE_ROOM = 3               # cells added to the width for the margins
CELL_PX_MIN, CELL_PX_MAX = 14.0, 58.0
CELL_PX_FLOOR = 10.0        # ... down to this when the figure's height is bounded (a projector)
TWO_ROWS_GAIN = 1.15        # the result goes under y only if cells get 15% bigger
TABLE_COLUMN_MIN, TABLE_COLUMN_PX = 1.7, 50.0   # a shape-table column: cells, or pixels
CONTROLS_PX = 130           # figure height added for the Play buttons and the slider
CONTROLS_MEASURED_PX = 100  # what they take at text scale 1 (130 keeps the laptop layout as it
                            # was); larger text: this, scaled
CHAR_EM = 0.62              # a character's width, in font sizes (generous for digits, letters)
SIGN_CHAR_EM = 0.8          # ... of the bold operator ("max": 60 px at 25 px, measured)
SIGN_PAD_PX = 12            # room on each side of the operator, between the blocks
MARGIN_PX = 10

# Line widths in pixels: cell borders, the "new axis" box, the axis bracket, an empty outline.
CELL_BORDER_W, OUTLINE_W, BRACKET_W, EMPTY_W = 1, 2.5, 5, 1.5

# Font sizes in pixels.
VALUE_FONT_MIN, VALUE_FONT_MAX, VALUE_FONT_PER_CELL = 9.0, 20.0, 0.5
BASE_FONT = 14
LABEL_FONT = 15             # "x (32, 10)" and the shape table
NOTE_FONT = 12              # "drawn as (4, 4)"
SIGN_FONT, WORD_SIGN_FONT = 26, 18      # "+" or "×"; "max" or "min"
MARK_FONT = {"=": 26, "✗": 44, "?": 40}
SIZE_LABEL_FONT = 14
CAPTION_FONT = 16
AXIS_HEADER_FONT = 11

COLORS = {
    "x": "#3b82f6", "x copy": "#bfdbfe",
    "y": "#f59e0b", "y copy": "#fde68a",
    "result": "#22c55e", "conflict": "#dc2626", "focus": "#0f172a", "ink": "#0f172a",
    "muted": "#64748b",
}
FILL_KEYS = ("x", "x copy", "y", "y copy", "result")    # one filled trace each, in this order
FONT_FAMILY = "Inter, Segoe UI, Helvetica, Arial, sans-serif"



# ------------------------------------------------------------------ stand-in shapes

def stand_in_shapes(a: Shape, b: Shape) -> tuple[Shape, Shape]:
    """Small shapes with the same ranks and the same broadcasting story as a and b.

    Sizes 0 and 1 stay; bigger sizes are capped; two sizes that disagree still
    disagree after capping (so a conflict stays a conflict).
    """
    a, b = tuple(a), tuple(b)
    rank = max(len(a), len(b))
    out_a, out_b = [], []
    for k, (sa, sb) in enumerate(zip(pad_shape(a, rank, None), pad_shape(b, rank, None))):
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


class Story(NamedTuple):
    """The steps for the real shapes and, told the same way, for the drawn stand-ins."""
    real: list[Step]            # captions, sizes and labels come from these
    drawn: list[Step]           # the cells follow these (same kinds, smaller sizes)
    shapes: tuple[Shape, Shape]     # the stand-in shapes of x and y
    stand_in: bool              # True when the drawing is smaller than the real shapes


def _story(x_shape: Shape, y_shape: Shape, names: tuple[str, str], op: str) -> Story:
    """Broadcast the real shapes and their stand-ins: one frame per step of either."""
    real = broadcast_steps(x_shape, y_shape, names=names, op=op)     # ValueError for unknown op
    shapes = stand_in_shapes(x_shape, y_shape)
    drawn = broadcast_steps(*shapes, names=names, op=op)
    assert [s.kind for s in drawn] == [s.kind for s in real]        # same story, smaller
    return Story(real, drawn, shapes, shapes != (tuple(x_shape), tuple(y_shape)))


# ------------------------------------------------------------------ the tensors, frame by frame

class TensorState(NamedTuple):
    """One tensor as drawn in one frame: its numbers and which cells are repeated copies."""
    values: np.ndarray
    copies: np.ndarray          # bool, same shape: True where the cell is a repeat


def _tensor_states(story: Story, seed: int) -> list[tuple[TensorState, TensorState]]:
    """x and y after each step: expand_dims and tile applied to small random integers."""
    rng = np.random.default_rng(seed)
    current = [TensorState(rng.integers(0, 10, size=shape).astype(float), np.zeros(shape, bool))
               for shape in story.shapes]
    states = []
    for step in story.drawn:
        if step.kind == "expand":
            i = step.operand
            current[i] = TensorState(*(np.expand_dims(a, axis=0) for a in current[i]))  # (1, ...)
        elif step.kind == "tile":
            i = step.operand
            current[i] = _tiled(current[i], step.axis, step.after[i][step.axis])
        states.append(tuple(current))
    return states


def _tiled(state: TensorState, axis: int, n: int) -> TensorState:
    """Repeat a size-1 axis n times (n may be 0); every repeat after the first is a copy."""
    values, copies = state
    if values.shape[axis] != 1:
        # Only a size-1 axis can be repeated. broadcast_steps asks for more when two axes
        # clash (it reports the leftmost clash but tiles from the right): keep the tensor.
        return state
    reps = [1] * values.ndim
    reps[axis] = n                                          # (1, ..., n on `axis`, ..., 1)
    later = (np.arange(n) >= 1).reshape(reps)               # every repeat after the first
    return TensorState(np.tile(values, reps), np.tile(copies, reps) | later)  # n on `axis`


def _extent(story: Story, states) -> Shape:
    """Drawn size of every axis: the most cells either tensor takes on it in any frame."""
    shapes = [s.values.shape for pair in states for s in pair]
    shapes += [shape for step in story.drawn for shape in step.after]
    rank = max(len(s) for s in shapes)
    return tuple(max(sizes) for sizes in zip(*(pad_shape(s, rank) for s in shapes)))


# ------------------------------------------------------------------ geometry

@dataclass(frozen=True)
class Grid:
    """Where each cell of a tensor of (padded) rank `rank` is drawn inside its block."""
    extent: Shape          # drawn size of every axis (the most cells it takes in any frame)

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


class Point(NamedTuple):
    """A corner on the drawing, in cells."""
    x: float
    y: float               # counted downwards, in cells; the figure's y axis is -y


@dataclass(frozen=True)
class Placement:
    """Where the three blocks go and how big a cell and a line of text come out."""
    blocks: tuple[Point, Point, Point]     # top-left corners of x, y and the result
    width: float           # drawing width, in cells
    top: float             # y range of the figure, in cells (blocks start at 0, go down)
    bottom: float
    cell_px: float         # expected size of one cell on screen
    u: float               # height of one line of text, in cells
    gap: float = BLOCK_GAP     # cells between the blocks (the operator and the '=' live there)
    left: float = 0.0      # the shape table's left edge when it sits beside the blocks (< 0)
    text_scale: float = 1.0

    @property
    def side_table(self) -> bool:
        return self.left < 0

    @property
    def table_dx(self) -> float:
        return _table_dx(self.cell_px, self.text_scale)


def _table_dx(cell_px: float, text_scale: float) -> float:
    """A shape-table column's width in cells."""
    return max(TABLE_COLUMN_MIN, TABLE_COLUMN_PX * text_scale / cell_px)


def sign_width_px(sign: str, text_scale: float = 1.0) -> float:
    """The operator's width on screen ('+' or 'max'), padded on both sides."""
    font = SIGN_FONT if len(sign) == 1 else WORD_SIGN_FONT
    return SIGN_CHAR_EM * font * text_scale * len(sign) + 2 * SIGN_PAD_PX * text_scale


class Settled(NamedTuple):
    cell_px: float
    u: float               # one line of text, in cells
    gap: float             # between the blocks, in cells
    table_w: float         # the side table's width in cells (0: the table is above)
    width: float           # the blocks' width, in cells
    height: float          # the whole drawing's height, in cells
    header: float          # of which above the blocks


def _settle(grid: Grid, one_row: bool, screen_h: float = SCREEN_H_PX, side: bool = False,
            text_scale: float = 1.0, sign: str = "+", screen_w: float = SCREEN_W_PX) -> Settled:
    """Cell size in pixels for the grid's blocks, the drawing at most `screen_w` wide and
    `screen_h` tall; text `text_scale` times its base size (lines, table columns and the
    operator's room grow with it); the shape table above the blocks or, `side`, on their left."""
    w, h = grid.width, grid.height
    cell_px = FIRST_GUESS_CELL_PX
    for _ in range(SETTLE_ROUNDS):
        u = max(MIN_TEXT_LINE, TEXT_LINE_PX * text_scale / cell_px)
        gap = max(BLOCK_GAP, sign_width_px(sign, text_scale) / cell_px)
        under = LABELS_BELOW + UNDER_BLOCK_LINES * u
        table_w = (TABLE_NAME_WIDTH + grid.rank * _table_dx(cell_px, text_scale)
                   + SIDE_TABLE_GAP) if side else 0.0
        rows_h = max(h, SIDE_TABLE_LINES * u) if side else h
        header = (SIDE_HEADER_LINES if side else HEADER_LINES) * u
        width = max(3 * w + 2 * gap if one_row else 2 * w + gap, MIN_WIDTH)
        height = header + (rows_h + under if one_row else 2 * (rows_h + under) + ROW_GAP)
        by_height = screen_h / height
        cell_px = max(CELL_PX_MIN if by_height >= CELL_PX_MIN else CELL_PX_FLOOR,
                      min(CELL_PX_MAX, screen_w / (width + table_w + SIDE_ROOM), by_height))
    return Settled(cell_px, u, gap, table_w, width, height, header)


def _placement(grid: Grid, screen_h: float = SCREEN_H_PX, text_scale: float = 1.0,
               sign: str = "+", screen_w: float = SCREEN_W_PX) -> Placement:
    """x op y = result in one row, or the result under y: whichever gives bigger cells. With
    scaled text, also the shape table beside the blocks (a projector's screen is wide and short)."""
    w, h = grid.width, grid.height
    best, best_score = None, 0.0
    for side in ((False, True) if text_scale > 1 else (False,)):
        for one_row in (True, False):
            s = _settle(grid, one_row, screen_h, side, text_scale, sign, screen_w)
            score = s.cell_px / (1 if one_row else TWO_ROWS_GAIN)    # one row, unless much
            if score > best_score:                                    # smaller cells
                best_score = score
                under = LABELS_BELOW + UNDER_BLOCK_LINES * s.u
                rows_h = max(h, SIDE_TABLE_LINES * s.u) if side else h
                result = (Point(2 * (w + s.gap), 0.0) if one_row
                          else Point(w + s.gap, rows_h + under + ROW_GAP))
                best = Placement((Point(0.0, 0.0), Point(w + s.gap, 0.0), result), s.width,
                                 s.header, -(s.height - s.header), s.cell_px, s.u, s.gap,
                                 -s.table_w, text_scale)
    return best


@dataclass(frozen=True)
class Scene:
    """What every frame shares: the grid, the placement, the names and the operation."""
    grid: Grid
    place: Placement
    names: tuple[str, str]
    op: BroadcastOp
    stand_in: bool

    @property
    def value_font(self) -> float:
        return max(VALUE_FONT_MIN, min(VALUE_FONT_MAX, self.place.cell_px * VALUE_FONT_PER_CELL))

    def below(self, block: Point, lines: float) -> float:
        """y of the text line `lines` under a block's cells."""
        return -(block.y + self.grid.height + LABELS_BELOW + lines * self.place.u)


# ------------------------------------------------------------------ what one frame draws

class Label(NamedTuple):
    """One text drawn on the figure (all of them go into one text trace)."""
    x: float
    y: float
    text: str
    color: str
    size: float
    hover: str | None = None
    left: bool = False     # starts at x (caption, table names) instead of centred on it


@dataclass
class Drawing:
    """Everything drawn in one frame, collected before turning into traces."""
    fills: dict = field(default_factory=lambda: {key: ([], []) for key in FILL_KEYS})
    outline: tuple[list, list] = field(default_factory=lambda: ([], []))   # dashed: new axis
    bracket: tuple[list, list] = field(default_factory=lambda: ([], []))   # the axis at work
    bracket_color: str = COLORS["focus"]
    empty: tuple[list, list] = field(default_factory=lambda: ([], []))     # dotted: no cells
    labels: list[Label] = field(default_factory=list)


def _fmt(v: float) -> str:
    return f"{v:g}"


def _squares(corners, ox: float, oy: float) -> tuple[list, list]:
    """Closed outlines of unit cells at the given corners, as one x and one y list."""
    xs, ys = [], []
    for cx, cy in corners:
        x0, y0 = ox + cx + CELL_INSET, -(oy + cy + CELL_INSET)
        x1, y1 = ox + cx + 1 - CELL_INSET, -(oy + cy + 1 - CELL_INSET)
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return xs, ys


def _tensor_cells(state: TensorState, block: Point, name: str, key: str, scene: Scene,
                  drawing: Drawing) -> None:
    """Add one tensor's cells and values to a frame, padded to the grid's rank."""
    grid = scene.grid
    values = state.values.reshape(pad_shape(state.values.shape, grid.rank))
    copies = state.copies.reshape(values.shape)
    originals, repeated = [], []
    for index in np.ndindex(values.shape):
        corner = grid.cell(index)
        (repeated if copies[index] else originals).append(corner)
        where = ", ".join(str(i) for i in index[grid.rank - state.values.ndim:])
        hover = f"{name}[{where}] = {_fmt(values[index])}" + (
            " (a repeated copy)" if copies[index] else "")
        drawing.labels.append(Label(block.x + corner[0] + 0.5, -(block.y + corner[1] + 0.5),
                                    _fmt(values[index]),
                                    COLORS["muted"] if copies[index] else COLORS["ink"],
                                    scene.value_font, hover))
    for cells, fill in ((originals, key), (repeated, key + " copy")):
        if cells:
            xs, ys = _squares(cells, block.x, block.y)
            drawing.fills[fill][0].extend(xs)
            drawing.fills[fill][1].extend(ys)
    if values.size == 0:
        _empty_block(block, f"{name} holds no numbers: it has an axis of size 0", scene, drawing)


def _empty_block(block: Point, hover: str, scene: Scene, drawing: Drawing) -> None:
    """A tensor with a size-0 axis has no cells: a dotted outline of its block, marked empty."""
    x0, y0 = block.x + CELL_INSET, -(block.y + CELL_INSET)
    x1, y1 = block.x + scene.grid.width - CELL_INSET, -(block.y + scene.grid.height - CELL_INSET)
    drawing.empty[0].extend([x0, x1, x1, x0, x0, None])
    drawing.empty[1].extend([y0, y0, y1, y1, y0, None])
    drawing.labels.append(Label((x0 + x1) / 2, (y0 + y1) / 2, "<i>empty</i>", COLORS["muted"],
                                LABEL_FONT, hover))


def _shape_label(name: str, real: Shape, drawn: Shape, block: Point, scene: Scene) -> Label:
    """'x (32, 10)' under a block, and 'drawn as (4, 4)' when the drawing is a stand-in."""
    # the note's size relative to the label's (em), so it grows with the label's font
    note = (f"<br><span style='font-size:{NOTE_FONT / LABEL_FONT:.2f}em;"
            f"color:{COLORS['muted']}'>drawn as {format_shape(drawn)}</span>"
            if scene.stand_in else "")
    return Label(block.x + scene.grid.width / 2, scene.below(block, SHAPE_LABEL_LINES),
                 f"<b>{name}</b>  {format_shape(real)}{note}", COLORS["ink"], LABEL_FONT)


def _axis_bracket(grid: Grid, drawn_shape: Shape, axis: int, ox: float, oy: float, u: float
                  ) -> tuple[list, list, tuple[float, float]]:
    """A line along `axis` of a tensor (drawn_shape padded to the grid's rank).

    Returns the line's x, y and where its size label goes (u: one text line).
    """
    shape = pad_shape(drawn_shape, grid.rank)
    n = max(shape[axis], 1)
    if axis == -1 or axis == -3:                            # horizontal, under the block
        x0, x1 = (ox, ox + n) if axis == -1 else (ox, ox + n * grid.cols + (n - 1) * GAP)
        occupied = grid.cell(tuple(max(d, 1) - 1 for d in shape))[1] + 1   # lowest drawn row
        y = -(oy + occupied + BRACKET_BELOW)
        return ([x0 + BRACKET_TRIM, x1 - BRACKET_TRIM], [y, y],
                ((x0 + x1) / 2, y - SIZE_LABEL_LINES * u))
    if axis == -2:                                          # vertical, left of the block
        y0, y1 = -oy, -(oy + n)
        x = ox - BRACKET_BESIDE
        return [x, x], [y0 - BRACKET_TRIM, y1 + BRACKET_TRIM], (x, y0 + SIZE_LABEL_LINES * u)
    # a slice axis going down (rank >= 4): span the slice rows it covers, right of the block
    stride = math.prod(max(d, 1) for d in shape[axis + 1:-3])
    spanned = n * stride
    y0, y1 = -oy, -(oy + spanned * grid.rows + (spanned - 1) * GAP)
    x = ox + grid.width + BRACKET_BESIDE
    return [x, x], [y0 - BRACKET_TRIM, y1 + BRACKET_TRIM], (x, y0 + SIZE_LABEL_LINES * u)


def _box(grid: Grid, shape: Shape, ox: float, oy: float) -> tuple[list, list]:
    """A dashed-looking outline around a tensor's drawn cells."""
    padded = pad_shape(shape, grid.rank)
    if 0 in padded:
        return [], []
    lo = grid.cell((0,) * grid.rank)
    hi = grid.cell(tuple(d - 1 for d in padded))
    x0, y0 = ox + lo[0] - OUTLINE_MARGIN, -(oy + lo[1] - OUTLINE_MARGIN)
    x1, y1 = ox + hi[0] + (1 + OUTLINE_MARGIN), -(oy + hi[1] + (1 + OUTLINE_MARGIN))
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


# ------------------------------------------------------------------ one frame per step

def _draw_operands(real: Step, pair, scene: Scene, drawing: Drawing) -> None:
    """x and y with their values and shape labels, then the sign between them and the '='."""
    place, grid = scene.place, scene.grid
    for i, key in enumerate(("x", "y")):
        block = place.blocks[i]
        _tensor_cells(pair[i], block, scene.names[i], key, scene, drawing)
        drawing.labels.append(_shape_label(scene.names[i], real.after[i], pair[i].values.shape,
                                           block, scene))
    sign = scene.op.sign
    drawing.labels.append(Label(grid.width + place.gap / 2, -grid.height / 2, f"<b>{sign}</b>",
                                COLORS["ink"], SIGN_FONT if len(sign) == 1 else WORD_SIGN_FONT,
                                f"the operation: {scene.op.sign}"))
    result = place.blocks[2]
    drawing.labels.append(Label(result.x - place.gap / 2, -(result.y + grid.height / 2),
                                "<b>=</b>", COLORS["ink"], MARK_FONT["="]))


def _draw_result(step: Step, real: Step, pair, scene: Scene, drawing: Drawing) -> None:
    """The result's cells on the last step, a red ✗ on a conflict, a '?' until then."""
    block, grid = scene.place.blocks[2], scene.grid
    centre = (block.x + grid.width / 2, -(block.y + grid.height / 2))
    if step.kind == "result":
        result = scene.op.numpy_function(pair[0].values, pair[1].values)
        _tensor_cells(TensorState(result, np.zeros(result.shape, bool)), block, "result",
                      "result", scene, drawing)
        drawing.labels.append(_shape_label("result", real.result, result.shape, block, scene))
    elif step.kind == "conflict":
        drawing.labels.append(Label(*centre, "<b>✗</b>", COLORS["conflict"], MARK_FONT["✗"],
                                    "NumPy raises ValueError"))
    else:
        drawing.labels.append(Label(*centre, "<b>?</b>", COLORS["muted"], MARK_FONT["?"],
                                    "the result comes once the shapes match"))


def _draw_focus(step: Step, real: Step, pair, scene: Scene, drawing: Drawing) -> None:
    """The axis at work: a bracket with its real size on the changed tensor (both on a
    conflict, in red), and a dashed box around a tensor that just gained an axis."""
    if step.kind not in ("expand", "tile", "conflict"):
        return
    conflict = step.kind == "conflict"
    for i in ((0, 1) if conflict else (step.operand,)):
        block = scene.place.blocks[i]
        bx, by, (tx, ty) = _axis_bracket(scene.grid, pair[i].values.shape, step.axis,
                                         block.x, block.y, scene.place.u)
        drawing.bracket[0].extend(bx + [None])
        drawing.bracket[1].extend(by + [None])
        size = real.after[i][step.axis]
        drawing.labels.append(Label(tx, ty, f"<b>{size}</b>",
                                    COLORS["conflict"] if conflict else COLORS["focus"],
                                    SIZE_LABEL_FONT,
                                    f"axis {step.axis} of {scene.names[i]}: size {size}"))
    if step.kind == "expand":
        block = scene.place.blocks[step.operand]
        drawing.outline = _box(scene.grid, pair[step.operand].values.shape, block.x, block.y)
    if conflict:
        drawing.bracket_color = COLORS["conflict"]


def _frame(k: int, story: Story, pair, scene: Scene) -> go.Frame:
    """Frame k: the tensors after step k, the axis at work, the caption and the shape table."""
    step, real = story.drawn[k], story.real[k]
    drawing = Drawing()
    _draw_operands(real, pair, scene, drawing)
    _draw_result(step, real, pair, scene, drawing)
    _draw_focus(step, real, pair, scene, drawing)
    place = scene.place
    left = place.left + TEXT_LEFT if place.side_table else TEXT_LEFT
    drawing.labels.append(Label(left, (SIDE_CAPTION_LINE if place.side_table else CAPTION_LINE)
                                * place.u, _caption(k, len(story.real), step, real, scene.names),
                                COLORS["ink"], CAPTION_FONT, left=True))
    header_y = (-0.5 * place.u) if place.side_table else AXIS_HEADER_LINE * place.u
    _alignment_table(drawing, real, scene.names, x0=left, u=place.u, dx=place.table_dx,
                     header_y=header_y)
    data = _traces(drawing)
    return go.Frame(name=str(k), data=data, traces=list(range(len(data))))   # replace them all


def _traces(drawing: Drawing) -> list[go.Scatter]:
    """The same traces in the same order in every frame, so a frame can replace them."""
    traces = [_fill_trace(*drawing.fills[key], COLORS[key], key) for key in FILL_KEYS]
    traces.append(_line_trace(drawing.outline, "new axis",
                              dict(color=COLORS["focus"], width=OUTLINE_W, dash="dash")))
    traces.append(_line_trace(drawing.bracket, "axis",
                              dict(color=drawing.bracket_color, width=BRACKET_W)))
    xs, ys, texts, colors, sizes, hovers, lefts = zip(*drawing.labels)
    traces.append(go.Scatter(
        x=xs, y=ys, text=texts, mode="text", showlegend=False, name="values",
        textfont=dict(color=list(colors), size=list(sizes), family=FONT_FAMILY),
        hovertext=[h or "" for h in hovers], hoverinfo="text",
        textposition=["middle right" if left else "middle center" for left in lefts]))
    traces.append(_line_trace(drawing.empty, "empty",
                              dict(color=COLORS["muted"], width=EMPTY_W, dash="dot")))
    return traces


def _fill_trace(xs, ys, color: str, name: str) -> go.Scatter:
    return go.Scatter(x=xs or [None], y=ys or [None], mode="lines", fill="toself",
                      fillcolor=color, line=dict(color="white", width=CELL_BORDER_W), name=name,
                      hoverinfo="skip", showlegend=False)


def _line_trace(points: tuple[list, list], name: str, line: dict) -> go.Scatter:
    return go.Scatter(x=points[0] or [None], y=points[1] or [None], mode="lines", line=line,
                      hoverinfo="skip", showlegend=False, name=name)


def _caption(k: int, n: int, step: Step, real: Step, names) -> str:
    """'Step 2/4 · new size-1 axis in front of y: (10,) → (1, 10)', bold where it matters."""
    if step.kind == "conflict":
        return (f"<b>Step {k + 1}/{n} · stop at axis {real.axis}</b>: "
                f"{real.after[0][real.axis]} vs {real.after[1][real.axis]}, neither is 1")
    if step.kind == "result":
        return (f"<b>Step {k + 1}/{n} · the shapes match</b>: "
                f"element-wise result {format_shape(real.result)}")
    if step.kind == "align":
        return f"<b>Step {k + 1}/{n} · line the shapes up on the right</b>"
    i = real.operand
    arrow = f"{format_shape(real.before[i])} → {format_shape(real.after[i])}"
    if step.kind == "expand":
        return f"<b>Step {k + 1}/{n} · new size-1 axis in front of {names[i]}</b>: {arrow}"
    return f"<b>Step {k + 1}/{n} · repeat {names[i]} along axis {real.axis}</b>: {arrow}"


def _alignment_table(drawing: Drawing, step: Step, names, x0: float, u: float, dx: float,
                     header_y: float | None = None) -> None:
    """The two shapes as rows of sizes, lined up on the right; the axis at work in colour.
    The "axis" header line sits at `header_y` (default: above the blocks), the rows under it."""
    rank = max(len(step.after[0]), len(step.after[1]), len(step.before[0]), len(step.before[1]))
    column_x = [x0 + TABLE_NAME_WIDTH + (k + 0.5) * dx for k in range(rank)]
    header_y = AXIS_HEADER_LINE * u if header_y is None else header_y
    for row, i in enumerate((0, 1)):
        y = header_y - (AXIS_HEADER_LINE - TABLE_TOP_LINE + TABLE_ROW_STEP * row) * u
        drawing.labels.append(Label(x0, y, f"<b>{names[i]}</b>", COLORS["ink"], LABEL_FONT,
                                    left=True))
        for k, size in enumerate(pad_shape(step.after[i], rank, None)):
            axis = k - rank
            hot = step.axis == axis and (step.kind == "conflict" or step.operand == i)
            color = COLORS["conflict"] if hot and step.kind == "conflict" else (
                COLORS["focus"] if hot else COLORS["muted"])
            text = "·" if size is None else (f"<b>{size}</b>" if hot else str(size))
            hover = f"axis {axis} of {names[i]}" + ("" if size is None else f": size {size}")
            drawing.labels.append(Label(column_x[k], y, text, color, LABEL_FONT, hover))
    drawing.labels.append(Label(x0, header_y, "axis", COLORS["muted"],
                                AXIS_HEADER_FONT, left=True))
    for k in range(rank):
        drawing.labels.append(Label(column_x[k], header_y, f"{k - rank}",
                                    COLORS["muted"], AXIS_HEADER_FONT,
                                    "axes are counted from the right: -1 is the last"))


def _slider_label(step: Step) -> str:
    """The slider's 'Step: ...' value: a word or two per step."""
    if step.kind == "expand":
        return "new axis"
    if step.kind == "tile":
        return f"repeat {step.axis}"
    if step.kind == "conflict":
        return "conflict"
    return {"align": "align", "result": "result"}[step.kind]


# ------------------------------------------------------------------ the figure

def controls_px(text_scale: float = 1.0) -> float:
    """The figure's height kept for the Play buttons and the slider (its labels grow with the
    text)."""
    return CONTROLS_PX if text_scale == 1 else CONTROLS_MEASURED_PX * text_scale


def slider_label_px(label: str, text_scale: float = 1.0) -> float:
    """About how wide a slider step's label is drawn, in pixels (generous)."""
    return CHAR_EM * BASE_FONT * text_scale * len(label)


def _figure_layout(scene: Scene, steps: list[Step], frame_ms: int) -> dict:
    """Equal-aspect axes over the drawing, Play/Pause buttons and a 'Step: ...' slider."""
    place, scale = scene.place, scene.place.text_scale
    labels = [_slider_label(s) for s in steps]
    slider = frame_slider([str(k) for k in range(len(steps))], redraw=True, labels=labels,
                          prefix="Step: ")
    # the labels are centred on their ticks: the rail stops short of the figure's right edge
    # by half the last label, so it is drawn whole
    slider["pad"] = dict(slider.get("pad", {}), r=round(slider_label_px(labels[-1], scale) / 2))
    return dict(
        height=int(place.cell_px * (place.top - place.bottom) + controls_px(scale)),
        margin=dict(l=MARGIN_PX, r=MARGIN_PX, t=MARGIN_PX, b=MARGIN_PX), plot_bgcolor="white",
        font=dict(family=FONT_FAMILY, size=BASE_FONT), showlegend=False,
        xaxis=dict(visible=False, range=[place.left - X_PAD, place.width + X_PAD],
                   fixedrange=True),
        yaxis=dict(visible=False, range=[place.bottom, place.top], scaleanchor="x",
                   scaleratio=1, fixedrange=True),
        updatemenus=[player_buttons(play_args(frame_ms))],
        sliders=[slider],
    )


def broadcast_animation(x_shape: Shape, y_shape: Shape, op: str = "+", seed: int = 0,
                        names: tuple[str, str] = ("x", "y"), frame_ms: int = 1400,
                        start_step: int = 0, max_height: int = SCREEN_H_PX + CONTROLS_PX,
                        text_scale: float = 1.0, max_width: float = SCREEN_W_PX
                        ) -> go.Figure:
    """The animated figure: one frame per broadcasting step, Play/Pause and a slider.
    It opens at `start_step` (clipped to the steps there are); ▶ Play goes on from there.
    `max_height` bounds the figure's height in pixels, controls included. `text_scale`: how
    much larger the figure's text will be drawn (projector mode: lib.figures.common
    scaled_fonts): the drawing makes room for it (lines, the operator, the slider's labels).
    `max_width`: the drawing's room across, in pixels (a projector's screen is wider)."""
    story = _story(x_shape, y_shape, names, op)
    states = _tensor_states(story, seed)                 # (x, y) as drawn after each step
    grid = Grid(_extent(story, states))
    place = _placement(grid, max(max_height - controls_px(text_scale), 4 * CELL_PX_MIN),
                       text_scale, BROADCAST_OPERATIONS[op].sign, max_width)
    scene = Scene(grid, place, names, BROADCAST_OPERATIONS[op], story.stand_in)
    frames = [_frame(k, story, pair, scene) for k, pair in enumerate(states)]
    start = min(max(int(start_step), 0), len(frames) - 1)
    fig = go.Figure(data=frames[start].data, frames=frames)
    fig.update_layout(**_figure_layout(scene, story.real, frame_ms))
    fig.layout.sliders[0].active = start
    return fig

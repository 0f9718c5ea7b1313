"""The book's own picture of one digit: `plt.imshow(digit, cmap=plt.cm.binary)`.

Two ways to the same pixels:

- `book_digit_figure(digit)` makes the call itself, on a `matplotlib.figure.Figure` of its
  own instead of pyplot's current figure (pyplot keeps every figure it made alive until it
  is closed, and on a shared server each student's rerun would add one: DESIGN.md).
  Rendering it is 40-55 ms with the interpreter lock held, and importing matplotlib ~0.7 s.
- `book_digit_png(digit)`, what Home shows: the same picture with NumPy. Everything in it
  but the 28x28 cells is the same for every digit (axes, ticks, labels), so matplotlib drew
  it once, into `data/book_digit_frame.npz` (`python -m lib.figures.book_digit` writes it
  again), with where each cell lands and how the axes' edge lines blend over the cells
  that they touch. A digit is then the binary colormap looked up, the cells copied into
  the frame, and a PNG: ~2 ms, and Home's first run imports no matplotlib.
  tests/unit/figures/test_book_digit.py checks that both give the same pixels.
"""
from __future__ import annotations

import io
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FRAME_PATH = Path(__file__).resolve().parents[2] / "data" / "book_digit_frame.npz"
SIDE = 28                     # MNIST's 28x28


def book_digit_figure(digit: np.ndarray, inches: float = 2.8, dpi: int = 150) -> "Figure":
    """One 28x28 digit as the book draws it: imshow with the binary colormap (0 white
    paper, 255 black ink), matplotlib's default axes and ticks. Small in inches, so the
    ticks stay readable in a narrow column; 150 dpi keeps it sharp on a projector."""
    from matplotlib import cm
    from matplotlib.figure import Figure

    # Fixed margins, not layout="tight": tight layout draws the figure twice to measure it
    # (114 ms a digit here against 67 ms).
    fig = Figure(figsize=(inches, inches), dpi=dpi)
    fig.subplots_adjust(left=0.16, right=0.97, bottom=0.1, top=0.97)
    ax = fig.add_subplot()
    ax.imshow(digit, cmap=cm.binary)          # plt.cm is matplotlib.cm
    return fig


def png_bytes(fig: "Figure") -> bytes:
    """The figure as a PNG (matplotlib's Agg renderer; no pyplot)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})   # 55 ms, not 67
    return buffer.getvalue()


# ---------------------------------------------------------------- the same picture, NumPy

def binary_colors(digit: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """The gray byte matplotlib's `imshow(digit, cmap=binary)` gives each cell: its
    Normalize(digit.min(), digit.max()) in float32 (uint8 data is promoted to float32),
    then the colormap's index: x * N, floored, N itself counted as N - 1."""
    x = np.asarray(digit)
    lo, hi = x.min(), x.max()
    if lo == hi:                                           # matplotlib maps a flat image to 0
        index = np.zeros(x.shape, np.intp)
    else:
        unit = (x.astype(np.float32) - np.float32(lo)) / np.float32(float(hi) - float(lo))
        scaled = unit * np.float32(len(lut))
        index = np.clip(scaled, 0, len(lut) - 1).astype(np.intp)
    return lut[index]


@lru_cache(maxsize=1)
def _frame() -> dict[str, np.ndarray]:
    with np.load(FRAME_PATH) as saved:
        return {name: saved[name] for name in saved.files}


def book_digit_pixels(digit: np.ndarray) -> np.ndarray:
    """The picture `book_digit_figure(digit)` renders, as gray bytes (height, width)."""
    f = _frame()
    top, left = int(f["origin"][0]), int(f["origin"][1])
    rows, cols = f["row_cell"], f["col_cell"]              # cell of each pixel row / column
    cells = binary_colors(np.asarray(digit).reshape(SIDE, SIDE), f["lut"])
    inside = cells[rows[:, None], cols[None, :]].astype(np.float32)
    # the axes' edge lines are drawn over the outermost pixels: gray = gain * cell + offset
    blended = np.rint(inside * f["gain"] + f["offset"]).clip(0, 255).astype(np.uint8)
    out = f["frame"].copy()
    out[top:top + len(rows), left:left + len(cols)] = blended
    return out


def gray_png(pixels: np.ndarray) -> bytes:
    """A grayscale PNG of `pixels` (uint8, (height, width)), fast compression."""
    height, width = pixels.shape
    raw = np.zeros((height, width + 1), np.uint8)          # filter byte 0 before each row
    raw[:, 1:] = pixels

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + chunk(b"IEND", b""))


def book_digit_png(digit: np.ndarray) -> bytes:
    """`book_digit_figure(digit)` as a PNG, without matplotlib (see the module's docstring)."""
    return gray_png(book_digit_pixels(digit))


# ---------------------------------------------------------------- the frame, drawn once

def _render_gray(digit: np.ndarray) -> np.ndarray:
    from PIL import Image

    rgba = np.array(Image.open(io.BytesIO(png_bytes(book_digit_figure(digit)))))
    if not ((rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()
            and (rgba[..., 3] == 255).all()):
        raise ValueError("the book's digit is no longer opaque gray: keep the matplotlib PNG")
    return rgba[..., 0]


def draw_frame() -> dict[str, np.ndarray]:
    """Everything `book_digit_pixels` needs, measured on matplotlib's own renders: the
    frame, where the cells land (a render whose rows are 28 distinct grays says which row
    each pixel shows; the same for columns), and, for the pixels an edge line covers in
    part, the gain and offset that turn a cell's gray into what is drawn there."""
    from matplotlib import cm

    lut = cm.binary(np.arange(cm.binary.N), bytes=True)[:, 0]          # (256,) gray bytes
    ramp = np.repeat(np.arange(SIDE, dtype=np.uint8)[:, None] * 9, SIDE, axis=1)  # row r: 9r
    renders = {name: _render_gray(img) for name, img in
               (("rows", ramp), ("rows_flipped", 243 - ramp),
                ("cols", ramp.T.copy()), ("cols_flipped", (243 - ramp).T.copy()))}
    blank = _render_gray(np.zeros((SIDE, SIDE), np.uint8))
    region = ((renders["rows"] != renders["rows_flipped"])
              | (renders["cols"] != renders["cols_flipped"]))
    ys, xs = np.nonzero(region)
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    levels = binary_colors(ramp, lut)[:, 0].astype(int)                # gray of row r

    def cell_of(render: np.ndarray, flipped: np.ndarray, axis: int, size: int) -> np.ndarray:
        box = render[top:bottom, left:right].astype(int)
        box_flipped = flipped[top:bottom, left:right].astype(int)
        cell = np.full(box.shape, -1)
        for r, gray in enumerate(levels):
            cell[(box == gray) & (box_flipped == levels[SIDE - 1 - r])] = r
        per_line = []
        for i in range(size):       # every pixel line shows one cell: the most common match
            line = cell[:, i] if axis == 1 else cell[i, :]
            found = line[line >= 0]
            per_line.append(np.bincount(found).argmax() if len(found) else -1)
        per_line = np.array(per_line)
        for i in range(size):       # a line fully under an edge line: its neighbour's cell
            if per_line[i] < 0:
                near = [j for j in (i - 1, i + 1, i - 2, i + 2) if 0 <= j < size and per_line[j] >= 0]
                per_line[i] = per_line[near[0]]
        return per_line

    row_cell = cell_of(renders["rows"], renders["rows_flipped"], 0, bottom - top)
    col_cell = cell_of(renders["cols"], renders["cols_flipped"], 1, right - left)
    # gain and offset per pixel from the pair of renders whose cells differ most there
    # (rows for the top and bottom edges, columns for the left and right ones)
    fits = []
    for name, image in (("rows", ramp), ("cols", ramp.T.copy())):
        a = binary_colors(image, lut)[row_cell[:, None], col_cell[None, :]].astype(np.float64)
        b = binary_colors(243 - image, lut)[row_cell[:, None], col_cell[None, :]].astype(np.float64)
        seen_a = renders[name][top:bottom, left:right].astype(np.float64)
        seen_b = renders[name + "_flipped"][top:bottom, left:right].astype(np.float64)
        gain = (seen_a - seen_b) / (a - b)
        fits.append((np.abs(a - b), gain, seen_a - gain * a))
    use_rows = fits[0][0] >= fits[1][0]
    gain = np.where(use_rows, fits[0][1], fits[1][1])
    offset = np.where(use_rows, fits[0][2], fits[1][2])
    frame = blank.copy()
    frame[top:bottom, left:right] = 0
    return {"frame": frame, "origin": np.array([top, left]), "row_cell": row_cell.astype(np.int8),
            "col_cell": col_cell.astype(np.int8), "lut": lut,
            "gain": gain.astype(np.float32), "offset": offset.astype(np.float32)}


if __name__ == "__main__":        # python -m lib.figures.book_digit: draw the frame again
    np.savez_compressed(FRAME_PATH, **draw_frame())
    _frame.cache_clear()
    print(f"wrote {FRAME_PATH} ({FRAME_PATH.stat().st_size:,} bytes)")

"""The book's picture of one digit: plt.imshow(digit, cmap=plt.cm.binary), on a Figure of
its own."""
import subprocess
import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from lib.core.data import load_mnist
from lib.figures.book_digit import book_digit_figure, png_bytes


def test_the_figure_is_imshow_of_the_digit_with_the_binary_colormap():
    digit = load_mnist("sample").train_images[4]           # (28, 28) uint8
    fig = book_digit_figure(digit)
    assert isinstance(fig, Figure)
    [ax] = fig.axes
    [image] = ax.images
    np.testing.assert_array_equal(image.get_array(), digit)
    assert image.get_cmap().name == "binary"
    assert image.get_clim() == (digit.min(), digit.max())     # imshow's own scaling, as in the book
    assert png_bytes(fig).startswith(b"\x89PNG\r\n\x1a\n")


def test_no_pyplot_state():
    """Building and rendering it never imports pyplot (whose figures live until closed)."""
    code = ("import sys, numpy as np\n"
            "from lib.figures.book_digit import book_digit_figure, png_bytes\n"
            "png_bytes(book_digit_figure(np.zeros((28, 28), np.uint8)))\n"
            "assert 'matplotlib.pyplot' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


# ---------------------------------------------------------------- the same picture, NumPy

def _matplotlib_pixels(digit):
    import io

    from PIL import Image

    rgba = np.array(Image.open(io.BytesIO(png_bytes(book_digit_figure(digit)))))
    return rgba[..., 0].astype(int)


def test_numpy_drawing_gives_matplotlibs_pixels():
    """Home's digit (book_digit_png, no matplotlib) against the imshow call it stands for:
    the same size, and no real digit off by more than one gray level in a few edge pixels
    (where the axes' line is drawn over the cells, matplotlib rounds its blend its own way).
    If this fails after a matplotlib upgrade: `python -m lib.figures.book_digit`."""
    import io

    from PIL import Image

    from lib.figures.book_digit import book_digit_png

    data = load_mnist("sample")
    for index in (0, 4, 7, 123, 1999, 3999):
        digit = data.train_images[index]
        ours = np.array(Image.open(io.BytesIO(book_digit_png(digit)))).astype(int)
        theirs = _matplotlib_pixels(digit)
        assert ours.shape == theirs.shape
        off = np.abs(ours - theirs)
        assert off.max() <= 1 and (off > 0).sum() <= 20, (index, off.max(), (off > 0).sum())


def test_numpy_drawing_of_any_grays_and_a_flat_image():
    """Noise, a flat image, a narrow range: off by more than one gray level in at most a few
    pixels where the axes' edge line meets two cells (one of 420x420 on random noise, 13
    levels)."""
    from lib.figures.book_digit import book_digit_pixels

    rng = np.random.default_rng(0)
    for digit in (np.zeros((28, 28), np.uint8), np.full((28, 28), 200, np.uint8),
                  rng.integers(3, 90, (28, 28)).astype(np.uint8),
                  rng.integers(0, 256, (28, 28)).astype(np.uint8)):
        off = np.abs(book_digit_pixels(digit).astype(int) - _matplotlib_pixels(digit))
        assert (off > 1).sum() <= 5 and off.max() <= 32, (off.max(), (off > 1).sum())


def test_binary_colors_are_matplotlibs_for_every_gray_and_range():
    from matplotlib import cm
    from matplotlib.colors import Normalize

    from lib.figures.book_digit import _frame, binary_colors

    lut = _frame()["lut"]
    values = np.arange(256, dtype=np.uint8)
    for lo, hi in ((0, 255), (0, 254), (0, 1), (3, 90), (17, 200), (0, 97)):
        digit = np.clip(values, lo, hi).astype(np.uint8)
        expected = cm.binary(Normalize(digit.min(), digit.max())(digit), bytes=True)[:, 0]
        np.testing.assert_array_equal(binary_colors(digit, lut), expected)


def test_the_numpy_drawing_imports_no_matplotlib():
    """Home's first run on a fresh server stays clear of matplotlib's ~0.7 s import."""
    code = ("import sys, numpy as np\n"
            "from lib.figures.book_digit import book_digit_png\n"
            "assert book_digit_png(np.zeros((28, 28), np.uint8)).startswith(b'\\x89PNG')\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])

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

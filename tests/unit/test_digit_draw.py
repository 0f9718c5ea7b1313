"""A drawn digit becomes an MNIST-style (1, 784) float32 row in [0, 1], centred by mass."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from lib.core.data import load_mnist
from lib.train.digit_draw import CENTRE, centre_of_mass, preprocess, resize, to_gray


def canvas(strokes, size=280, white_on_black=True):
    """An opaque RGBA canvas with filled rectangles (top, bottom, left, right) as ink."""
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 3] = 255
    if not white_on_black:
        rgba[..., :3] = 255
    for top, bottom, left, right in strokes:
        rgba[top:bottom, left:right, :3] = 255 if white_on_black else 0
    return rgba


def test_a_stroke_in_a_corner_is_scaled_and_centred():
    drawn = preprocess(canvas([(10, 110, 10, 40)]))           # a small "1" top-left
    assert drawn.tensor.shape == (1, 784) and drawn.tensor.dtype == np.float32
    assert 0.0 <= drawn.tensor.min() and drawn.tensor.max() <= 1.0
    assert drawn.bbox == (10, 110, 10, 40)
    assert max(drawn.scaled.shape) == 20                         # longer side fits the 20 box
    r, c = drawn.centre_of_mass
    assert abs(r - CENTRE) <= 0.5 and abs(c - CENTRE) <= 0.5
    assert np.array_equal(drawn.tensor.reshape(28, 28), drawn.centred)


def test_dark_ink_on_white_paper_is_inverted():
    a = preprocess(canvas([(50, 200, 120, 160)], white_on_black=True))
    b = preprocess(canvas([(50, 200, 120, 160)], white_on_black=False))
    assert np.allclose(a.tensor, b.tensor, atol=1e-6)


def test_transparent_canvas_ink_is_the_opaque_part():
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[60:220, 130:150] = (0, 0, 0, 255)                       # black ink, transparent paper
    drawn = preprocess(rgba)
    assert not drawn.empty and drawn.tensor.max() > 0.9


def test_blank_canvas_is_empty_and_all_zero():
    for rgba in (canvas([]), canvas([], white_on_black=False), np.zeros((280, 280, 4), np.uint8)):
        drawn = preprocess(rgba)
        assert drawn.empty and drawn.tensor.shape == (1, 784) and not drawn.tensor.any()


def test_without_mnist_style_the_whole_canvas_is_shrunk():
    drawn = preprocess(canvas([(10, 110, 10, 40)]), mnist_style=False)
    assert drawn.tensor.shape == (1, 784) and drawn.tensor.dtype == np.float32
    r, c = drawn.centre_of_mass
    assert r < 7 and c < 4                                       # stays in the corner
    assert drawn.tensor.min() >= 0 and drawn.tensor.max() <= 1


def from_mnist(image: np.ndarray, size: int = 280) -> np.ndarray:
    """An MNIST digit (28, 28) uint8 enlarged to a canvas-like (size, size, 4) RGBA image."""
    big = resize(np.asarray(image, dtype=np.float32) / 255.0, size, size)
    rgba = np.zeros((size, size, 4), dtype=np.uint8)
    rgba[..., :3] = (big * 255).astype(np.uint8)[..., None]
    rgba[..., 3] = 255
    return rgba


def test_mnist_digits_survive_the_round_trip():
    """Enlarge real test digits to canvas size, prepare them again: close to the originals."""
    data = load_mnist("sample")
    for image in data.test_images[:50]:
        drawn = preprocess(from_mnist(image))
        assert np.abs(drawn.centred - image / 255.0).mean() < 0.1


@settings(max_examples=150, deadline=None)
@given(top=st.integers(0, 270), left=st.integers(0, 270),
       height=st.integers(1, 280), width=st.integers(1, 280), size=st.integers(28, 300))
def test_any_rectangle_gives_a_valid_centred_tensor(top, left, height, width, size):
    ink = max(0, min(top + height, size) - top) * max(0, min(left + width, size) - left)
    assume(ink < 0.4 * size * size)            # mostly-bright canvases read as dark ink on paper
    rgba = canvas([(top, top + height, left, left + width)], size=size)
    drawn = preprocess(rgba)
    if drawn.empty:                                              # the rectangle fell off the canvas
        assert top >= size or left >= size
        return
    t = drawn.tensor
    assert t.shape == (1, 784) and t.dtype == np.float32 and t.min() >= 0 and t.max() <= 1
    assert t.sum() > 0
    r, c = centre_of_mass(drawn.centred)
    assert abs(r - CENTRE) <= 1.0 and abs(c - CENTRE) <= 1.0


def test_bad_shapes_are_clear_errors():
    with pytest.raises(ValueError, match="expected an image"):
        to_gray(np.zeros((5000, 10, 4), np.uint8))
    with pytest.raises(ValueError, match="expected an image"):
        to_gray(np.zeros((2, 2, 2, 2)))

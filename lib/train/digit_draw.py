"""Turn a digit drawn on a canvas into what the network expects: an MNIST-style (1, 784) row.

MNIST digits were prepared in a fixed way: the ink is scaled to fit a 20x20 box
(keeping its proportions), then placed in a 28x28 image so that its centre of mass
sits at the centre. A drawing prepared differently (too small, off-centre) looks
strange to a network that only ever saw MNIST. Every step is returned so a page
can show it. NumPy and Pillow only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

SIZE = 28             # MNIST image side
BOX = 20              # the ink fits in a BOX x BOX square inside it
INK_THRESHOLD = 0.1   # a pixel brighter than this counts as ink for the bounding box
CENTRE = 14.0         # MNIST's centre of mass sits at (14.0, 14.0) (mean over the sample: 13.99, 14.00)
MAX_SIDE = 2000       # larger canvases are refused (the page's canvas is 280 x 280)


@dataclass(frozen=True)
class DrawnDigit:
    gray: np.ndarray               # (H, W) float32 in [0, 1], ink bright on black
    bbox: tuple[int, int, int, int] | None   # (top, bottom, left, right), bottom/right exclusive
    cropped: np.ndarray | None     # the ink's bounding box cut out of `gray`
    scaled: np.ndarray | None      # cropped, resized so its longer side is BOX pixels
    centred: np.ndarray            # (28, 28) float32: what the network receives
    tensor: np.ndarray             # (1, 784) float32 in [0, 1]
    centre_of_mass: tuple[float, float] | None   # (row, col) in `centred`
    mnist_style: bool

    @property
    def empty(self) -> bool:
        return self.bbox is None


def to_gray(rgba: np.ndarray) -> np.ndarray:
    """(H, W, 4) or (H, W, 3) uint8 or (H, W) -> (H, W) float32 ink in [0, 1] (ink = bright).

    On a partly transparent canvas the ink is whatever is opaque. On an opaque one, a
    drawing that is mostly bright (dark ink on white paper) is inverted, so the ink is
    always the bright part, as in MNIST.
    """
    image = np.asarray(rgba)
    if image.ndim not in (2, 3) or max(image.shape[:2]) > MAX_SIDE or min(image.shape[:2]) < 1:
        raise ValueError(f"expected an image of at most {MAX_SIDE} x {MAX_SIDE} pixels, "
                         f"got an array of shape {image.shape}")
    if np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.bool_):
        image = image.astype(np.float32) / (1.0 if image.dtype == np.bool_ else 255.0)
    image = np.nan_to_num(image.astype(np.float32))
    if image.ndim == 3 and image.shape[-1] == 4 and image[..., 3].min() < 1.0:
        return np.clip(image[..., 3], 0.0, 1.0)              # transparent paper: ink = opacity
    if image.ndim == 2:
        gray = image
    elif image.shape[-1] >= 3:
        gray = image[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    else:
        gray = image[..., 0]
    if gray.mean() > 0.5:
        gray = 1.0 - gray                                     # dark ink on light paper
    return np.clip(gray, 0.0, 1.0).astype(np.float32)


def bounding_box(gray: np.ndarray, threshold: float = INK_THRESHOLD):
    """(top, bottom, left, right) of the pixels brighter than threshold, or None if blank."""
    rows = np.flatnonzero((gray > threshold).any(axis=1))
    cols = np.flatnonzero((gray > threshold).any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize of a float image in [0, 1]."""
    pil = Image.fromarray(np.asarray(image, dtype=np.float32), mode="F")
    return np.asarray(pil.resize((width, height), Image.Resampling.LANCZOS),
                      dtype=np.float32).clip(0.0, 1.0)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Intensity-weighted mean (row, col)."""
    total = float(image.sum())
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def paste_centred(scaled: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Place `scaled` in a size x size black image with its centre of mass nearest (14, 14)."""
    r, c = centre_of_mass(scaled)
    top, left = int(round(CENTRE - r)), int(round(CENTRE - c))
    out = np.zeros((size, size), dtype=np.float32)
    h, w = scaled.shape
    # clip the paste to the output (a lopsided digit may be pushed slightly off the edge)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, size), min(left + w, size)
    out[r0:r1, c0:c1] = scaled[r0 - top:r1 - top, c0 - left:c1 - left]
    return out


def preprocess(rgba: np.ndarray, mnist_style: bool = True) -> DrawnDigit:
    """A canvas image -> DrawnDigit; `.tensor` is the (1, 784) float32 row in [0, 1].

    mnist_style=False skips cropping and centring: the whole canvas is shrunk to 28x28,
    which shows why the MNIST preparation matters.
    """
    gray = to_gray(rgba)
    bbox = bounding_box(gray)
    if bbox is None:
        blank = np.zeros((SIZE, SIZE), dtype=np.float32)
        return DrawnDigit(gray, None, None, None, blank, blank.reshape(1, SIZE * SIZE),
                          None, mnist_style)
    if not mnist_style:
        centred = resize(gray, SIZE, SIZE)
        return DrawnDigit(gray, bbox, None, None, centred,
                          centred.reshape(1, SIZE * SIZE).astype(np.float32),
                          centre_of_mass(centred) if centred.sum() > 0 else None, False)
    top, bottom, left, right = bbox
    cropped = gray[top:bottom, left:right]
    h, w = cropped.shape
    scale = BOX / max(h, w)
    scaled = resize(cropped, max(1, round(h * scale)), max(1, round(w * scale)))
    if scaled.sum() <= 0:                                     # a speck that vanished when shrunk
        scaled = np.ones_like(scaled)
    centred = paste_centred(scaled)
    tensor = centred.reshape(1, SIZE * SIZE).astype(np.float32)   # (1, 784)
    return DrawnDigit(gray, bbox, cropped, scaled, centred, tensor,
                      centre_of_mass(centred), True)

"""The 3-D tensor drawing of Rank & shape: every axis named, every name inside the figure."""
import re

import numpy as np
import pytest

from lib.figures.tensors import tensor_cubes

SHAPES = [(2, 3, 4), (3, 3, 5), (2, 3, 4, 3), (2, 3, 4, 3, 2), (12, 12, 1), (1, 1, 12),
          (5, 1, 1, 1), (2, 12, 1, 1, 1)]
NAMES = {3: ["depth", "row", "column"], 4: ["cube", "depth", "row", "column"],
         5: ["row of cubes", "cube", "depth", "row", "column"]}


def labels(fig):
    return list(fig.layout.scene.annotations)


@pytest.mark.parametrize("shape", SHAPES)
def test_each_axis_is_named_with_its_size(shape):
    fig = tensor_cubes(np.arange(int(np.prod(shape))).reshape(shape))
    texts = [re.sub("<[^>]+>", "", a.text) for a in labels(fig)]
    assert len(texts) == len(shape)
    for axis, (text, name) in enumerate(zip(texts, NAMES[len(shape)])):
        assert text.startswith(f"axis {axis}: {shape[axis]} "), text
        assert text.endswith(name if shape[axis] == 1 or name == "depth" else
                             name.replace("row", "rows", 1) if name.startswith("row") else name + "s")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("height, aspect, text_scale", [(520, 1.0, 1.0), (420, 1.3, 1.4)])
def test_every_label_and_its_text_lie_inside_the_scene(shape, height, aspect, text_scale):
    """The label 'axis 0: 2 depth' was cut at the figure's right edge: its anchor sat on the
    scene's edge and half its text beyond. Each label's anchor is inside the scene's ranges,
    with room beyond it, in the direction its text runs, for its text at ~0.55 em a
    character (drawn 1.4x larger in projector mode), at the scale the camera draws."""
    fig = tensor_cubes(np.zeros(shape), height=height, aspect=aspect, text_scale=text_scale)
    scene = fig.layout.scene
    (x0, x1), (y0, y1), (z0, z1) = scene.xaxis.range, scene.yaxis.range, scene.zaxis.range
    zoom = 0.45 / scene.camera.eye.x
    span = np.array([x1 - x0, y1 - y0, z1 - z0])
    longer = max(0.94 * span[0] + 0.34 * span[1], 0.92 * span[2] + 0.38 * span[1])
    px_per_unit = 0.85 * height * zoom / longer
    assert len(labels(fig)) == len(shape)
    for a in labels(fig):
        assert x0 <= a.x <= x1 and y0 <= a.y <= y1 and z0 <= a.z <= z1, a.text
        length = 0.55 * a.font.size * text_scale * len(re.sub("<[^>]+>", "", a.text))
        room = {"left": (x1 - a.x) * px_per_unit, "right": (a.x - x0) * px_per_unit,
                "center": 2 * min(x1 - a.x, a.x - x0) * px_per_unit}[a.xanchor]
        if a.textangle:                               # written upwards: its length is vertical
            room = 2 * min(z1 - a.z, a.z - z0) * px_per_unit
        assert room >= length, (a.text, room, length)

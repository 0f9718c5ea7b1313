"""lib/figures/common.py: the shared pictures, the one palette and the guarded fast build."""
import numpy as np
import plotly.graph_objects as go
import pytest

from lib.figures import common
from lib.figures.common import (BINARY, DIVERGING, as_ink, digit_heatmap, fast_figure,
                                label_counts_bar, upscale, values_grid)


def test_plotly_still_takes_the_private_flag_fast_figure_relies_on():
    """If this fails, a Plotly upgrade dropped `go.Figure(..., _validate=False)`: pages still
    work (fast_figure falls back to a validated build) but animations build ~40x slower."""
    assert common.SKIPS_VALIDATION


def test_fast_figure_gives_the_same_figure_as_a_validated_build():
    data = [dict(type="scatter", x=[0, 1], y=[2, 3], mode="markers")]
    layout = dict(title=dict(text="t"), height=200)
    frames = [dict(name="0", data=data)]
    fast, slow = fast_figure(data, layout, frames), go.Figure(data=data, layout=layout,
                                                              frames=frames)
    assert fast.to_plotly_json() == slow.to_plotly_json()
    go.Figure(fast.to_dict())                          # and it validates


def test_fast_figure_falls_back_when_plotly_drops_the_flag(monkeypatch):
    monkeypatch.setattr(common, "SKIPS_VALIDATION", False)
    fig = fast_figure([dict(type="bar", x=[1], y=[2])], dict(height=100))
    assert fig.data[0].type == "bar"


def test_one_signed_scale_negative_red_positive_blue():
    assert DIVERGING[0][1] == "#dc2626" and DIVERGING[-1][1] == "#2563eb"
    assert BINARY == [[0.0, "#ffffff"], [1.0, "#000000"]]


def test_upscale_and_ink():
    img = np.array([[0, 255], [128, 1]], np.uint8)
    big = upscale(img, 3)
    assert big.shape == (6, 6) and (big[:3, :3] == 0).all() and (big[3:, 3:] == 1).all()
    assert as_ink(img).tolist() == [[255, 0], [127, 254]]


def test_digit_heatmap_writes_every_value_when_asked():
    digit = np.arange(784).reshape(28, 28) % 256
    fig = digit_heatmap(digit, show_values=True)
    assert np.array_equal(np.asarray(fig.data[0].z), digit)
    assert fig.data[0].texttemplate == "%{text}"
    assert digit_heatmap(digit, show_values=False).data[0].text is None


@pytest.mark.parametrize("values", [np.array(5.0), np.arange(4), np.arange(6).reshape(2, 3)])
def test_values_grid_shows_every_value(values):
    fig = values_grid(values)
    z = np.asarray(fig.data[0].z)
    assert z.size == max(values.size, 1) and z.ndim == 2


def test_label_counts_bar_counts_each_digit():
    labels = np.array([0, 1, 1, 9, 9, 9])
    fig = label_counts_bar(labels)
    assert list(fig.data[0].y) == [1, 2, 0, 0, 0, 0, 0, 0, 0, 3]

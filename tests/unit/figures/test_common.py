"""lib/figures/common.py: the shared pictures, the one palette and the guarded fast build."""
import numpy as np
import plotly.graph_objects as go
import pytest

from lib.figures import common
from lib.figures.common import (BINARY, DIVERGING, as_ink, digit_heatmap, fast_figure,
                                frame_slider, label_counts_bar, play_args, player_buttons,
                                scaled_fonts, upscale, values_grid)


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


# ------------------------------------------------------------------ projector mode: scaled_fonts

def font_sizes(node, path="") -> dict:
    """{where: size} for every font size in a figure's plain dict."""
    found = {}
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                found[here] = value["size"]
            found.update(font_sizes(value, here))
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            found.update(font_sizes(item, f"{path}[{i}]"))
    return found


def as_list(size):
    return np.asarray(size, dtype=float).ravel().tolist()


def animated_figure() -> go.Figure:
    """A figure with every kind of text: title, axis titles and ticks, a legend, layout and
    frame annotations, heatmap cell numbers, a bar's labels, a text trace with one size per
    point (given as a NumPy array), slider and button labels, hover labels."""
    heat = go.Heatmap(z=[[1, 2], [3, 4]], text=[["1", "2"], ["3", "4"]], texttemplate="%{text}",
                      textfont=dict(size=16))
    words = go.Scatter(x=[0, 1], y=[0, 1], mode="text", text=["a", "b"],
                       textfont=dict(size=np.array([10.0, 20.0])))
    bars = go.Bar(x=[0, 1], y=[3, 4], text=[3, 4], textfont=dict(size=13),
                  hoverlabel=dict(font=dict(size=11)))
    fig = go.Figure([heat, words, bars], frames=[
        go.Frame(name="1", data=[heat, words.update(textfont=dict(size=[11, 21]))],
                 layout=dict(annotations=[dict(text="frame note", x=0, y=0,
                                               font=dict(size=15))]))])
    fig.update_layout(title=dict(text="A title", font=dict(size=18)), font=dict(size=14),
                      legend=dict(font=dict(size=12)), xaxis=dict(title="x", tickfont=dict(size=9)),
                      yaxis=dict(title=dict(text="y", font=dict(size=13))),
                      annotations=[dict(text="a note", x=0, y=0, font=dict(size=17)),
                                   dict(text="inherits", x=1, y=1)],
                      sliders=[frame_slider(["1"], redraw=True, labels=["one"], prefix="Step: ")],
                      updatemenus=[player_buttons(play_args(500))])
    return fig


def test_scaled_fonts_grows_every_font_in_the_figure_and_its_frames():
    fig = animated_figure()
    before = font_sizes(fig.to_dict())
    after = font_sizes(scaled_fonts(fig, 1.4).to_dict())
    for where in ("layout.font", "layout.title.font", "layout.legend.font",
                  "layout.xaxis.tickfont", "layout.yaxis.title.font",
                  "layout.annotations[0].font", "layout.sliders[0].currentvalue.font",
                  "data[0].textfont", "data[1].textfont", "data[2].textfont",
                  "data[2].hoverlabel.font", "frames[0].data[0].textfont",
                  "frames[0].data[1].textfont", "frames[0].layout.annotations[0].font"):
        assert where in before, where
    assert set(before) <= set(after)
    for where, size in before.items():
        assert as_list(after[where]) == pytest.approx([1.4 * s for s in as_list(size)]), where
    # an annotation without a size of its own inherits layout.font, which grew
    assert "layout.annotations[1].font" not in after


def test_scaled_fonts_gives_explicit_sizes_to_a_figure_that_sets_none():
    """Sizes left to the theme (Streamlit's, at a 16 px root) are written down, times 1.4:
    annotations, bar labels and text traces inherit layout.font, so they grow with it."""
    fig = go.Figure(go.Scatter(x=[0, 1], y=[1, 0], mode="lines+text", text=["a", "b"]))
    fig.update_layout(title="A title", xaxis_title="x", yaxis_title="y",
                      annotations=[dict(text="note", x=0, y=0)])
    assert not font_sizes(fig.to_dict())
    after = font_sizes(scaled_fonts(fig, 1.4).to_dict())
    expected = {"layout.font": 12, "layout.title.font": 16, "layout.legend.font": 12,
                "layout.hoverlabel.font": 12, "layout.xaxis.tickfont": 12,
                "layout.yaxis.tickfont": 12, "layout.xaxis.title.font": 14,
                "layout.yaxis.title.font": 14}
    assert after == pytest.approx({k: 1.4 * v for k, v in expected.items()})


def test_scaled_fonts_never_changes_the_figure_it_is_given():
    """The figure may be cached and drawn by every session (lru_cache, per-epoch memo)."""
    fig = animated_figure()
    before = fig.to_dict()
    scaled = scaled_fonts(fig, 1.4)
    scaled.to_dict(), scaled.to_dict()                     # each call scales a fresh copy
    assert font_sizes(fig.to_dict()) == font_sizes(before)
    assert fig.to_dict()["layout"] == before["layout"]
    assert font_sizes(scaled.to_dict()) == font_sizes(scaled.to_dict())    # never compounds


def test_scaled_fonts_at_one_is_the_figure_itself():
    fig = animated_figure()
    assert scaled_fonts(fig, 1) is fig


def test_scaled_fonts_is_what_plotly_serialises_and_it_validates():
    """st.plotly_chart and plotly.io.to_json both serialise fig.to_dict(): the scaled dict
    is what reaches the browser, and it is a valid figure."""
    import json

    import plotly.io as pio

    scaled = scaled_fonts(animated_figure(), 1.4)
    sent = json.loads(pio.to_json(scaled, validate=False))
    assert sent["layout"]["font"]["size"] == pytest.approx(19.6)
    assert sent["frames"][0]["layout"]["annotations"][0]["font"]["size"] == pytest.approx(21)
    go.Figure(scaled.to_dict())                                           # validates


@pytest.mark.parametrize("build", [
    lambda: digit_heatmap(np.arange(784).reshape(28, 28) % 256),
    lambda: values_grid(np.arange(6).reshape(2, 3), title="t"),
    lambda: label_counts_bar(np.array([0, 1, 1]), test_labels=np.array([2])),
])
def test_scaled_fonts_on_the_shared_builders(build):
    before, after = font_sizes(build().to_dict()), font_sizes(scaled_fonts(build(), 1.4).to_dict())
    assert after["layout.font"] == pytest.approx(1.4 * before["layout.font"])
    for where, size in before.items():
        assert as_list(after[where]) == pytest.approx([1.4 * s for s in as_list(size)]), where


def test_scaled_fonts_gives_the_larger_text_larger_margins():
    fig = digit_heatmap(np.zeros((28, 28), np.uint8), title="train_images[4]")
    margin = scaled_fonts(fig, 1.4).to_dict()["layout"]["margin"]
    assert (margin["l"], margin["r"], margin["t"], margin["b"]) == (14, 14, 92, 14)
    assert fig.layout.margin.t == 66                                    # the figure's own: as it was

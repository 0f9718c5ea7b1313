"""lib/figures/elementwise.py: the value grids and the race bars."""
import numpy as np

from lib.figures.elementwise import race_bars, value_grids
from lib.rules.race import RaceResult


def test_value_grids_share_one_scale_centred_on_zero():
    x = np.array([[-4.0, 2.0], [0.0, 1.0]])
    fig = value_grids([("x", x), ("relu", np.maximum(x, 0))], symbols=["→"])
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2
    assert {(h.zmin, h.zmax) for h in heatmaps} == {(-4.0, 4.0)}
    assert any(a.text == "<b>→</b>" for a in fig.layout.annotations)


def test_race_bars_show_both_times_and_the_speedup():
    fig = race_bars(RaceResult(0.5, 0.001, 1000, True))
    assert list(fig.data[0].x) == [0.5, 0.001]
    assert "500× faster" in fig.layout.title.text

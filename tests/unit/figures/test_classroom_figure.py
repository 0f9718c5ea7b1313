"""lib/figures/classroom.py: the class's loss chart, one line per student, coloured by a
setting. Built without Plotly's validation (like the live figures), so validated here."""
import plotly.graph_objects as go
import pytest

from lib.classroom.runs import RunRecord, colour_key, colour_keys
from lib.figures.classroom import EMPTY_TEXT, PALETTE, class_loss_figure, legend_style


def validated(fig) -> dict:
    return go.Figure(fig.to_dict()).to_dict()


def run(nickname, lr, losses, done=True, preset="book"):
    epochs = tuple((e, loss, 0.1 * e) for e, loss in enumerate(losses, start=1))
    return RunRecord(nickname.lower(), nickname, "r", {"learning_rate": lr, "preset": preset},
                     epochs, done)


RUNS = [run("Ann", 1e-3, [2.3, 2.2, 2.1]), run("Bob", 0.1, [0.9, 0.5]),
        run("Cy", 1e-3, [2.3, 2.25], done=False, preset="faster: lr 0.1"),
        run("Dee", 0.1, [0.8, 0.4, 0.3])]


def figure(runs, by):
    return validated(class_loss_figure(runs, [colour_key(r, by) for r in runs], by,
                                       colour_keys(runs, by)))


def test_one_line_per_student_with_its_losses():
    spec = figure(RUNS, "learning_rate")
    assert len(spec["data"]) == 4
    lines = {t["text"][0].split("<br>")[0]: t for t in spec["data"]}
    assert list(lines["Dee"]["y"]) == [0.8, 0.4, 0.3] and list(lines["Dee"]["x"]) == [1, 2, 3]
    assert "test accuracy 10.0%" in lines["Ann"]["text"][0]


def test_coloured_by_the_setting_with_one_legend_entry_per_value():
    spec = figure(RUNS, "learning_rate")
    colour = {t["text"][0].split("<br>")[0]: t["line"]["color"] for t in spec["data"]}
    assert colour["Ann"] == colour["Cy"] == PALETTE[0]             # 0.001 first
    assert colour["Bob"] == colour["Dee"] == PALETTE[1]
    legend = [t["name"] for t in spec["data"] if t["showlegend"]]
    assert legend == ["0.001", "0.1"]
    assert spec["layout"]["legend"]["title"]["text"] == "learning_rate"

    spec = figure(RUNS, "preset")
    colour = {t["text"][0].split("<br>")[0]: t["line"]["color"] for t in spec["data"]}
    assert colour["Ann"] == colour["Bob"] == colour["Dee"] != colour["Cy"]
    assert [t["name"] for t in spec["data"] if t["showlegend"]] == ["book", "faster: lr 0.1"]


def test_a_run_still_training_ends_in_an_open_marker():
    spec = figure(RUNS, "learning_rate")
    cy = next(t for t in spec["data"] if t["text"][0].startswith("Cy"))
    ann = next(t for t in spec["data"] if t["text"][0].startswith("Ann"))
    assert cy["marker"]["symbol"][-1] == "circle-open" and ann["marker"]["symbol"][-1] == "circle"


def test_a_nickname_is_text_not_markup_and_a_blow_up_turns_the_axis_log():
    runs = [run("<b>x</b>", 10.0, [2.3, 5000.0]), run("Ann", 1e-3, [2.3])]
    spec = figure(runs, "learning_rate")
    assert all("<b>x" not in text for t in spec["data"] for text in t["text"])
    assert "&lt;b&gt;x&lt;/b&gt;" in spec["data"][1]["text"][0]
    assert spec["layout"]["yaxis"]["type"] == "log"


def test_no_runs_says_so():
    spec = figure([], "learning_rate")
    assert spec["data"] == [] and spec["layout"]["annotations"][0]["text"] == EMPTY_TEXT
    spec = figure([run("Ann", 0.1, [])], "learning_rate")          # joined, no epoch yet
    assert spec["data"] == []


def test_more_values_than_colours_change_dash_and_one_entry_per_run_is_required():
    assert legend_style(len(PALETTE))["dash"] != legend_style(0)["dash"]
    with pytest.raises(ValueError):
        class_loss_figure(RUNS, ["a"], "x")


def test_on_a_projector_the_legend_and_its_title_grow_with_the_text():
    from lib.figures.common import scaled_fonts

    fig = class_loss_figure(RUNS, [colour_key(r, "preset") for r in RUNS], "preset")
    spec = scaled_fonts(fig, 1.4).to_dict()
    assert spec["layout"]["legend"]["title"]["font"]["size"] == pytest.approx(13 * 1.4)
    assert spec["layout"]["legend"]["font"]["size"] == pytest.approx(12 * 1.4)     # the entries

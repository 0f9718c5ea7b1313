"""The training run's marker (lib/ui/live.py run_marker): what bench/classroom.py reads instead
of the status sentence, parsed here with the bench's own reader (bench/stclient.py)."""
from __future__ import annotations

from bench.stclient import RUN_MARKER_ATTR, RunMarker, parse_run_marker
from tests.app.helpers import open_page


def markers(at) -> list[RunMarker]:
    bodies = [el.proto.body for el in at.get("html") if RUN_MARKER_ATTR in el.proto.body]
    return [parse_run_marker(body) for body in bodies]


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def test_the_marker_follows_a_run_from_idle_to_done():
    at = open_page("pages/train_naive.py")
    at.selectbox(key="naive_engine").set_value("numpy")
    at.select_slider(key="naive_size").set_value(1000)          # 8 batches of 128 per epoch
    at.number_input(key="naive_epochs").set_value(1).run()
    assert not at.exception, at.exception
    assert markers(at) == [RunMarker("idle", 0, 8, 0)]

    click(at, "naive_step")
    (marker,) = markers(at)
    assert (marker.batch, marker.batches, marker.samples) == (1, 8, 128)

    click(at, "naive_start")
    for _ in range(60):                                # each run trains one burst
        if markers(at)[0].status == "done":
            break
        at.run()
        assert not at.exception, at.exception
    assert markers(at) == [RunMarker("done", 8, 8, 1000)]  # the last batch holds 104 digits


def test_the_quick_start_shows_the_marker_too():
    at = open_page("pages/first_network.py")
    (marker,) = markers(at)
    assert marker.status == "idle" and marker.batch == 0 and marker.samples == 0

"""bench/stclient.py against a real `streamlit run` of a tiny app: the protocol the
classroom benchmark relies on. A Streamlit upgrade that changes it fails here first.

Nothing here depends on machine speed: every wait is for a condition, with a generous
deadline, and no test asserts a time.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

import pytest
import streamlit

from bench.stclient import (SCRIPT_FINISHED, ProtocolError, RunMarker, StreamlitClient,
                            parse_run_marker, widget_id_matches)
from deploy import launch

DEADLINE_S = 60        # generous: a loaded CI machine is slow, never wrong
TINY_APP = '''
import streamlit as st


def home():
    st.title("Tiny")
    if st.button("Press", key="press"):
        st.session_state["presses"] = st.session_state.get("presses", 0) + 1
    st.session_state["full_runs"] = st.session_state.get("full_runs", 0) + 1
    st.markdown(f"presses: {st.session_state.get('presses', 0)}")
    name = st.text_input("Name", key="name")
    st.markdown(f"hello {name or 'nobody'}")

    @st.fragment(run_every=0.2)
    def ticker():
        st.session_state["ticks"] = st.session_state.get("ticks", 0) + 1
        st.markdown(f"ticks: {st.session_state['ticks']}")
        ticks = st.session_state["ticks"]             # a run marker, as lib/ui/live.py draws it
        st.html(f'<span data-run-status="running" data-batch="{ticks}" data-batches="1000" '
                f'data-samples="{128 * ticks}" hidden></span>')
    ticker()
    st.markdown(f"full runs: {st.session_state['full_runs']}")


def other():
    st.markdown("the other page")


def calm():
    """A fragment with a button, and no ticker beside it: nothing else reruns meanwhile."""
    st.session_state["full_runs"] = st.session_state.get("full_runs", 0) + 1

    @st.fragment
    def local():
        if st.button("Local", key="local"):
            st.session_state["locals"] = st.session_state.get("locals", 0) + 1
        st.markdown(f"locals: {st.session_state.get('locals', 0)}")
    local()
    st.markdown(f"full runs: {st.session_state['full_runs']}")


st.navigation([st.Page(home, title="Home", url_path="home", default=True),
               st.Page(other, title="Other", url_path="other"),
               st.Page(calm, title="Calm", url_path="calm")]).run()
'''


@pytest.fixture(scope="module")
def tiny_app_url(tmp_path_factory):
    """`streamlit run` of TINY_APP on a free loopback port (deploy/launch.py)."""
    folder = tmp_path_factory.mktemp("tiny_app")
    (folder / "app.py").write_text(TINY_APP)
    server = launch.start(script="app.py", cwd=folder, log=folder / "streamlit.log")
    try:
        try:
            server.wait_healthy(timeout=DEADLINE_S)
        except launch.ServerFailed as failed:
            pytest.fail(f"streamlit did not start: {failed}")
        yield server.url
    finally:
        server.stop()


def run(coroutine):
    """asyncio.run in a thread of its own: the main thread may already hold a running loop
    (Playwright's sync API keeps one while a browser test session is open in this process,
    as under pytest-xdist, where test files share a worker in any order)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, DEADLINE_S * 2)).result()


def markdown_number(client: StreamlitClient, label: str) -> int:
    """N from the markdown 'label: N'."""
    for text in client.texts("markdown"):
        if text.startswith(f"{label}: "):
            return int(text.split(": ")[1])
    raise AssertionError(f"no {label!r} on the page: {client.texts()}")


async def _open(url: str) -> StreamlitClient:
    client = StreamlitClient(url, name="test")
    await client.connect()
    request = await client.open_page("", DEADLINE_S)     # the default page
    assert request.status == SCRIPT_FINISHED.FINISHED_SUCCESSFULLY
    return client


def test_initial_run_draws_the_page_and_lists_the_pages(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            assert client.session_id
            assert client.texts("heading") == ["Tiny"]
            assert markdown_number(client, "presses") == 0
            assert {"", "other"} <= set(client.pages)            # st.navigation's url paths
            assert client.find("press") is not None and client.find("name") is not None
            assert client.find("nonexistent") is None
            assert client.errors == []
        finally:
            await client.close()
    run(scenario())


def test_widget_ids_carry_the_user_key(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            widget_id = client.widget("press").widget_id
            assert widget_id_matches(widget_id, "press")
            assert not widget_id_matches(widget_id, "ress")
        finally:
            await client.close()
    run(scenario())


def test_a_button_pressed_by_key_reruns_the_script(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            request = await client.click("press")
            assert await client.wait_request(request, DEADLINE_S)
            assert request.status == SCRIPT_FINISHED.FINISHED_SUCCESSFULLY
            assert markdown_number(client, "presses") == 1
            # a trigger is sent once: the next rerun does not press it again
            await client.rerun_and_wait(timeout=DEADLINE_S)
            assert markdown_number(client, "presses") == 1
        finally:
            await client.close()
    run(scenario())


def test_typing_into_a_text_input_changes_the_output(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            request = await client.set_value("name", "Ada")
            assert await client.wait_request(request, DEADLINE_S)
            assert "hello Ada" in client.texts("markdown")
        finally:
            await client.close()
    run(scenario())


def test_a_button_inside_a_fragment_reruns_only_that_fragment(tiny_app_url):
    """On a page without a ticker: under stress-ng, with the home page's 0.2 s ticker
    fragment rerunning beside it, one click in a fresh-clone run went unanswered for 60 s
    (the ticker's interplay is the auto-rerun tests' business)."""
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            await client.open_page("calm", DEADLINE_S)
            fragment_id = client.widget("local").fragment_id
            assert fragment_id                                   # drawn by the fragment
            full_runs = markdown_number(client, "full runs")
            request = await client.click("local")
            assert request.fragment_id == fragment_id
            assert await client.wait_request(request, DEADLINE_S)
            assert request.status == SCRIPT_FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            assert fragment_id in client.runs[request.run_id].fragment_ids
            assert markdown_number(client, "locals") == 1
            assert markdown_number(client, "full runs") == full_runs   # the script did not run
        finally:
            await client.close()
    run(scenario())


def test_the_fragment_auto_reruns_itself_like_the_browser(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            assert len(client.timers) == 1                       # one auto_rerun message
            (fragment_id, timer), = client.timers.items()
            assert timer.interval == pytest.approx(0.2)
            start = markdown_number(client, "ticks")

            def fragment_runs(c):
                return [r for r in c.runs.values() if fragment_id in r.fragment_ids
                        and r.status == SCRIPT_FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY]
            # the count is drawn during a run, before its script_finished: wait for both
            assert await client.wait_for(
                lambda c: markdown_number(c, "ticks") >= start + 3 and len(fragment_runs(c)) >= 3,
                DEADLINE_S)
            assert client.stats.auto_reruns_sent[fragment_id] >= 3
            assert client.errors == []
        finally:
            await client.close()
        assert client.timers == {}                               # closing stops the timers
    run(scenario())


def test_the_run_marker_arrives_as_drawn_and_follows_its_fragment(tiny_app_url):
    """st.html's body reaches the client untouched; the marker drawn by a fragment is found,
    with that fragment's id, and a newer drawing replaces it."""
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            (fragment_id,) = client.timers
            assert client.run_marker_node().fragment_id == fragment_id
            start = client.run_marker().batch
            assert await client.wait_for(lambda c: c.run_marker().batch >= start + 2, DEADLINE_S)
            marker = client.run_marker()
            assert marker == RunMarker("running", marker.batch, 1000, 128 * marker.batch)
            await client.open_page("other", DEADLINE_S)
            assert client.run_marker() is None and client.run_marker_node() is None
        finally:
            await client.close()
    run(scenario())


def test_a_marker_is_read_from_its_attributes_only():
    assert parse_run_marker('<span data-run-status="done" data-batch="8" data-batches="8" '
                            'data-samples="1000" hidden></span>') == RunMarker("done", 8, 8, 1000)
    assert parse_run_marker('<span data-run-status="idle" hidden></span>') == RunMarker(
        "idle", 0, 0, 0)
    assert parse_run_marker("<p>batch 3 of 10 **done**</p>") is None


def test_switching_page_cancels_the_timers_and_draws_the_other_page(tiny_app_url):
    async def scenario():
        client = await _open(tiny_app_url)
        try:
            assert client.timers
            await client.open_page("other", DEADLINE_S)
            assert client.texts("markdown") == ["the other page"]
            assert client.timers == {}
            assert client.find("press") is None
        finally:
            await client.close()
    run(scenario())


def test_an_unknown_page_is_reported(tiny_app_url):
    async def scenario():
        client = StreamlitClient(tiny_app_url, name="test")
        await client.connect()
        try:
            with pytest.raises(ProtocolError, match="page not found"):
                await client.open_page("no_such_page", DEADLINE_S)
        finally:
            await client.close()
    run(scenario())


def test_the_shipped_frontend_schedules_auto_reruns_as_we_mirror_it():
    """bench/stclient.py copies the auto-rerun rules of the frontend bundled in the wheel:
    one setInterval per fragment, kept when the interval is unchanged, cleared by
    stop_auto_rerun and by a full-app run's new_session. If this fails, read the new
    App.tsx (handleAutoRerun, handleNewSession) and update StreamlitClient."""
    bundle_dir = Path(streamlit.__file__).parent / "static" / "static" / "js"
    source = next((p.read_text(errors="replace") for p in sorted(bundle_dir.glob("index.*.js"))
                   if "handleAutoRerun" in p.read_text(errors="replace")), None)
    assert source is not None, "no handleAutoRerun in the shipped frontend"
    handler = re.search(r"handleAutoRerun=.{0,400}", source).group(0)
    assert "setInterval(" in handler and "sendUpdateWidgetsMessage(" in handler
    assert ".interval===" in handler                     # same interval: timer kept
    assert re.search(r"handleStopAutoRerun=.{0,120}clearAutoRerunInterval", source)
    new_session = re.search(r"handleNewSession=.{0,800}", source).group(0)
    assert "cleanupAutoReruns()" in new_session          # a full-app run clears them all

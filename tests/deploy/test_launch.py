"""deploy/launch.py, the one way to start a server: its command line and environment, and
against a fake HTTP server (a few lines of Python in a child process): it waits for health,
says clearly why a server did not start (with its log's tail), and stops a server with
everything it started. A real `streamlit run` goes through it in tests/bench/test_stclient.py
and tests/browser/conftest.py."""
from __future__ import annotations

import sys

import pytest

from deploy import launch
from tests.waiting import wait_until

FAKE_SERVER = '''
import http.server, os, signal, subprocess, sys, time
mode, port = sys.argv[1], int(sys.argv[2])
print("fake server, MNIST_SOURCE=" + os.environ.get("MNIST_SOURCE", "-"), flush=True)
if mode == "die":
    print("boom: the app could not start", flush=True)
    sys.exit(3)
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
print(f"child {child.pid}", flush=True)
if mode in ("silent", "stubborn"):
    time.sleep(300)


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


time.sleep(0.3)                       # not healthy at once: the caller has to wait
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
'''


@pytest.fixture
def fake(tmp_path):
    """start(mode): the fake server through launch.start, its log in tmp_path; every one
    started is stopped at the end."""
    script = tmp_path / "fake_server.py"
    script.write_text(FAKE_SERVER)
    started: list[launch.Server] = []

    def start(mode: str, **kwargs) -> launch.Server:
        port = launch.free_port()
        kwargs.setdefault("log", tmp_path / f"{mode}.log")
        server = launch.start(port, command=[sys.executable, str(script), mode, str(port)],
                              **kwargs)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop(timeout=2)


def gone(pid: int) -> bool:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def child_pid(server: launch.Server) -> int:
    assert wait_until(lambda: "child " in server.log.read_text()), server.log.read_text()
    return int(server.log.read_text().split("child ")[1].split()[0])


def test_the_command_line_is_headless_on_the_port_with_no_watcher_and_no_statistics():
    cmd = launch.streamlit_command(8765, extra_args=["--server.disconnectedSessionTTL=5"])
    assert cmd[:5] == [sys.executable, "-m", "streamlit", "run", "streamlit_app.py"]
    assert set(cmd[5:-1]) == {"--server.port=8765", "--server.address=127.0.0.1",
                              "--server.headless=true", "--server.fileWatcherType=none",
                              "--browser.gatherUsageStats=false"}
    assert cmd[-1] == "--server.disconnectedSessionTTL=5"
    assert launch.streamlit_command(1, script="app.py", host="0.0.0.0")[4:7] == [
        "app.py", "--server.port=1", "--server.address=0.0.0.0"]


def test_the_environment_is_ours_unbuffered_plus_the_extras():
    env = launch.server_env({"PATH": "/bin", "MNIST_SOURCE": "keras"}, MNIST_SOURCE="sample",
                            TENSORLAB_CORES="1")
    assert env == {"PATH": "/bin", "PYTHONUNBUFFERED": "1", "MNIST_SOURCE": "sample",
                   "TENSORLAB_CORES": "1", "MALLOC_ARENA_MAX": "2"}
    assert launch.server_env({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"   # the operator's


def test_free_ports_are_distinct_and_avoid_the_excluded():
    taken = launch.free_port()
    ports = launch.free_ports(5, exclude={taken})
    assert len(set(ports)) == 5 and taken not in ports


def test_serving_waits_for_health_then_stops_the_server_and_its_children(tmp_path):
    script = tmp_path / "fake_server.py"
    script.write_text(FAKE_SERVER)
    port = launch.free_port()
    log = tmp_path / "serving.log"
    with launch.serving(port, command=[sys.executable, str(script), "serve", str(port)],
                        log=log, extra_env={"MNIST_SOURCE": "sample"}, timeout=60) as server:
        assert server.healthy()                              # no polling needed any more
        assert server.url == f"http://127.0.0.1:{port}"
        assert "MNIST_SOURCE=sample" in log.read_text()
        pid, grandchild = server.pid, child_pid(server)
    assert server.proc.returncode is not None and gone(pid)
    assert wait_until(lambda: gone(grandchild)), "the server's own child outlived it"
    assert not server.healthy()


def test_a_server_that_dies_while_starting_is_a_clear_error_with_its_log(fake):
    server = fake("die")
    with pytest.raises(launch.ServerFailed) as failed:
        server.wait_healthy(timeout=60)
    message = str(failed.value)
    assert f"port {server.port}" in message and "exited with code 3 while starting" in message
    assert str(server.log) in message and "| boom: the app could not start" in message
    assert server.proc.returncode == 3                       # reaped: nothing left running


def test_a_server_that_never_answers_times_out_with_its_log(fake):
    server = fake("silent")
    with pytest.raises(launch.ServerFailed, match=r"did not answer /_stcore/health within 1 s"
                                                  r"(.|\n)*\| child \d+"):
        server.wait_healthy(timeout=1)
    assert server.proc.returncode is None                    # left running for the caller ...
    grandchild = child_pid(server)
    assert server.stop(timeout=5) is not None                # ... who stops it
    assert gone(server.pid) and wait_until(lambda: gone(grandchild))


def test_stop_kills_a_server_that_ignores_sigterm(fake):
    server = fake("stubborn")
    child_pid(server)                                        # its SIGTERM handler is set
    assert server.stop(timeout=0.5) == -9
    assert gone(server.pid)


def test_a_temporary_log_goes_with_the_server(fake):
    server = fake("die", log=None)
    with pytest.raises(launch.ServerFailed, match="boom"):  # the tail was read before
        server.wait_healthy(timeout=60)
    assert server.log.exists()
    server.stop()
    assert not server.log.exists()

"""deploy/serve.py and deploy/haproxy.cfg: replicas behind HAProxy, sticky, health-checked,
and no process left behind.

These tests need Debian's `haproxy` (apt-get install haproxy): without it they are skipped
with a reason, unless REQUIRE_HAPROXY=1 (CI), which turns the skip into a failure. Every
wait has a deadline and retries until its condition holds: nothing sleeps then asserts.
One launcher (2 replicas) serves the module; the tests that stop or refuse a launcher start
their own.
"""
from __future__ import annotations

import csv
import http.client
import importlib.util
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from deploy import launch

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "serve.py"
TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
START_DEADLINE = 180.0       # two Streamlit replicas + HAProxy on a loaded 2-core machine
TOKEN_VAR = "TENSORLAB_SERVE_TEST"

_spec = importlib.util.spec_from_file_location("tensorlab_serve", SERVE)
serve = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = serve           # dataclasses look their module up there
_spec.loader.exec_module(serve)


def _skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_HAPROXY") == "1":
        pytest.fail(f"REQUIRE_HAPROXY=1 but {reason}")
    pytest.skip(reason)


def _need_haproxy() -> str:
    path = serve.find_haproxy(None)
    if path is None:
        _skip_or_fail("haproxy is not installed (apt-get install haproxy)")
    return path


def _psutil():
    try:
        import psutil
    except ImportError:
        _skip_or_fail("psutil is not installed (pip install -r requirements-dev.txt)")
    return psutil


def wait_for(condition, timeout: float, what: str, every: float = 0.2):
    """Call condition() until it returns something truthy; fail with `what` after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def get_health(port: int, cookie: str | None = None) -> tuple[int | None, str | None, str | None]:
    """GET /_stcore/health through HAProxy: (status, X-Replica, SERVERID set by the response)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", "/_stcore/health", headers={"Cookie": f"SERVERID={cookie}"} if cookie else {})
        r = conn.getresponse()
        r.read()
        cookies = " ".join(r.headers.get_all("Set-Cookie") or [])
        m = re.search(r"SERVERID=(\w+)", cookies)
        return r.status, r.headers.get("X-Replica"), m.group(1) if m else None
    except (OSError, http.client.HTTPException):
        return None, None, None
    finally:
        conn.close()


def alive(proc) -> bool:
    """A process that still runs (a zombie waiting for its parent to reap it does not)."""
    psutil = _psutil()
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def command_line(proc) -> str:
    """A process's command line, "" once it has gone: a process listed a moment ago (e.g. the
    launcher's short-lived `haproxy -c` check) may exit before it is read (CI: NoSuchProcess
    in test_sigterm_while_replicas_start_leaves_no_orphan)."""
    psutil = _psutil()
    try:
        return " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
        return ""


def tagged(token: str) -> list:
    """Every live process started with our token in its environment, orphans included."""
    psutil = _psutil()
    found = []
    for p in psutil.process_iter():
        try:
            if p.environ().get(TOKEN_VAR) == token and alive(p):
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
            pass
    return found


class Launcher:
    """`python deploy/serve.py` as a child of the test (started by deploy/launch.py, which
    checks its health through HAProxy), its output in a file."""

    def __init__(self, run_dir: Path, *args: str, port: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = port or launch.free_port()
        self.token = uuid.uuid4().hex
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.out_path = run_dir / "serve.out"
        cmd = [sys.executable, str(SERVE), "--port", str(self.port), "--run-dir", str(run_dir / "run"), *args]
        self.server = launch.start(self.port, command=cmd, log=self.out_path,
                                   extra_env={"MNIST_SOURCE": "sample", TOKEN_VAR: self.token,
                                              **(env or {})})
        self.proc = self.server.proc

    def output(self) -> str:
        return self.out_path.read_text(errors="replace")

    def replica_pids(self) -> dict[str, int]:
        """name -> pid, from the table the launcher prints and its 'is back' lines."""
        text = self.output()
        pids = {name: int(pid) for name, _, pid in re.findall(r"^\s+(r\d+)\s+(\d+)\s+(\d+)\s", text, re.M)}
        pids.update({name: int(pid) for name, pid in re.findall(r"replica (r\d+) is back on port \d+ \(pid (\d+)", text)})
        return pids

    def wait_ready(self) -> None:
        """Until /_stcore/health answers through HAProxy and the table is printed."""
        try:
            self.server.wait_healthy(START_DEADLINE)
        except launch.ServerFailed as failed:
            pytest.fail(f"serve.py did not start: {failed}")
        wait_for(lambda: "Ctrl-C stops" in self.output(), 30, "serve.py to print its table")

    def stat(self) -> dict[str, str]:
        """HAProxy's status of each server (UP, DOWN, ...) from its stats socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.run_dir / "run" / "haproxy.sock"))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "replicas"}

    def close(self) -> None:
        """Whatever state it is in: continue it, SIGTERM it, then make sure nothing is left."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in tagged(self.token):              # never leave a process behind, even on failure
            p.kill()


# ---------------------------------------------------------------- no server needed

@pytest.mark.parametrize("replicas, cores, share", [(1, 2, "2"), (2, 2, "1"), (3, 2, "1"),
                                                    (2, 8, "4"), (3, 8, "2")])
def test_each_replica_plans_for_its_share_of_the_cores(replicas, cores, share):
    env = serve.replica_env({"MNIST_SOURCE": "sample"}, replicas, cores)
    assert env["TENSORLAB_CORES"] == share and env["MNIST_SOURCE"] == "sample"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert serve.replica_env({"TENSORLAB_CORES": "3"}, 2, 2)["TENSORLAB_CORES"] == "3"  # set by hand


def test_template_and_generated_config_pass_haproxy_check(tmp_path):
    haproxy = _need_haproxy()
    ok, said = serve.check_config(haproxy, TEMPLATE)
    assert ok, f"deploy/haproxy.cfg as shipped (for use by hand):\n{said}"

    servers = [("r1", "127.0.0.1", 40001), ("r2", "127.0.0.1", 40002), ("r3", "192.0.2.10", 8501)]
    text = serve.render_config(TEMPLATE.read_text(), "0.0.0.0:8601", servers, tmp_path / "h.sock")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    ok, said = serve.check_config(haproxy, cfg)
    assert ok, said
    assert re.findall(r"^\s*server .*$", text, re.M) == [
        "    server r1 127.0.0.1:40001 cookie r1",
        "    server r2 127.0.0.1:40002 cookie r2",
        "    server r3 192.0.2.10:8501 cookie r3"]
    assert re.findall(r"^\s*bind .*$", text, re.M) == ["    bind 0.0.0.0:8601"]
    for line in ("mode http", "timeout tunnel 1h", "cookie SERVERID insert indirect nocache",
                 "option httpchk GET /_stcore/health", "http-check expect status 200",
                 "default-server check inter 2s fall 2 rise 2 maxconn 200", "option redispatch",
                 "balance leastconn", f"stats socket {tmp_path / 'h.sock'}"):
        assert line in text


@pytest.mark.parametrize("args, message", [
    (["--replicas", "0"], "argument --replicas: must be between 1 and 64, got 0"),
    (["--replicas", "65"], "argument --replicas: must be between 1 and 64, got 65"),
    (["--replicas", "two"], "argument --replicas: must be a whole number, got 'two'"),
    (["--port", "0"], "argument --port: must be between 1 and 65535, got 0"),
    (["--port", "65536"], "argument --port: must be between 1 and 65535, got 65536"),
    (["--haproxy", "/nonexistent/haproxy"], "haproxy not found at /nonexistent/haproxy"),
])
def test_bad_arguments_are_refused_before_anything_starts(args, message):
    r = subprocess.run([sys.executable, str(SERVE), *args], cwd=ROOT, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0
    assert message in r.stderr
    assert r.stdout == ""


def test_port_in_use_is_refused_with_one_line_and_no_child(tmp_path):
    _need_haproxy()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        launcher = Launcher(tmp_path, "--replicas", "2", port=port)
        try:
            assert launcher.proc.wait(timeout=60) == 1
            said = launcher.output().strip()
            assert said == (f"serve: port {port} on 127.0.0.1 is already in use: "
                            "stop what listens there or pick another --port")
            assert tagged(launcher.token) == []
            assert not (tmp_path / "run" / "r1.log").exists()      # no replica was ever started
        finally:
            launcher.close()


# ---------------------------------------------------------------- one launcher for the module

@pytest.fixture(scope="module")
def launchers(tmp_path_factory):
    started: list[Launcher] = []
    yield started
    for launcher in started:
        launcher.close()


@pytest.fixture
def lab(launchers, tmp_path_factory) -> Launcher:
    """A running launcher with 2 replicas, shared by the module's tests; a new one only if a
    test before has stopped it."""
    _need_haproxy()
    _psutil()
    if not launchers or launchers[-1].proc.poll() is not None:
        launcher = Launcher(tmp_path_factory.mktemp("lab"), "--replicas", "2")
        launchers.append(launcher)
        launcher.wait_ready()
    return launchers[-1]


def test_health_through_haproxy_sets_the_sticky_cookie(lab):
    status, replica, cookie = get_health(lab.port)
    assert status == 200
    assert cookie in ("r1", "r2")
    assert replica == cookie


def test_same_cookie_same_replica_and_new_browsers_are_spread(lab):
    for name in ("r1", "r2"):
        for _ in range(5):
            status, replica, cookie = get_health(lab.port, cookie=name)
            assert (status, replica) == (200, name)
            assert cookie is None                   # a valid cookie is not set again
    seen = set()
    wait_for(lambda: seen.add(get_health(lab.port)[1]) or seen >= {"r1", "r2"}, 30,
             "browsers without a cookie to reach both replicas", every=0.05)


def test_websocket_upgrade_through_haproxy(lab):
    """The handshake a browser makes for /_stcore/stream succeeds on the cookie's replica."""
    request = ("GET /_stcore/stream HTTP/1.1\r\n"
               f"Host: 127.0.0.1:{lab.port}\r\n"
               f"Origin: http://127.0.0.1:{lab.port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: streamlit\r\n"
               "Cookie: SERVERID=r2\r\n\r\n")
    with socket.create_connection(("127.0.0.1", lab.port), timeout=15) as s:
        s.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            assert chunk, f"connection closed during the handshake: {head!r}"
            head += chunk
    head = head.decode(errors="replace").lower()
    assert head.startswith("http/1.1 101"), head
    assert "x-replica: r2" in head


def test_killed_replica_is_routed_around_and_restarted(lab):
    """SIGKILL r1: its cookie lands on r2 (redispatch), HAProxy marks r1 DOWN, the launcher
    logs it and restarts it, and r1 serves its cookie again; r2 is untouched."""
    psutil = _psutil()
    pids = lab.replica_pids()
    r1 = psutil.Process(pids["r1"])
    assert r1.ppid() == lab.proc.pid and "streamlit" in " ".join(r1.cmdline())
    # Hold the launcher still, so that HAProxy's part is seen before the restart.
    lab.proc.send_signal(signal.SIGSTOP)
    try:
        r1.kill()
        wait_for(lambda: get_health(lab.port, cookie="r1") == (200, "r2", "r2"), 30,
                 "a request with r1's cookie to be answered by r2, which sets its own cookie")
        wait_for(lambda: lab.stat().get("r1", "").startswith("DOWN"), 30,
                 "HAProxy's health check to mark r1 DOWN")
        assert all(get_health(lab.port)[1] == "r2" for _ in range(4))
    finally:
        lab.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: re.search(rf"replica r1 \(port \d+, pid {r1.pid}\) exited with code -9", lab.output()),
             30, "the launcher to log r1's death")
    wait_for(lambda: "replica r1 is back" in lab.output(), START_DEADLINE, "the launcher to restart r1")
    wait_for(lambda: get_health(lab.port, cookie="r1")[1] == "r1", 60,
             "HAProxy to put the restarted r1 back in rotation")
    assert lab.replica_pids()["r1"] != r1.pid
    assert lab.replica_pids()["r2"] == pids["r2"] and alive(psutil.Process(pids["r2"]))


def test_sigterm_stops_haproxy_and_every_replica(lab):
    """Runs last on the shared launcher (a later test would get a fresh one)."""
    psutil = _psutil()
    children = psutil.Process(lab.proc.pid).children(recursive=True)
    names = [" ".join(p.cmdline()) for p in children]
    assert sum("streamlit run" in n for n in names) == 2, names
    assert sum("haproxy" in n for n in names) >= 2, names        # master and worker
    lab.proc.terminate()
    assert lab.proc.wait(timeout=60) == 0
    survivors = [p for p in children if alive(p)] + tagged(lab.token)
    assert survivors == [], [command_line(p) for p in survivors]
    assert "stopped on SIGTERM" in lab.output()


# ---------------------------------------------------------------- launchers of their own

def test_sigterm_while_replicas_start_leaves_no_orphan(tmp_path):
    """Replicas held in their start-up (a sitecustomize that sleeps in each `streamlit run`),
    then SIGTERM to the launcher: it exits 0 and every replica is gone."""
    _need_haproxy()
    _psutil()
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(
        "import sys, time\nif 'streamlit_app.py' in sys.argv:\n    time.sleep(120)\n")
    pythonpath = os.pathsep.join(filter(None, [str(slow), os.environ.get("PYTHONPATH")]))
    launcher = Launcher(tmp_path, "--replicas", "2", env={"PYTHONPATH": pythonpath})
    try:
        wait_for(lambda: sum("streamlit_app.py" in command_line(p)
                             for p in tagged(launcher.token)) == 2, 60, "both replica processes to exist")
        assert "ready" not in launcher.output()
        launcher.proc.terminate()
        assert launcher.proc.wait(timeout=60) == 0
        wait_for(lambda: tagged(launcher.token) == [], 10, "no process of this launcher to be left")
        assert "stopped on SIGTERM" in launcher.output()
    finally:
        launcher.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_sigkill_of_the_launcher_takes_its_children_along(tmp_path):
    """The second safety net: children die with the launcher even when it cannot clean up."""
    _need_haproxy()
    psutil = _psutil()
    launcher = Launcher(tmp_path, "--replicas", "1")
    try:
        launcher.wait_ready()
        children = psutil.Process(launcher.proc.pid).children(recursive=True)
        assert len(children) >= 3                                  # a replica, HAProxy master + worker
        launcher.proc.kill()
        launcher.proc.wait(timeout=30)
        wait_for(lambda: not any(alive(p) for p in children) and tagged(launcher.token) == [], 30,
                 "the replica and HAProxy to die with the launcher")
    finally:
        launcher.close()


# ---------------------------------------------------------------- a student's view of a crash

def test_a_student_whose_replica_dies_mid_run_is_told_the_run_is_lost(tmp_path, browser):
    """Chromium through HAProxy: a run in progress on "Train the naive network", then its
    replica is SIGKILLed. Streamlit's frontend reconnects, HAProxy sends it to a live
    replica, the page runs there in a fresh session and says plainly that the run is lost."""
    _need_haproxy()
    psutil = _psutil()
    from lib.ui.live import NAIVE_RUN, RUN_LOST
    from tests.browser.helpers import open_app_page
    from playwright.sync_api import expect

    launcher = Launcher(tmp_path, "--replicas", "2")
    context = None
    try:
        launcher.wait_ready()
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        page = context.new_page()
        page.set_default_timeout(60_000)
        # eager, batch 16, 50 epochs: a run of minutes, so it is running when killed
        open_app_page(page, f"http://127.0.0.1:{launcher.port}",
                      "train_naive?naive_engine=eager&naive_batch=16&naive_epochs=50")
        # by its role: an st.button or a form's submit button alike
        page.get_by_role("button", name=re.compile("Start")).first.click()
        expect(page).to_have_url(re.compile(rf"[?&]{NAIVE_RUN}=1"))
        # the run marker beside the status line (lib/ui/live.py): a batch trained; the
        # replica may still be importing TensorFlow, hence the long wait
        expect(page.locator("[data-run-status]").first).to_have_attribute(
            "data-batch", re.compile(r"^[1-9]\d*$"), timeout=90_000)
        name = next(c["value"] for c in page.context.cookies() if c["name"] == "SERVERID")
        victim = psutil.Process(launcher.replica_pids()[name])
        victim.kill()
        expect(page.get_by_text(RUN_LOST.split(" (")[0])).to_be_visible(timeout=90_000)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        if context is not None:
            context.close()
        launcher.close()

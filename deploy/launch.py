"""Start `streamlit run` on a free loopback port, wait until it answers /_stcore/health, stop it.

The one way to start a server, for the tests (tests/browser, tests/bench), the benchmarks
(bench/) and the course launcher (deploy/serve.py):

    with launch.serving(extra_env={"MNIST_SOURCE": "sample"}, log=tmp / "server.log") as server:
        ...  server.url, server.pid ...

or, when the caller watches the process itself (deploy/serve.py restarts dead replicas):

    server = launch.start(port=port, log=path, log_mode="a", die_with_parent=True)
    server.exited(), server.healthy(), server.reap(), launch.stop([server.proc], timeout)

Standard library only (no streamlit, no TensorFlow): a launcher or a test runner that imports
it stays small, and it does not depend on where lib/ keeps its modules.

Every server runs in its own process group (session): stopping it stops whatever it started,
and a Ctrl-C on the caller's terminal reaches the caller only, who stops the server.
"""
from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent       # streamlit_app.py and .streamlit/ live here
HEALTH_PATH = "/_stcore/health"
LOOPBACK = "127.0.0.1"
HEAP_ARENAS = 2          # glibc malloc arenas of a server (lib/core/server.py HEAP_ARENAS)


class ServerFailed(RuntimeError):
    """The server exited while starting, or did not answer in time; the message ends with
    the tail of its log."""


# ---------------------------------------------------------------- ports, command, environment

def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on right now (the OS picks it)."""
    return free_ports(1, host=host)[0]


def free_ports(count: int, exclude: Iterable[int] = (), host: str = LOOPBACK) -> list[int]:
    """`count` distinct free ports, none of them in `exclude`."""
    exclude = set(exclude)
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            s = socket.socket()
            s.bind((host, 0))
            held.append(s)                         # keep it bound so the next pick differs
            port = s.getsockname()[1]
            if port not in exclude:
                ports.append(port)
    finally:
        for s in held:
            s.close()
    return ports


def streamlit_command(port: int, script: str = "streamlit_app.py", host: str = LOOPBACK,
                      extra_args: Iterable[str] = ()) -> list[str]:
    """`python -m streamlit run script` headless on host:port, no usage statistics, no file
    watcher (a virtual environment inside the project overflows inotify), then extra_args
    (e.g. "--server.disconnectedSessionTTL=5")."""
    return [sys.executable, "-m", "streamlit", "run", script,
            f"--server.port={port}", f"--server.address={host}",
            "--server.headless=true", "--server.fileWatcherType=none",
            "--browser.gatherUsageStats=false", *extra_args]


def server_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The server's environment: glibc's malloc arenas capped at 2 unless `base` says
    otherwise (lib/core/server.py `limit_heap_arenas`: set at process start it holds for every
    thread, memory that does not creep class after class), `base` (default: ours),
    unbuffered output so the log is current, then `extra` (MNIST_SOURCE="sample", ...)."""
    return {"MALLOC_ARENA_MAX": str(HEAP_ARENAS), **(os.environ if base is None else base),
            "PYTHONUNBUFFERED": "1", **extra}


# ---------------------------------------------------------------- processes

_LIBC = None
if sys.platform.startswith("linux"):
    try:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    except OSError:
        _LIBC = None
PR_SET_PDEATHSIG = 1


def _die_with(parent: int):
    """preexec_fn: SIGKILL this child when its parent dies, even by SIGKILL (Linux)."""
    def setup() -> None:
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != parent:        # the parent died before prctl took effect
                os._exit(1)
    return setup


def spawn(cmd: list[str], stdout=None, stderr=None, env: dict[str, str] | None = None,
          cwd: Path | str = ROOT, die_with_parent: bool = False) -> subprocess.Popen:
    """Start a child in its own process group (session).

    die_with_parent (Linux): the child gets PR_SET_PDEATHSIG=SIGKILL, so even a SIGKILLed
    parent takes it along. It fires when the creating *thread* exits: only for a caller that
    spawns from its main thread and has no other (deploy/serve.py), which also keeps
    preexec_fn safe."""
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, start_new_session=True,
                            preexec_fn=_die_with(os.getpid()) if die_with_parent else None)


def has_exited(proc: subprocess.Popen) -> bool:
    """Whether the child has exited, WITHOUT reaping it: while it is a zombie its process
    group id cannot be reused, so `reap` may still signal what is left of its group."""
    if proc.returncode is not None:
        return True
    if not hasattr(os, "waitid"):             # not on every Unix: then poll, which reaps
        return proc.poll() is not None
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    if proc.returncode is not None:           # reaped: its group id may belong to someone else now
        return
    try:
        os.killpg(proc.pid, sig)              # start_new_session: group id == the child's pid
    except (ProcessLookupError, PermissionError):
        pass


def reap(proc: subprocess.Popen) -> int:
    """Kill whatever is left of an exited child's group, then collect its exit code."""
    _signal_group(proc, signal.SIGKILL)
    return proc.wait()


def stop(procs: list[subprocess.Popen], timeout: float,
         hurry: Callable[[], bool] = lambda: False) -> None:
    """SIGTERM each child's group, SIGKILL the groups still alive after `timeout` s (or as
    soon as hurry() says so), then reap them all."""
    procs = [p for p in procs if p.returncode is None]
    for p in procs:
        _signal_group(p, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(not has_exited(p) for p in procs) and time.monotonic() < deadline and not hurry():
        time.sleep(0.05)
    for p in procs:
        if not has_exited(p):
            _signal_group(p, signal.SIGKILL)
    for p in procs:
        reap(p)


# ---------------------------------------------------------------- health

def healthy(host: str, port: int, timeout: float = 1.0, path: str = HEALTH_PATH) -> bool:
    """GET /_stcore/health answers 200. http.client, so no proxy setting of the environment
    (http_proxy, ...) sends a loopback request elsewhere."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def log_tail(path: Path | None, lines: int = 15) -> str:
    """The last lines of a log, each on its own indented line after a newline ("" if none)."""
    if path is None:
        return ""
    try:
        text = Path(path).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "".join("\n    | " + line for line in text[-lines:])


# ---------------------------------------------------------------- one server

@dataclass
class Server:
    """A started `streamlit run` (or any HTTP server answering `health_path`)."""
    proc: subprocess.Popen
    port: int
    log: Path | None
    host: str = LOOPBACK
    started: float = field(default_factory=time.monotonic)
    health_path: str = HEALTH_PATH
    owns_log: bool = False               # a temporary log, deleted by stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exited(self) -> bool:
        """The process has exited (not reaped: see has_exited)."""
        return has_exited(self.proc)

    def healthy(self, timeout: float = 1.0) -> bool:
        return healthy(self.host, self.port, timeout, self.health_path)

    def reap(self) -> int:
        return reap(self.proc)

    def tail(self, lines: int = 15) -> str:
        return log_tail(self.log, lines)

    def wait_healthy(self, timeout: float = 90.0, poll: float = 0.2) -> float:
        """Until the server answers its health check; returns the seconds since its start.
        Raises ServerFailed, with the log's tail, when the process exits first or `timeout`
        s pass (the process is then left running: stop() it)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.exited():
                code = self.reap()
                raise ServerFailed(f"{self.describe()} exited with code {code} while starting"
                                   f"{self._log_says()}")
            if self.healthy():
                return time.monotonic() - self.started
            if time.monotonic() > deadline:
                raise ServerFailed(f"{self.describe()} did not answer {self.health_path} within "
                                   f"{timeout:.0f} s{self._log_says()}")
            time.sleep(poll)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM its process group, SIGKILL after `timeout` s; returns the exit code.
        A temporary log goes too."""
        stop([self.proc], timeout)
        if self.owns_log and self.log is not None:
            with contextlib.suppress(OSError):
                self.log.unlink()
        return self.proc.returncode

    def describe(self) -> str:
        return f"the server on port {self.port} (pid {self.pid})"

    def _log_says(self) -> str:
        if self.log is None:
            return " (no log)"
        return f"; its log {self.log} ends with:{self.tail() or ' (nothing)'}"


def start(port: int | None = None, *, script: str = "streamlit_app.py", cwd: Path | str = ROOT,
          host: str = LOOPBACK, extra_args: Iterable[str] = (), env: dict[str, str] | None = None,
          extra_env: dict[str, str] | None = None, log: Path | str | None = None,
          log_mode: str = "w", die_with_parent: bool = False,
          command: list[str] | None = None) -> Server:
    """Start `streamlit run script` (from `cwd`) on `port` (default: a free one) without
    waiting for it. Output (stdout and stderr) goes to `log` (opened with `log_mode`), or
    to a temporary file that stop() deletes. Environment: server_env(env, **extra_env).
    `command` replaces the streamlit command line (tests start a tiny HTTP server)."""
    port = port or free_port(host)
    owns_log = log is None
    if owns_log:
        handle, name = tempfile.mkstemp(prefix=f"streamlit-{port}-", suffix=".log")
        os.close(handle)
        log = name
    log = Path(log)
    cmd = command or streamlit_command(port, script, host, extra_args)
    with open(log, log_mode) as out:
        proc = spawn(cmd, stdout=out, stderr=subprocess.STDOUT,
                     env=server_env(env, **(extra_env or {})), cwd=cwd,
                     die_with_parent=die_with_parent)
    return Server(proc, port, log, host, time.monotonic(), owns_log=owns_log)


@contextlib.contextmanager
def serving(port: int | None = None, *, timeout: float = 90.0, stop_timeout: float = 10.0,
            **start_kwargs) -> Iterator[Server]:
    """start(...), wait until healthy (ServerFailed otherwise), yield the Server; stop it
    however the block ends."""
    server = start(port, **start_kwargs)
    try:
        server.wait_healthy(timeout)
        yield server
    finally:
        server.stop(stop_timeout)

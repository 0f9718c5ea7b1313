"""Fixtures for the class store's tests: each test runs on both backends, SQLite on a
temporary file and a real redis-server on a free loopback port (started once per test process,
killed at the end). Without redis-server the Redis half skips, unless REQUIRE_REDIS=1 (CI),
which turns the skip into a failure."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest

from lib.classroom.redis_store import RedisStore
from lib.classroom.sqlite_store import SqliteStore

REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT_S = 30


class Clock:
    """An injected clock: time stands still until a test moves it."""

    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_binary() -> str | None:
    if os.access(REDIS_SERVER, os.X_OK):
        return REDIS_SERVER
    return shutil.which("redis-server")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    binary = _redis_binary()
    if binary is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not installed and REQUIRE_REDIS=1 "
                        "(Debian: apt-get install redis-server)")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    import redis
    workdir = tmp_path_factory.mktemp("redis")
    last_error = ""
    for _ in range(3):                       # a port taken between the check and the bind
        port = _free_port()
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT_S
        up = False
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                up = client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)            # polling for the server to answer, bounded
        client.close()
        if up:
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            return
        proc.kill()
        last_error = (proc.communicate()[0] or b"").decode(errors="replace")[-500:]
    pytest.fail(f"redis-server did not answer PING: {last_error}")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", "redis"])
def backend(request):
    return request.param


@pytest.fixture
def make_store(backend, request, tmp_path, clock):
    """A factory for store objects on the SAME place (one SQLite file, or one Redis prefix):
    two of them are like two processes. Every object is closed at the end."""
    made = []
    prefix = f"test{uuid.uuid4().hex[:12]}:"
    url = request.getfixturevalue("redis_url") if backend == "redis" else None

    def make(clock_=None):
        clk = clock_ or clock
        store = (SqliteStore(tmp_path / "classes.sqlite3", clock=clk) if backend == "sqlite"
                 else RedisStore(url, clock=clk, prefix=prefix))
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store):
    return make_store()

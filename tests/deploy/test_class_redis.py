"""deploy/serve.py --redis: the classes in one store that every replica shares.

Two replicas behind HAProxy on `--redis local`: a teacher on r1 sees the answer of a
student on r2; the student's replica is SIGKILLed, their browser reconnects (HAProxy sends
it to r1) and they are still in the class with their answer. Also: `--redis` is read through
a whitelist, an unreachable Redis is refused before anything starts, each replica is told
the store, and the local redis-server stops with the launcher.

Needs Debian's `haproxy` and `redis-server` (skipped with a reason without them; REQUIRE_HAPROXY=1
/ REQUIRE_REDIS=1 make that a failure) and, for the browser part, Chromium (REQUIRE_BROWSER=1).
Every wait has a deadline and retries until its condition holds: nothing sleeps then asserts.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.test_serve import (ROOT, SERVE, Launcher, _need_haproxy, _psutil, alive,  # noqa: F401
                                     serve, tagged, wait_for)

STORE_VAR, DATA_DIR_VAR = "TENSORLAB_CLASS_STORE", "TENSORLAB_DATA_DIR"


def _need_redis() -> str:
    path = serve.find_redis(None)
    if path is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    return path


def replica_envs(launcher: Launcher) -> dict[str, dict[str, str]]:
    """name -> environment of each replica process (psutil reads /proc/<pid>/environ)."""
    psutil = _psutil()
    return {name: psutil.Process(pid).environ() for name, pid in launcher.replica_pids().items()}


def redis_url(launcher: Launcher) -> str:
    """The local Redis the launcher started, from the line it prints."""
    found = re.search(r"Classes: Redis on (redis://127\.0\.0\.1:\d+/0)", launcher.output())
    assert found, launcher.output()
    return found.group(1)


# ---------------------------------------------------------------- no server needed

@pytest.mark.parametrize("text", ["local", "redis://127.0.0.1:6379/0", "redis://cache.lan",
                                  "rediss://user:p%40ss@10.0.0.5:6380/3", "redis://[::1]:6379",
                                  "redis://h:6379/0?prefix=course2:"])
def test_redis_urls_that_are_read(text):
    assert serve.redis_arg(f"  {text} ") == text


@pytest.mark.parametrize("text", ["", "locale", "http://h:6379", "redis://", "redis://h/0?ssl=1",
                                  "redis://h/0?prefix=a b", "redis://h/0?prefix=x&db=2",
                                  "redis://h/0#x", "redis://h/0/1", "redis://h:0", "redis://h:99999",
                                  "redis://h:port", "redis://<script>/0", "redis://a b:1",
                                  "redis://" + "h" * 300, "unix:///tmp/redis.sock",
                                  "redis://u:pa ss@h:1/0"])
def test_hostile_or_malformed_redis_urls_are_refused(text):
    with pytest.raises(Exception) as refused:
        serve.redis_arg(text)
    assert "redis" in str(refused.value).lower()
    assert "<script>" not in str(refused.value)


def test_a_password_is_never_printed():
    assert serve.redact("redis://:s3cret@10.0.0.5:6379/0") == "redis://:***@10.0.0.5:6379/0"
    assert serve.redact("redis://me:s3cret@h/0") == "redis://me:***@h/0"
    assert serve.redact("redis://h:1/0") == "redis://h:1/0"


def test_bad_redis_argument_is_refused_before_anything_starts():
    r = subprocess.run([sys.executable, str(SERVE), "--redis", "http://h:1"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and r.stdout == ""
    assert "argument --redis: must be `local` or a redis:// URL with a host" in r.stderr


def test_unreachable_redis_is_refused_with_one_line_and_no_child(tmp_path):
    _need_haproxy()
    with socket.socket() as s:                    # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    launcher = Launcher(tmp_path, "--replicas", "1", "--redis", f"redis://:hunter2@127.0.0.1:{dead}/0")
    try:
        assert launcher.proc.wait(timeout=60) == 1
        said = launcher.output().strip()
        assert said.startswith(f"serve: the Redis at redis://:***@127.0.0.1:{dead}/0 does not "
                               f"answer PING: no answer from 127.0.0.1:{dead}"), said
        assert "hunter2" not in said
        assert tagged(launcher.token) == []
        assert not (tmp_path / "run" / "r1.log").exists()
    finally:
        launcher.close()


def test_missing_redis_server_is_refused_before_anything_starts(tmp_path):
    _need_haproxy()
    launcher = Launcher(tmp_path, "--replicas", "1", "--redis", "local",
                        "--redis-server", "/nonexistent/redis-server")
    try:
        assert launcher.proc.wait(timeout=60) == 1
        assert "serve: redis-server not found at /nonexistent/redis-server" in launcher.output()
        assert tagged(launcher.token) == []
    finally:
        launcher.close()


# ---------------------------------------------------------------- a launcher, default store

def test_default_store_is_one_sqlite_file_every_replica_shares(tmp_path):
    """No --redis: every replica gets the same absolute data dir and no store URL, so
    open_store() opens the same SQLite file in each; the launcher says where."""
    _need_haproxy()
    data = tmp_path / "data"
    launcher = Launcher(tmp_path, "--replicas", "2", env={DATA_DIR_VAR: str(data), STORE_VAR: ""})
    try:
        launcher.wait_ready()
        assert f"Classes: SQLite {data / 'classes.sqlite3'}, shared by the replicas" in launcher.output()
        envs = replica_envs(launcher)
        assert sorted(envs) == ["r1", "r2"]
        for env in envs.values():
            assert env[DATA_DIR_VAR] == str(data)
            assert not env.get(STORE_VAR)
    finally:
        launcher.close()


def test_a_local_redis_that_dies_is_restarted_and_stops_with_the_launcher(tmp_path):
    """--redis local: the table has a redis row; a SIGKILLed redis-server is logged and
    restarted on the same port; SIGTERM to the launcher leaves no process behind."""
    _need_haproxy()
    _need_redis()
    psutil = _psutil()
    launcher = Launcher(tmp_path, "--replicas", "1", "--redis", "local",
                        env={DATA_DIR_VAR: str(tmp_path / "data"), STORE_VAR: ""})
    try:
        launcher.wait_ready()
        url = redis_url(launcher)
        port, pid = re.search(r"^\s+redis\s+(\d+)\s+(\d+)\s", launcher.output(), re.M).groups()
        assert url == f"redis://127.0.0.1:{port}/0" and serve.redis_ping(url) is None
        first = psutil.Process(int(pid))
        assert first.ppid() == launcher.proc.pid and "redis-server" in " ".join(first.cmdline())
        first.kill()
        wait_for(lambda: f"restarting redis-server on port {port}" in launcher.output(), 30,
                 "the launcher to log the death of redis-server and restart it")
        wait_for(lambda: serve.redis_ping(url) is None, 30, "redis-server to answer again")
        launcher.proc.terminate()
        assert launcher.proc.wait(timeout=60) == 0
        wait_for(lambda: tagged(launcher.token) == [], 10, "no process of this launcher to be left")
        assert "then redis-server" in launcher.output()
    finally:
        launcher.close()


# ---------------------------------------------------------------- two replicas on Redis, in Chromium

def _on_replica(browser, base: str, replica: str):
    """A new browser (context) whose first request carries HAProxy's cookie for `replica`,
    so it lands there, as a browser that was balanced there does."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_cookies([{"name": "SERVERID", "value": replica, "url": base}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _cookie(context, name: str) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == name), None)


def test_a_class_across_two_replicas_on_redis_survives_the_students_replica_dying(tmp_path,
                                                                                      browser):
    """The teacher's browser on r1, the student's on r2, the class in a local Redis. The
    student joins by code and answers; the teacher's tally shows it without a reload. Then r2
    is SIGKILLed: the student's browser reconnects, HAProxy sends it to a live replica (r1, or
    r2 restarted by the launcher), and there (a fresh Streamlit session in a fresh process)
    the student is still in the class, same nickname, with their answer:
    after the reveal their card gives the verdict on the answer they sent before the crash."""
    _need_haproxy()
    _need_redis()
    psutil = _psutil()
    from playwright.sync_api import expect

    from tests.browser.helpers import expect_metric, expect_no_exception, open_app_page

    data = tmp_path / "data"
    launcher = Launcher(tmp_path, "--replicas", "2", "--redis", "local",
                        env={DATA_DIR_VAR: str(data), STORE_VAR: ""})
    contexts = []
    try:
        launcher.wait_ready()
        url = redis_url(launcher)
        assert {env.get(STORE_VAR) for env in replica_envs(launcher).values()} == {url}
        base = f"http://127.0.0.1:{launcher.port}"
        teacher_ctx, teacher = _on_replica(browser, base, "r1")
        student_ctx, student = _on_replica(browser, base, "r2")
        contexts += [teacher_ctx, student_ctx]

        # the teacher starts a class on r1
        open_app_page(teacher, base, "class_room")
        teacher.get_by_role("button", name=re.compile("Start a class")).click()
        code_box = teacher.locator(".st-key-class_code h1").first
        expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
        code = code_box.inner_text().strip()

        # the student joins from the sidebar of another page, on r2
        open_app_page(student, base, "slicing")
        student.get_by_text("Join a class").first.click()
        student.get_by_role("textbox", name="Class code").fill(code.lower())       # read as typed
        student.get_by_role("button", name="Join", exact=True).click()
        in_class = student.get_by_text(re.compile(rf"In class {code} as "))
        expect(in_class).to_be_visible()
        nickname = re.search(rf"In class {code} as (.+)$", in_class.inner_text().strip()).group(1)
        assert (_cookie(teacher_ctx, "SERVERID"), _cookie(student_ctx, "SERVERID")) == ("r1", "r2")
        expect_metric(teacher, "Here", "1")

        # a poll: the student answers on r2, the teacher's tally on r1 follows
        teacher.get_by_role("button", name=re.compile("Ask the class")).click()
        card = student.locator(".st-key-class_question")      # not the page's own quiz
        answer = card.get_by_role("textbox", name=re.compile("Your answer"))
        expect(answer).to_be_visible()
        answer.fill("error")
        card.get_by_role("button", name="Send", exact=True).click()
        expect(card.get_by_text(re.compile(r"Sent: error"))).to_be_visible()
        expect_metric(teacher, "Answered", "1 of 1")

        # the student's replica dies; the browser reconnects through HAProxy to a live one:
        # r1, or r2 once the launcher has restarted it (a fresh process either way; a busy
        # CI machine saw the restart win: the cookie stayed r2 and a wait for r1 timed out)
        victim = psutil.Process(launcher.replica_pids()["r2"])
        victim.kill()
        wait_for(lambda: _cookie(student_ctx, "SERVERID") == "r1"
                 or launcher.replica_pids().get("r2") not in (None, victim.pid), 90,
                 "the student's browser to be sent to r1, or r2 to be restarted")

        # still in the class there, with the same nickname and the answer sent before
        teacher.get_by_role("button", name=re.compile("Reveal")).click()
        verdict = card.get_by_text(re.compile(r"Right: error|you said error"))
        expect(verdict).to_be_visible(timeout=90_000)
        expect(student.get_by_text(f"In class {code} as {nickname}")).to_be_visible()
        expect(student.get_by_text("Join a class")).to_have_count(0)
        expect_metric(teacher, "Answered", "1 of 1")
        expect_metric(teacher, "Here", "1")
        expect_no_exception(student)
        expect_no_exception(teacher)
    finally:
        for context in contexts:
            context.close()
        launcher.close()
    # the launcher stopped its redis-server with the rest, which saved its snapshot
    assert (data / "redis" / "classes.rdb").exists()

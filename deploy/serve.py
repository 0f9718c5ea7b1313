"""Run Tensor Lab for a course: N `streamlit run` replicas on loopback, HAProxy in front.

    python deploy/serve.py [--replicas N] [--port 8501] [--lan] [--haproxy PATH]
                           [--redis URL|local]

A Streamlit session lives in one process and one process shares one interpreter lock
between all its students, so a class gets several identical replicas (default: one per
core) and HAProxy keeps each browser on its replica with a cookie (deploy/haproxy.cfg).

Classes (the Class page, lib/classroom) live in one store that every replica shares, so a
teacher on one replica sees the students on another, and a student moved to another replica
by a crash is still in the class:
  - default: SQLite, one file under the data dir ($TENSORLAB_DATA_DIR, default
    <project>/.tensorlab), shared by every replica on this machine;
  - --redis URL: a Redis server the replicas reach (replicas on several machines);
  - --redis local: Debian's redis-server, started here on a free loopback port, its
    snapshot under the data dir (<data dir>/redis/classes.rdb), stopped with the rest.
The replicas learn which through TENSORLAB_CLASS_STORE (and TENSORLAB_DATA_DIR).

What it does, in order:
  1. refuses bad arguments, a missing haproxy, a public port already in use and a --redis
     URL that does not answer PING, before starting anything;
  2. --redis local: starts redis-server and waits until it answers PING;
     starts the replicas on free loopback ports (output in <run dir>/rN.log) and waits
     until each answers /_stcore/health;
  3. writes <run dir>/haproxy.cfg from deploy/haproxy.cfg, checks it with `haproxy -c`,
     runs `haproxy -W -db -f` in the foreground (its log on this terminal) and prints the
     replicas and the URL;
  4. watches: a replica that dies is logged and restarted on the same port, at most
     RESTARTS times in RESTART_WINDOW s (a crash loop is left down, HAProxy routes around
     it). Restarting, because a class keeps its capacity for the rest of the lesson and
     HAProxy's health check puts the replica back by itself; its students have already
     reconnected to another replica and stay there, and leastconn sends new ones to it;
     A local redis-server that dies is restarted the same way (its snapshot comes back);
  5. Ctrl-C, SIGTERM or SIGHUP: stops HAProxy, then every replica (SIGTERM, SIGKILL after
     --stop-timeout s), then a local redis-server (which saves its snapshot), and exits 0.
     A second signal kills at once.

Orphans: every child runs in its own process group (a replica's children go with it), and
on Linux gets PR_SET_PDEATHSIG=SIGKILL, so even a SIGKILLed launcher takes its replicas
HAProxy's master and a local redis-server with it (HAProxy's worker exits when its master dies). Elsewhere a
SIGKILLed launcher leaves its children running: stop it with Ctrl-C or SIGTERM.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import ssl
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent       # streamlit_app.py and .streamlit/ live here
if str(ROOT) not in sys.path:                       # run as a script: deploy/ is on the path
    sys.path.insert(0, str(ROOT))

from deploy.launch import (Server, free_ports, has_exited, healthy, log_tail,  # noqa: E402
                           reap, server_env, spawn, start, stop)
TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg"
MAX_REPLICAS = 64
RESTARTS = 3                 # restarts allowed per replica ...
RESTART_WINDOW = 600.0       # ... within this many seconds
POLL = 0.2                   # s between looks at the children
HAPROXY_CANDIDATES = ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy")
REDIS_CANDIDATES = ("/usr/bin/redis-server", "/usr/local/bin/redis-server")
STORE_VAR = "TENSORLAB_CLASS_STORE"     # read by lib/classroom/store.py open_store()
DATA_DIR_VAR = "TENSORLAB_DATA_DIR"     # where the SQLite file (and a local Redis snapshot) live
MAX_REDIS_URL = 256
REDIS_READY_S = 15.0                    # a local redis-server answers PING within this


def log(message: str) -> None:
    """One line on the launcher's terminal, with the time."""
    print(f"{time.strftime('%H:%M:%S')} serve: {message}", flush=True)


# ---------------------------------------------------------------- arguments and checks

def _int_in(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value
    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    p = argparse.ArgumentParser(
        prog="python deploy/serve.py",
        description="Tensor Lab for a course: Streamlit replicas behind HAProxy on one port.")
    p.add_argument("--replicas", type=_int_in(1, MAX_REPLICAS), metavar="N",
                   default=min(cores, MAX_REPLICAS),
                   help=f"number of Streamlit processes, 1..{MAX_REPLICAS} (default: one per core, {cores})")
    p.add_argument("--port", type=_int_in(1, 65535), metavar="PORT", default=8501,
                   help="the public port HAProxy listens on (default 8501)")
    p.add_argument("--lan", action="store_true",
                   help="listen on every interface (0.0.0.0) so the classroom can connect; "
                        "default: 127.0.0.1, this machine only")
    p.add_argument("--haproxy", metavar="PATH",
                   help="the haproxy binary (default: haproxy on PATH or /usr/sbin/haproxy)")
    p.add_argument("--redis", metavar="URL|local", type=redis_arg,
                   help="keep the classes in Redis: redis://host:port/db (a Redis every replica "
                        "reaches), or `local` to start redis-server on loopback beside HAProxy, "
                        "stopped with the rest; default: SQLite, one file under the data dir "
                        "shared by every replica on this machine")
    p.add_argument("--redis-server", metavar="PATH",
                   help="with --redis local: the redis-server binary "
                        "(default: redis-server on PATH or /usr/bin/redis-server)")
    p.add_argument("--run-dir", metavar="DIR", type=Path,
                   help="where the generated haproxy.cfg and the replica logs go "
                        "(default: a new tensorlab-serve-* folder in the temp dir; kept after exit)")
    p.add_argument("--startup-timeout", type=float, default=120.0, metavar="S",
                   help="seconds a replica may take to answer /_stcore/health (default 120)")
    p.add_argument("--stop-timeout", type=float, default=10.0, metavar="S",
                   help="seconds a replica may take to stop after SIGTERM before SIGKILL (default 10)")
    return p.parse_args(argv)


def find_haproxy(path: str | None) -> str | None:
    """The haproxy binary: the given path, else PATH, else the usual sbin folders."""
    if path:
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    found = shutil.which("haproxy")
    if found:
        return found
    return next((c for c in HAPROXY_CANDIDATES if os.access(c, os.X_OK)), None)


def port_problem(host: str, port: int) -> str | None:
    """Why HAProxy could not listen on host:port, or None when it can.

    SO_REUSEADDR like HAProxy's own listener: connections of a previous run still in
    TIME_WAIT do not count, a process listening there does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno == 98 or "in use" in str(e).lower():
                return f"port {port} on {host} is already in use: stop what listens there or pick another --port"
            return f"cannot listen on {host}:{port} ({e.strerror or e}): pick another --port"
    return None


# ---------------------------------------------------------------- the class store

_REDIS_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:.]{2,45}")   # name, IPv4, IPv6
_REDIS_SECRET = re.compile(r"[\x21-\x7e]{1,128}")      # printable, no space
_REDIS_QUERY = re.compile(r"prefix=[A-Za-z0-9_:.-]{1,40}")  # the store's key prefix (redis_store.py)


def redis_arg(text: str) -> str:
    """--redis: `local`, or a redis:// (rediss://) URL read through a whitelist: a host name
    or address, a port, an optional database number, user:password and ?prefix=; nothing else."""
    text = text.strip()
    if text == "local":
        return text
    if len(text) > MAX_REDIS_URL:
        raise argparse.ArgumentTypeError(f"must be `local` or a redis:// URL of at most "
                                         f"{MAX_REDIS_URL} characters")
    example = "e.g. redis://10.0.0.5:6379/0"
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be `local` or a redis:// URL, {example}")
    if parts.scheme not in ("redis", "rediss") or not _REDIS_HOST.fullmatch(parts.hostname or ""):
        raise argparse.ArgumentTypeError(f"must be `local` or a redis:// URL with a host, {example}")
    if parts.fragment or not re.fullmatch(r"(/\d{1,4})?/?", parts.path) or \
            parts.query and not _REDIS_QUERY.fullmatch(parts.query):
        raise argparse.ArgumentTypeError(f"a redis URL is redis://host:port/db (and at most "
                                         f"?prefix=name:), {example}")
    if port is not None and not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"the Redis port must be between 1 and 65535, got {port}")
    for secret in (parts.username, parts.password):
        if secret and not _REDIS_SECRET.fullmatch(urllib.parse.unquote(secret)):
            raise argparse.ArgumentTypeError("the user and password of a redis URL must be "
                                             "printable characters without spaces")
    return text


def redact(url: str) -> str:
    """A redis URL fit for a terminal: the password replaced by ***."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def redis_ping(url: str, timeout: float = 3.0) -> str | None:
    """None when the Redis at `url` answers PING (after AUTH when the URL has a password),
    else why not, in one line. RESP spoken over a plain socket: the launcher needs no
    client library."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "127.0.0.1")
    port = parts.port or 6379
    commands: list[list[str]] = []
    if parts.password is not None:
        auth = [urllib.parse.unquote(parts.password)]
        if parts.username:
            auth.insert(0, urllib.parse.unquote(parts.username))
        commands.append(["AUTH", *auth])
    commands.append(["PING"])
    wire = b"".join(f"*{len(c)}\r\n".encode() + b"".join(
        f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in c) for c in commands)
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            conn = ssl.create_default_context().wrap_socket(raw, server_hostname=host) \
                if parts.scheme == "rediss" else raw
            conn.sendall(wire)
            reader = conn.makefile("rb")
            replies = [reader.readline().decode(errors="replace").strip() for _ in commands]
    except OSError as e:
        return f"no answer from {host}:{port} ({e.strerror or e})"
    bad = next((r for r in replies if not r.startswith("+")), None)
    if bad is not None:
        return f"{host}:{port} answered {bad[:120]!r}"
    return None


def data_dir(environ) -> Path:
    """The data dir the replicas (lib/classroom/store.py) use: $TENSORLAB_DATA_DIR, read
    from where the launcher was started, else <project>/.tensorlab."""
    given = environ.get(DATA_DIR_VAR)
    return Path(given).expanduser().resolve() if given else ROOT / ".tensorlab"


def find_redis(path: str | None) -> str | None:
    """The redis-server binary: the given path, else PATH, else the usual bin folders."""
    if path:
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    return shutil.which("redis-server") or next(
        (c for c in REDIS_CANDIDATES if os.access(c, os.X_OK)), None)


def redis_command(binary: str, port: int, directory: Path) -> list[str]:
    """redis-server on loopback only, in the foreground, its snapshot (every minute with a
    change, and at shutdown) in `directory`; no append-only file, no config file read."""
    return [binary, "--bind", "127.0.0.1", "--port", str(port), "--protected-mode", "yes",
            "--daemonize", "no", "--dir", str(directory), "--dbfilename", "classes.rdb",
            "--save", "60 1", "--appendonly", "no", "--logfile", ""]


# ---------------------------------------------------------------- the HAProxy config

def render_config(template: str, bind: str, servers: list[tuple[str, str, int]],
                  stats_socket: Path | None = None) -> str:
    """deploy/haproxy.cfg with its bind line and its replica block filled in.

    servers: (name, address, port); the name is also the cookie value."""
    lines = template.splitlines()
    binds = [i for i, line in enumerate(lines) if re.match(r"\s*bind\s", line)]
    begin = [i for i, line in enumerate(lines) if re.match(r"\s*# BEGIN replicas", line)]
    end = [i for i, line in enumerate(lines) if re.match(r"\s*# END replicas", line)]
    if len(binds) != 1 or len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
        raise ValueError("the template needs exactly one `bind` line and one "
                         "'# BEGIN replicas' ... '# END replicas' block")
    indent = re.match(r"\s*", lines[begin[0]]).group(0)
    block = [f"{indent}server {name} {address}:{port} cookie {name}" for name, address, port in servers]
    out = lines[:begin[0] + 1] + block + lines[end[0]:]
    i = binds[0]
    out[i] = re.match(r"\s*", lines[i]).group(0) + f"bind {bind}"
    if stats_socket is not None:
        g = next(i for i, line in enumerate(out) if line.strip() == "global")
        out.insert(g + 1, f"    stats socket {stats_socket} mode 600 level user   # serve.py: `show stat`")
    return "\n".join(out) + "\n"


def check_config(haproxy: str, path: Path) -> tuple[bool, str]:
    """`haproxy -c -f path`: (valid, what it said)."""
    r = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (no packet sent)."""
    found: list[str] = []
    try:
        out = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"],
                             capture_output=True, text=True, timeout=5).stdout
        found = re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", out)
    except (OSError, subprocess.SubprocessError):
        pass
    if not found:
        try:
            found = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
        except OSError:
            pass
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------- the launcher

@dataclass
class Replica:
    name: str                                    # r1, r2, ...: server name and cookie value
    port: int
    log_path: Path
    server: Server | None = None                 # deploy/launch.py: the process, its health
    ready: bool = False
    deaths: list[float] = field(default_factory=list)
    given_up: bool = False

    @property
    def proc(self) -> subprocess.Popen | None:
        return self.server.proc if self.server is not None else None

    @property
    def started(self) -> float:
        return self.server.started


@dataclass
class LocalRedis:
    """--redis local: one redis-server on loopback, restarted like a replica."""
    binary: str
    port: int
    directory: Path                              # its snapshot: <data dir>/redis/classes.rdb
    log_path: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    deaths: list[float] = field(default_factory=list)
    given_up: bool = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def replica_env(environ, replicas: int, cores: int | None = None) -> dict[str, str]:
    """The replicas' environment: ours, unbuffered, plus each replica's share of the cores
    (TENSORLAB_CORES, read by lib/train/live.py to size its training turns), unless it is
    set already. Each replica planning for every core overloads a shared machine."""
    cores = cores or os.cpu_count() or 1
    env = server_env(environ)
    env.setdefault("TENSORLAB_CORES", str(max(1, cores // max(1, replicas))))
    return env


class Launcher:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.bind_host = "0.0.0.0" if args.lan else "127.0.0.1"
        self.replicas: list[Replica] = []
        self.haproxy: subprocess.Popen | None = None
        self.stop_signal: int | None = None
        self.hurry = False
        self.env = replica_env(os.environ, args.replicas)   # MNIST_SOURCE etc. pass through
        self.env[DATA_DIR_VAR] = str(data_dir(os.environ))  # absolute: replicas run in ROOT
        self.redis: LocalRedis | None = None
        self.store_line = ""                                 # where the classes live, for the table

    # -- signals: the handler only records; the main loop acts, between two steps
    def on_signal(self, signum: int, frame) -> None:
        if self.stop_signal is not None:
            self.hurry = True                    # second Ctrl-C: no more waiting
        self.stop_signal = signum

    def stopping(self) -> bool:
        return self.stop_signal is not None

    def run(self) -> int:
        try:
            return self._run()
        finally:
            self.shutdown()

    def _run(self) -> int:
        args = self.args
        haproxy = find_haproxy(args.haproxy)
        if haproxy is None:
            where = f"at {args.haproxy}" if args.haproxy else "on PATH or in /usr/sbin"
            print(f"serve: haproxy not found {where}: install it (apt-get install haproxy) "
                  "or pass --haproxy PATH", file=sys.stderr, flush=True)
            return 1
        problem = port_problem(self.bind_host, args.port)
        if problem:
            print(f"serve: {problem}", file=sys.stderr, flush=True)
            return 1
        redis_bin = None
        if args.redis == "local":
            redis_bin = find_redis(args.redis_server)
            if redis_bin is None:
                where = f"at {args.redis_server}" if args.redis_server else "on PATH or in /usr/bin"
                print(f"serve: redis-server not found {where}: install it (apt-get install "
                      "redis-server) or pass --redis-server PATH", file=sys.stderr, flush=True)
                return 1
        elif args.redis:
            problem = redis_ping(args.redis)
            if problem:
                print(f"serve: the Redis at {redact(args.redis)} does not answer PING: {problem}. "
                      "Start it, or check the --redis URL", file=sys.stderr, flush=True)
                return 1

        run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="tensorlab-serve-"))
        run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir = run_dir.resolve()
        self.cfg_path = self.run_dir / "haproxy.cfg"
        sock = self.run_dir / "haproxy.sock"
        self.stats_socket = sock if len(str(sock)) < 100 else None   # unix socket paths are short
        self.template = TEMPLATE.read_text()
        self.haproxy_bin = haproxy

        ports = free_ports(args.replicas, exclude={args.port})
        self.replicas = [Replica(f"r{i + 1}", port, self.run_dir / f"r{i + 1}.log")
                         for i, port in enumerate(ports)]
        if not self.write_config():               # a broken template fails before any replica
            return 1
        if redis_bin is not None:
            if not self.start_local_redis(redis_bin):
                return 0 if self.stopping() else 1
        self.choose_store()

        log(f"starting {args.replicas} Streamlit replica(s) in {ROOT} (logs in {self.run_dir})")
        for r in self.replicas:
            if self.stopping():
                return 0
            self.start_replica(r)
        if not self.wait_replicas_ready():
            return 0 if self.stopping() else 1
        if not self.write_config():               # ports may have changed after a port race
            return 1

        problem = port_problem(self.bind_host, args.port)   # taken while the replicas started?
        if problem:
            print(f"serve: {problem}", file=sys.stderr, flush=True)
            return 1
        haproxy_log = open(self.run_dir / "haproxy.log", "w")
        self.haproxy = spawn([haproxy, "-W", "-db", "-f", str(self.cfg_path)],
                             stdout=None, stderr=haproxy_log, env=self.env, die_with_parent=True)
        haproxy_log.close()
        if not self.wait_haproxy_ready():
            return 0 if self.stopping() else 1
        self.print_table()
        return self.watch()

    def write_config(self) -> bool:
        servers = [(r.name, "127.0.0.1", r.port) for r in self.replicas]
        self.cfg_path.write_text(render_config(self.template, f"{self.bind_host}:{self.args.port}",
                                               servers, self.stats_socket))
        ok, said = check_config(self.haproxy_bin, self.cfg_path)
        if not ok:
            print(f"serve: haproxy rejects {self.cfg_path}:\n{said}", file=sys.stderr, flush=True)
        return ok

    # -- the class store
    def choose_store(self) -> None:
        """Tell the replicas where the classes live (TENSORLAB_CLASS_STORE), and say it."""
        if self.redis is not None:
            self.env[STORE_VAR] = self.redis.url
            self.store_line = (f"Classes: Redis on {self.redis.url} (pid {self.redis.proc.pid}), "
                               f"snapshot {self.redis.directory / 'classes.rdb'}")
        elif self.args.redis:
            self.env[STORE_VAR] = self.args.redis
            self.store_line = f"Classes: Redis at {redact(self.args.redis)}"
        elif self.env.get(STORE_VAR):
            self.store_line = f"Classes: {redact(self.env[STORE_VAR])} ({STORE_VAR})"
        else:
            path = Path(self.env[DATA_DIR_VAR]) / "classes.sqlite3"
            self.store_line = f"Classes: SQLite {path}, shared by the replicas"

    def start_local_redis(self, binary: str) -> bool:
        """redis-server on a free loopback port, its snapshot under the data dir; True once
        it answers PING. A port taken meanwhile is retried once on another."""
        directory = Path(self.env[DATA_DIR_VAR]) / "redis"
        directory.mkdir(parents=True, exist_ok=True)
        taken = {self.args.port} | {r.port for r in self.replicas}
        self.redis = LocalRedis(binary, free_ports(1, exclude=taken)[0], directory,
                                self.run_dir / "redis.log")
        for attempt in (1, 2):
            self.spawn_redis()
            log(f"redis-server starting on 127.0.0.1:{self.redis.port} (log {self.redis.log_path})")
            ready = self.wait_redis_ready()
            if ready or self.stopping():
                return ready
            taken.add(self.redis.port)
            self.redis.port = free_ports(1, exclude=taken)[0]
        return False

    def spawn_redis(self) -> None:
        r = self.redis
        with open(r.log_path, "a") as out:
            r.proc = spawn(redis_command(r.binary, r.port, r.directory), stdout=out,
                           stderr=subprocess.STDOUT, env=self.env, die_with_parent=True)
        r.started = time.monotonic()

    def wait_redis_ready(self) -> bool:
        r = self.redis
        while not self.stopping():
            if has_exited(r.proc):
                code = reap(r.proc)
                print(f"serve: redis-server exited with code {code} at start:"
                      f"{self.tail(r.log_path, 10)}", file=sys.stderr, flush=True)
                return False
            if redis_ping(r.url, timeout=1.0) is None:
                log(f"redis-server ready on 127.0.0.1:{r.port} ({time.monotonic() - r.started:.1f} s)")
                return True
            if time.monotonic() - r.started > REDIS_READY_S:
                print(f"serve: redis-server did not answer PING within {REDIS_READY_S:.0f} s:"
                      f"{self.tail(r.log_path, 10)}", file=sys.stderr, flush=True)
                stop([r.proc], timeout=2)
                return False
            time.sleep(POLL)
        return False

    def redis_died(self) -> None:
        """A local redis-server died: log it and restart it on the same port, at most
        RESTARTS times in RESTART_WINDOW s. Meanwhile the Class page says the store is down;
        the rest of the app works. Its last snapshot comes back with it."""
        r = self.redis
        pid, code = r.proc.pid, reap(r.proc)
        now = time.monotonic()
        r.deaths = [t for t in r.deaths if now - t < RESTART_WINDOW] + [now]
        log(f"redis-server (port {r.port}, pid {pid}) exited with code {code}: classes are "
            f"unreachable until it is back. Its log: {r.log_path}{self.tail(r.log_path)}")
        if len(r.deaths) > RESTARTS:
            r.given_up = True
            log(f"not restarting redis-server: it died {len(r.deaths)} times in "
                f"{RESTART_WINDOW / 60:.0f} min; the Class page says so, the rest of the app works")
            return
        log(f"restarting redis-server on port {r.port} (restart {len(r.deaths)} of at most {RESTARTS})")
        self.spawn_redis()

    def start_replica(self, r: Replica) -> None:
        """`streamlit run streamlit_app.py` on the replica's port, appending to its log."""
        r.server = start(r.port, log=r.log_path, log_mode="a", env=self.env, die_with_parent=True)
        r.ready = False

    def tail(self, path: Path, lines: int = 5) -> str:
        return log_tail(path, lines)

    def wait_replicas_ready(self) -> bool:
        """Until every replica answers /_stcore/health. A replica that exits while starting
        is given a new port twice (another program may have taken its port), then we fail."""
        retries = {r.name: 2 for r in self.replicas}
        while not self.stopping():
            for r in self.replicas:
                if r.ready:
                    continue
                if has_exited(r.proc):
                    code = reap(r.proc)
                    if retries[r.name] == 0:
                        print(f"serve: replica {r.name} exited with code {code} while starting; "
                              f"its log {r.log_path} ends with:{self.tail(r.log_path, 15)}",
                              file=sys.stderr, flush=True)
                        return False
                    retries[r.name] -= 1
                    taken = {x.port for x in self.replicas} | {self.args.port}
                    r.port = free_ports(1, exclude=taken)[0]
                    log(f"replica {r.name} exited with code {code} while starting; trying port {r.port}")
                    self.start_replica(r)
                elif r.server.healthy():
                    r.ready = True
                    log(f"replica {r.name} ready on port {r.port} "
                        f"({time.monotonic() - r.started:.1f} s)")
                elif time.monotonic() - r.started > self.args.startup_timeout:
                    print(f"serve: replica {r.name} did not answer /_stcore/health within "
                          f"{self.args.startup_timeout:.0f} s; its log {r.log_path} ends with:"
                          f"{self.tail(r.log_path, 15)}", file=sys.stderr, flush=True)
                    return False
            if all(r.ready for r in self.replicas):
                return True
            time.sleep(POLL)
        return False

    def wait_haproxy_ready(self) -> bool:
        host = "127.0.0.1"
        deadline = time.monotonic() + 30
        while not self.stopping():
            if has_exited(self.haproxy):
                code = reap(self.haproxy)
                print(f"serve: haproxy exited with code {code} at start:"
                      f"{self.tail(self.run_dir / 'haproxy.log', 10)}", file=sys.stderr, flush=True)
                return False
            if healthy(host, self.args.port):
                return True
            if time.monotonic() > deadline:
                print("serve: haproxy did not answer /_stcore/health within 30 s",
                      file=sys.stderr, flush=True)
                return False
            time.sleep(POLL)
        return False

    def print_table(self) -> None:
        rows = [("replica", "port", "pid", "log")]
        rows += [(r.name, str(r.port), str(r.proc.pid), str(r.log_path)) for r in self.replicas]
        rows.append(("haproxy", str(self.args.port), str(self.haproxy.pid), str(self.cfg_path)))
        if self.redis is not None:
            rows.append(("redis", str(self.redis.port), str(self.redis.proc.pid), str(self.redis.log_path)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        print(flush=True)
        for row in rows:
            print("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        local = f"http://127.0.0.1:{self.args.port}"
        print(flush=True)
        if self.args.lan:
            addresses = lan_addresses()
            urls = ", ".join(f"http://{a}:{self.args.port}" for a in addresses) or \
                f"http://<this machine's address>:{self.args.port}"
            print(f"Tensor Lab is open to the classroom: {urls}   (here: {local})")
        else:
            print(f"Tensor Lab: {local}   (this machine only; --lan opens it to the classroom)")
        print(self.store_line)
        if self.stats_socket:
            print(f"HAProxy stats: `show stat` on {self.stats_socket} (see deploy/README.md)")
        print("Ctrl-C stops HAProxy and every replica" +
              (", then redis-server." if self.redis is not None else "."), flush=True)

    def watch(self) -> int:
        """Until a signal: log dead replicas and restart them; stop if HAProxy dies."""
        while not self.stopping():
            if has_exited(self.haproxy):
                code = reap(self.haproxy)
                log(f"haproxy exited with code {code}; stopping the replicas"
                    f"{self.tail(self.run_dir / 'haproxy.log', 10)}")
                return 1
            if self.redis is not None and not self.redis.given_up and has_exited(self.redis.proc):
                self.redis_died()
            for r in self.replicas:
                if r.given_up:
                    continue
                if has_exited(r.proc):
                    self.replica_died(r)
                elif not r.ready:
                    if r.server.healthy(timeout=0.5):
                        r.ready = True
                        log(f"replica {r.name} is back on port {r.port} (pid {r.proc.pid}, "
                            f"{time.monotonic() - r.started:.1f} s); HAProxy's health check "
                            "puts it back in rotation")
                    elif time.monotonic() - r.started > self.args.startup_timeout:
                        log(f"replica {r.name} did not come back within "
                            f"{self.args.startup_timeout:.0f} s; killing it")
                        stop([r.proc], timeout=2)     # counted as one more death next round
            time.sleep(POLL)
        return 0

    def replica_died(self, r: Replica) -> None:
        pid, code = r.proc.pid, reap(r.proc)
        now = time.monotonic()
        r.deaths = [t for t in r.deaths if now - t < RESTART_WINDOW] + [now]
        log(f"replica {r.name} (port {r.port}, pid {pid}) exited with code {code}. HAProxy's "
            "health check takes it out of rotation; its students' browsers reconnect to "
            f"another replica with a fresh session. Its log: {r.log_path}{self.tail(r.log_path)}")
        if len(r.deaths) > RESTARTS:
            r.given_up = True
            log(f"not restarting {r.name}: it died {len(r.deaths)} times in "
                f"{RESTART_WINDOW / 60:.0f} min; the other replicas carry on")
            return
        log(f"restarting {r.name} on port {r.port} "
            f"(restart {len(r.deaths)} of at most {RESTARTS} in {RESTART_WINDOW / 60:.0f} min)")
        self.start_replica(r)

    def shutdown(self) -> None:
        """HAProxy first (no request reaches a stopping replica), then every replica."""
        redis = [self.redis.proc] if self.redis is not None and self.redis.proc is not None else []
        children = [p for p in [self.haproxy] + [r.proc for r in self.replicas] + redis
                    if p is not None]
        if not any(p.returncode is None for p in children):
            return
        log("stopping HAProxy and the replicas" + (", then redis-server" if redis else ""))
        if self.haproxy is not None:
            stop([self.haproxy], timeout=5, hurry=lambda: self.hurry)
        stop([r.proc for r in self.replicas if r.proc is not None],
             timeout=self.args.stop_timeout, hurry=lambda: self.hurry)
        if redis:                                 # last: it saves its snapshot on SIGTERM
            stop(redis, timeout=self.args.stop_timeout, hurry=lambda: self.hurry)
        log("stopped")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    launcher = Launcher(args)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, launcher.on_signal)
    code = launcher.run()
    if launcher.stop_signal is not None:
        log(f"stopped on {signal.Signals(launcher.stop_signal).name}")
    return code


if __name__ == "__main__":
    sys.exit(main())

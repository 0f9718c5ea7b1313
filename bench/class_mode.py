"""Class mode on the classroom bench (issue 20): the room as one, measured.

    python bench/classroom.py --class-mode                   # one server (SQLite), 30 students
    python bench/classroom.py --class-mode --url http://127.0.0.1:8601 --pid <serve.py pid>
    python bench/class_mode.py --students 4 --epochs 1       # this part alone, quick

A simulated teacher (a websocket client, bench/stclient.py, like every student) opens the
Class page and presses "Start a class"; N students open "Train the naive network", choose the
class's settings and join from the sidebar with the code the teacher's page shows. The
teacher chooses a shape question on the page (POLL) and puts it to the class; each student
answers it (rightly: a wrong verdict is an st.error, which the training phase would count as
a failure) from the question card at
the top of their page, one after another (ANSWER_SPACING_S apart, as a room does), while the
teacher's page is read after every message it receives; then the teacher reveals. Then every
student presses Start together (classroom.class_run: the barrier, the observer's Slicing
reruns, the run markers), with the teacher's Class page open: its live part and the class's
runs chart keep polling the store. At the end the teacher's chart is read.

The same class without class mode (classroom.class_run, fresh students who never join) runs
right before it, so the training share is compared within one pair, minutes apart on the
same server (--class-mode-pairs P: P pairs, the order alternating, the median ratio).

Adds to the JSON line (nothing here asserts a time):
- store: "sqlite" or "redis", what the server's TENSORLAB_CLASS_STORE says (read from the
  server process and its children when --pid is given, else from this process's environment,
  which a server started by the bench inherits);
- class_join_ok: students whose sidebar said "In class <code>"; class_here_seen: the
  teacher's "Here" count once they had joined; class_join_p95_s: Join click -> the sidebar;
- poll_answers_sent, poll_answers_seen: the answers sent, and the highest "Answered n of m"
  the teacher's page showed; answer_to_tally_p50/p95/max_s: from a student's Send click to
  the first message of the teacher's page whose count includes it (answers in the order
  they were sent, the k-th against the first count >= k); reveal_seen, reveal_p95_s: the
  teacher's Reveal click -> the student's card shows the verdict; reveal_right: "Right";
- class_runs_seen: runs on the teacher's chart at the end ("N students trained", and the
  chart's lines), class_runs_done_on_chart: lines whose last point is a finished run;
  class_runs_in_store: students with a run in the store, read directly (what the chart
  should show);
- class_mode: the class-mode class's training figures (classroom.figures, without the
  per-student rows); class_mode_plain: the plain class's; class_mode_share_vs_plain: the
  class-mode aggregate share of the bare loop over the plain one's (target >= 0.95), median
  over the pairs; class_mode_pairs: each pair's two shares and ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import classroom  # noqa: E402
from bench.classroom import Student, percentile  # noqa: E402
from bench.stclient import ProtocolError, StreamlitClient  # noqa: E402
from lib.quiz import KIND_LABELS, LEVEL_LABELS, make_question  # noqa: E402  (NumPy only)
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

# What the app draws (lib/ui/classroom.py, lib/ui/class_runs.py, pages/class_room.py).
CLASS_PAGE = "class_room"
START_KEY = "class_start"                 # "🚀 Start a class"
JOIN_BOX_LABEL = "Join a class"           # the sidebar's expander, its content drawn when open
JOIN_CODE_KEY = "class_join_code"         # the sidebar's code box, in a form ...
JOIN_LABEL = "Join"                       # ... submitted by this button
ASK_KEY = "class_ask"                     # "📣 Ask the class"
REVEAL_KEY = "class_reveal"               # "👀 Reveal", in the teacher's live fragment
END_KEY = "class_end"                     # "End it now"
ANSWER_KEY = re.compile(r"class_answer_(\d+)$")   # the card's answer box, in a form ...
SEND_LABELS = ("Send", "Change my answer")        # ... submitted by this button
HERE_LABEL, ANSWERED_LABEL = "Here", "Answered"   # the teacher's two metrics
REVEALED = ("Right:", "Not quite", "The answer:")  # the card after the reveal
WRONG = "st.error: Not quite"                      # a wrong answer, said as st.error: not a failure
RUNS_CAPTION = re.compile(r"(\d+) students? trained")
RUNS_CHART_KEY = "class_runs_chart"
RUNS_TITLE = "The class's runs"           # lib/figures/classroom.py class_loss_figure's title
STORE_ENV, DATA_DIR_ENV = "TENSORLAB_CLASS_STORE", "TENSORLAB_DATA_DIR"

KIND_KEY, LEVEL_KEY, SEED_KEY = "class_kind", "class_level", "class_seed"   # the poll's choice
POLL = ("broadcast", "basic", 1234)       # kind, level, question number the teacher puts
ANSWER_SPACING_S = 0.3                    # between two students' Send clicks
STEP_TIMEOUT_S = 60.0                     # a join, a card, a tally, a reveal: at most this long
CHART_TIMEOUT_S = 60.0                    # the runs chart catching up after the class


# --------------------------------------------------------------------------- reading pages
def find_button(client: StreamlitClient, label: str):
    """The (first) button with this label: form submit buttons have no key."""
    for _, node in client.elements():
        if node.kind == "button" and node.element.button.label == label:
            return node
    return None


async def press(client: StreamlitClient, node):
    """Click a button found by label (stclient.click finds by key): a trigger, once, with
    the values staged for its form; scoped to the fragment that drew it."""
    client.widget_states[node.widget_id] = WidgetState(id=node.widget_id, trigger_value=True)
    return await client.rerun(fragment_id=node.fragment_id or None)


async def open_expander(client: StreamlitClient, label: str, timeout: float) -> bool:
    """Open a keyed expander whose content runs only while it is open (lib/ui/widgets.py
    lazy_expander: its open state is a widget's bool), as a click on its label does."""
    for node in client.tree.values():
        block = node.block
        if block is not None and block.WhichOneof("type") == "expandable" \
                and label in block.expandable.label and block.expandable.id:
            widget_id = block.expandable.id
            client.widget_states[widget_id] = WidgetState(id=widget_id, bool_value=True)
            return await client.wait_request(
                await client.rerun(fragment_id=node.fragment_id or None), timeout)
    return False


def stage_text(client: StreamlitClient, key: str, value: str) -> None:
    """Type into a text box inside a form: kept for the submit, no rerun (as the browser)."""
    node = client.widget(key)
    client.widget_states[node.widget_id] = WidgetState(id=node.widget_id, string_value=value)


def metric_pair(client: StreamlitClient, label: str) -> tuple[int, int] | None:
    """'12 of 15' -> (12, 15); a plain number n -> (n, n); None when not drawn."""
    body = client.metric(label)
    if body is None:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", body)]
    if not numbers:
        return None
    return (numbers[0], numbers[1] if len(numbers) > 1 else numbers[0])


def answer_key(client: StreamlitClient) -> str | None:
    for node in client.tree.values():
        match = ANSWER_KEY.search(node.widget_id or "")
        if match:
            return f"class_answer_{match.group(1)}"
    return None


def chart_node(client: StreamlitClient):
    """The class's runs chart on the teacher's page, or None."""
    for node in client.tree.values():
        if node.kind == "plotly_chart":
            chart = node.element.plotly_chart
            if RUNS_CHART_KEY in (chart.id or "") or RUNS_TITLE in chart.spec:
                return node
    return None


def runs_on_chart(client: StreamlitClient) -> tuple[int | None, int, int]:
    """(the runs caption's count, lines on the chart, lines ending in a finished run)."""
    caption = next((m for m in (RUNS_CAPTION.search(t) for t in client.texts()) if m), None)
    lines = done = 0
    node = chart_node(client)
    if node is not None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            figure = json.loads(node.element.plotly_chart.spec)
            for trace in figure.get("data", []):
                if trace.get("x"):
                    lines += 1
                    symbols = (trace.get("marker") or {}).get("symbol")
                    done += isinstance(symbols, list) and bool(symbols) and symbols[-1] == "circle"
    return (int(caption.group(1)) if caption else None), lines, done


def server_store(pid: int | None) -> tuple[str, dict[str, str]]:
    """('redis' | 'sqlite' | '?', the environment that names it) as the server was told
    (TENSORLAB_CLASS_STORE, TENSORLAB_DATA_DIR): read from the server's streamlit processes
    when its pid is known, else this process's environment (a server the bench starts
    inherits it)."""
    envs: list[dict[str, str]] = []
    if pid:
        with contextlib.suppress(Exception):
            import psutil
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    if "streamlit" in " ".join(proc.cmdline()):
                        envs.append(proc.environ())
    if not envs:
        envs = [dict(os.environ)]
    names = {(e.get(STORE_ENV, ""), e.get(DATA_DIR_ENV, "")) for e in envs}
    if len(names) != 1:
        return "?", {}
    spec, data_dir = names.pop()
    kind = "redis" if spec.startswith(("redis://", "rediss://", "unix://")) else "sqlite"
    return kind, {STORE_ENV: spec, DATA_DIR_ENV: data_dir}


def runs_in_store(env: dict[str, str], code: str | None) -> int | None:
    """Students with a run in the store (read directly, as the server's own spec names it):
    what the teacher's chart should show. None when it cannot be read."""
    if not env or not code:
        return None
    saved = {k: os.environ.get(k) for k in env}
    try:
        os.environ.update(env)
        from lib.classroom.store import open_store
        store = open_store()
        try:
            return len({row["member_id"] for row in store.runs(code)})
        finally:
            store.close()
    except Exception:
        return None
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --------------------------------------------------------------------------- the teacher
@dataclass
class Teacher:
    client: StreamlitClient
    code: str | None = None
    replica: str | None = None
    counts: list[tuple[float, int]] = field(default_factory=list)   # (t, answered) on change
    here: int = 0
    answer: str = ""                     # the right answer to the question it puts
    errors: list[str] = field(default_factory=list)

    def on_message(self, client: StreamlitClient, msg) -> None:
        """After every message: has the 'Answered n of m' count moved?"""
        if msg.WhichOneof("type") != "delta":
            return
        answered = metric_pair(client, ANSWERED_LABEL)
        if answered is not None and (not self.counts or answered[0] != self.counts[-1][1]):
            self.counts.append((time.perf_counter(), answered[0]))
        here = metric_pair(client, HERE_LABEL)
        if here is not None:
            self.here = here[0]

    def first_seen(self, k: int, after: float) -> float | None:
        """When the page first showed a count >= k (after `after`)."""
        return next((t for t, n in self.counts if n >= k and t >= after), None)


async def start_teacher(url: str, timeout: float) -> Teacher:
    teacher = Teacher(StreamlitClient(url, name="teacher"))
    teacher.client.on_message = teacher.on_message
    c = teacher.client
    await c.connect()
    await c.open_page(CLASS_PAGE, timeout)
    await c.wait_request(await c.click(START_KEY), timeout)

    def code_shown(cl: StreamlitClient) -> bool:
        return any(re.fullmatch(r"#\s*([A-Z0-9]{6})\s*", t) for t in cl.texts("markdown"))
    if not await c.wait_for(code_shown, timeout):
        raise RuntimeError(f"the Class page showed no join code: {c.texts()[:12]}")
    teacher.code = next(m.group(1) for m in (re.fullmatch(r"#\s*([A-Z0-9]{6})\s*", t)
                                             for t in c.texts("markdown")) if m)
    teacher.replica = c.replica
    # The question to put: chosen on the page as a teacher would (kind, level, number), so
    # the students can answer it right (a wrong answer's verdict is an st.error, which the
    # training phase would take for a failure).
    kind, level, seed = POLL
    await c.wait_request(await c.set_value(KIND_KEY, KIND_LABELS[kind]), timeout)
    await c.wait_request(await c.set_value(LEVEL_KEY, LEVEL_LABELS[level].split(":")[0]), timeout)
    await c.wait_request(await c.set_value(SEED_KEY, seed), timeout)
    teacher.answer = make_question(kind, level, seed).answer_text
    return teacher


# --------------------------------------------------------------------------- the room
@dataclass
class Seat:
    """What one student did in the class before training."""
    student: Student
    index: int
    joined: bool = False
    join_s: float | None = None
    answer: str | None = None
    sent_at: float | None = None
    answered_at: float | None = None     # the Send rerun finished
    saw_reveal_s: float | None = None
    right: bool = False                  # the card said "Right: ..."
    problem: str | None = None


class Room:
    """The class before training: every student joins, a poll, every answer, the reveal.
    Students arrive through prepare() (concurrently, from classroom.class_run); the teacher
    acts once all of them have arrived."""

    def __init__(self, b: "classroom.Bench", teacher: Teacher, expected: int):
        self.b, self.teacher, self.expected = b, teacher, expected
        self.timeout = min(STEP_TIMEOUT_S, b.args.timeout)
        self.seats: list[Seat] = []
        self.arrived = self.missing = 0        # joined (or failed to), could not open the page
        self.all_arrived = asyncio.Event()
        self.poll_up = asyncio.Event()
        self.revealed = asyncio.Event()
        self.revealed_at: float | None = None
        self.poll_put_at: float | None = None
        self.phases: dict[str, float] = {}
        self._conductor: asyncio.Task | None = None

    def start(self) -> None:
        self._conductor = asyncio.create_task(self.conduct(), name="teacher")

    async def finish(self) -> None:
        if self._conductor is not None:
            with contextlib.suppress(Exception):
                await self._conductor

    # ---- a student (called for each one by classroom.class_run's prepare)
    def absent(self) -> None:
        """A student who could not open the page: counted as arrived, never joins."""
        self.missing += 1
        if self.arrived + self.missing >= self.expected:
            self.all_arrived.set()

    async def take_part(self, student: Student) -> None:
        seat = Seat(student, len(self.seats))
        self.seats.append(seat)
        c = student.client
        try:
            t = time.perf_counter()
            if c.find(JOIN_CODE_KEY) is None:         # the join box is folded: open it
                await open_expander(c, JOIN_BOX_LABEL, self.timeout)
            stage_text(c, JOIN_CODE_KEY, self.teacher.code)
            node = find_button(c, JOIN_LABEL)
            if node is None:
                raise ProtocolError(f"{student.name}: no Join button in the sidebar")
            await c.wait_request(await press(c, node), self.timeout)
            joined = await c.wait_for(lambda cl: any(
                f"In class **{self.teacher.code}**" in x for x in cl.texts("markdown")), self.timeout)
            seat.joined = joined
            seat.join_s = time.perf_counter() - t if joined else None
            if not joined:
                seat.problem = "join: the sidebar never said 'In class'"
        except Exception as exc:                      # report it; the student still trains
            seat.problem = f"join: {type(exc).__name__}: {exc}"
        finally:
            self.arrived += 1
            if self.arrived + self.missing >= self.expected:
                self.all_arrived.set()
        if not seat.joined:
            return
        try:
            await asyncio.wait_for(self.poll_up.wait(), 4 * self.timeout)
            if not await c.wait_for(lambda cl: answer_key(cl) is not None and
                                    find_button(cl, SEND_LABELS[0]) is not None, self.timeout):
                seat.problem = "poll: no question card"
                return
            # One after another, as a room answers (and the tally is read per answer).
            await asyncio.sleep(max(0.0, self.poll_put_at + 1.0 + seat.index * ANSWER_SPACING_S
                                    - time.perf_counter()))
            seat.answer = self.teacher.answer
            stage_text(c, answer_key(c), seat.answer)
            node = find_button(c, SEND_LABELS[0])
            seat.sent_at = time.perf_counter()
            request = await press(c, node)
            if await c.wait_request(request, self.timeout):
                seat.answered_at = request.finished
            await asyncio.wait_for(self.revealed.wait(), 4 * self.timeout)
            if await c.wait_for(lambda cl: any(r in x for x in cl.texts() for r in REVEALED),
                                self.timeout):
                seat.saw_reveal_s = time.perf_counter() - self.revealed_at
                seat.right = any(x.startswith(REVEALED[0]) for x in c.texts())
        except Exception as exc:
            seat.problem = f"poll: {type(exc).__name__}: {exc}"

    # ---- the teacher
    async def conduct(self) -> None:
        t = time.perf_counter()
        await asyncio.wait_for(self.all_arrived.wait(), 10 * self.timeout)
        joined = sum(s.joined for s in self.seats)
        c = self.teacher.client
        await c.wait_for(lambda cl: self.teacher.here >= joined, self.timeout)
        self.phases["join_s"] = time.perf_counter() - t
        t = time.perf_counter()
        self.poll_put_at = time.perf_counter()
        await c.wait_request(await c.click(ASK_KEY), self.timeout)
        self.poll_up.set()
        sending = [s for s in self.seats if s.joined]
        expected = len(sending)
        # Everyone answers within about expected * spacing s; wait for the count to reach them.
        deadline = self.timeout + expected * ANSWER_SPACING_S
        await c.wait_for(lambda cl: bool(self.teacher.counts) and
                         self.teacher.counts[-1][1] >= expected, deadline)
        self.phases["poll_s"] = time.perf_counter() - t
        node = c.find(REVEAL_KEY)
        if node is None:
            self.teacher.errors.append("no Reveal button on the Class page")
        else:
            self.revealed_at = time.perf_counter()
            await c.wait_request(await c.click(REVEAL_KEY), self.timeout)
        self.revealed.set()

    # ---- figures
    def latencies(self) -> list[float]:
        """Answer -> tally: the k-th answer sent against the first count >= k after it."""
        sent = sorted(s.sent_at for s in self.seats if s.sent_at is not None)
        out = []
        for k, t in enumerate(sent, start=1):
            seen = self.teacher.first_seen(k, after=t)
            if seen is not None:
                out.append(seen - t)
        return out

    def figures(self) -> dict:
        joined = [s for s in self.seats if s.joined]
        lat = self.latencies()
        reveal = [s.saw_reveal_s for s in self.seats if s.saw_reveal_s is not None]
        return {
            "class_join_ok": len(joined),
            "class_here_seen": self.teacher.here,
            "class_join_p95_s": _r(percentile([s.join_s for s in joined], 95)),
            "poll_answers_sent": sum(s.sent_at is not None for s in self.seats),
            "poll_answers_seen": max((n for _, n in self.teacher.counts), default=0),
            "answer_to_tally_p50_s": _r(percentile(lat, 50)),
            "answer_to_tally_p95_s": _r(percentile(lat, 95)),
            "answer_to_tally_max_s": _r(max(lat, default=None)),
            "answer_to_tally_n": len(lat),
            "reveal_seen": len(reveal),
            "reveal_right": sum(s.right for s in self.seats),
            "reveal_p95_s": _r(percentile(reveal, 95)),
            "class_problems": [s.problem for s in self.seats if s.problem][:5],
        }


class ClassBench:
    """classroom.Bench for a class in class mode: the same phases, but each student, once
    ready, takes part in the room (join, answer) before the barrier opens."""

    def __init__(self, b: "classroom.Bench", room: Room):
        self._b, self.room = b, room
        self.phases: dict[str, float] = {}

    def __getattr__(self, name):
        return getattr(self._b, name)

    async def prepare(self, student: Student) -> None:
        if not student.name.startswith("student"):  # not a probe the bench may add
            return await self._b.prepare(student)
        try:
            await self._b.prepare(student)
        except BaseException:
            self.room.absent()                      # the teacher does not wait for them
            raise
        await self.room.take_part(student)


# --------------------------------------------------------------------------- one pair
TRAINING_KEYS = ("done", "wall_s", "time_to_done_s", "aggregate_samples_per_s",
                 "bare_samples_per_s", "aggregate_share_of_bare", "fairness_max_over_min",
                 "tick_p95_s", "rerun_p95_s_loaded", "peak_rss_mb", "deterministic",
                 "students_per_replica", "loadavg_1m", "server_cpu_s", "server_cpu_us_per_sample")


def training(fig: dict) -> dict:
    out = {k: fig.get(k) for k in TRAINING_KEYS if k in fig}
    out["errors"] = len(fig.get("class_errors", []))
    return out


async def close_all(students: list[Student]) -> None:
    await asyncio.gather(*(s.close() for s in students), return_exceptions=True)


async def plain_class(b, solo: Student, bare: dict) -> dict:
    b.say("class mode: the same class without class mode")
    c = await classroom.class_run(b)
    await close_all(c.students)
    return classroom.figures(c, solo, bare)


async def class_in_class_mode(b, solo: Student, bare: dict,
                              store_env: dict[str, str] | None = None) -> tuple[dict, dict]:
    """One class in class mode; returns (the room's figures, the training figures)."""
    b.say("class mode: the teacher starts a class")
    teacher = await start_teacher(b.url, b.args.timeout)
    b.say(f"class mode: class {teacher.code}; {b.args.students} students join, answer a poll, "
          "then train with the teacher's page open")
    room = Room(b, teacher, b.args.students)
    cb = ClassBench(b, room)
    room.start()
    students: list[Student] = []
    try:
        c = await classroom.class_run(cb)
        students = c.students
        await room.finish()
        t = time.perf_counter()
        done = sum(s.done for s in c.ready)
        has_chart = await teacher.client.wait_for(lambda cl: chart_node(cl) is not None, 10)
        reached = has_chart and await teacher.client.wait_for(
            lambda cl: (runs_on_chart(cl)[0] or 0) >= done and runs_on_chart(cl)[2] >= done,
            CHART_TIMEOUT_S)
        room.phases["chart_catch_up_s"] = time.perf_counter() - t
        caption, lines, lines_done = runs_on_chart(teacher.client)
        fig = classroom.figures(c, solo, bare)
        # A wrong answer is said with st.error on the student's card after the reveal: expected.
        fig["class_errors"] = [e for e in fig.get("class_errors", []) if not e.startswith(WRONG)]
        room_fig = room.figures()
        room_fig.update({
            "class_runs_seen": caption if caption is not None else lines,
            "class_runs_lines": lines, "class_runs_done_on_chart": lines_done,
            "class_runs_caught_up": bool(reached),
            "class_runs_in_store": runs_in_store(store_env or {}, teacher.code),
            "teacher_replica": teacher.replica,
            "teacher_errors": (teacher.errors + teacher.client.errors)[:5],
            "class_mode_phases_s": {**{k: _r(v, 1) for k, v in room.phases.items()},
                                    **{k: _r(v, 1) for k, v in cb.phases.items()}},
        })
        with contextlib.suppress(Exception):        # tidy: the class ends, the store keeps it
            node = teacher.client.find(END_KEY)
            if node is not None:
                await teacher.client.wait_request(await teacher.client.click(END_KEY), 30)
        return room_fig, fig
    finally:
        await close_all(students)
        await teacher.client.close()


async def run(b, solo: Student, bare: dict) -> dict:
    """--class-mode: P pairs (plain class, class-mode class; the order alternates); the keys
    this module adds to the JSON line."""
    pairs = max(1, getattr(b.args, "class_mode_pairs", 1))
    kind, store_env = server_store(b.pid)
    out: dict = {"store": kind}
    if b.observer.closed:                      # the last round's leave() closed it
        await classroom.reopen_observer(b)
    records, room_fig, mode_fig, plain_fig = [], {}, {}, {}
    for i in range(pairs):
        if i % 2 == 0:
            plain_fig = await plain_class(b, solo, bare)
            room_fig, mode_fig = await class_in_class_mode(b, solo, bare, store_env)
        else:
            room_fig, mode_fig = await class_in_class_mode(b, solo, bare, store_env)
            plain_fig = await plain_class(b, solo, bare)
        p, m = plain_fig.get("aggregate_share_of_bare"), mode_fig.get("aggregate_share_of_bare")
        records.append({"pair": i + 1, "plain_share_of_bare": p, "class_mode_share_of_bare": m,
                        "ratio": _r(m / p, 3) if p and m else None,
                        "plain_done": plain_fig.get("done"), "class_mode_done": mode_fig.get("done"),
                        "answer_to_tally_p95_s": room_fig.get("answer_to_tally_p95_s"),
                        # like with like: wall time moves with the machine's noise, the server's
                        # CPU per sample less; the spread of finishing times shows a stall
                        "plain_cpu_us_per_sample": plain_fig.get("server_cpu_us_per_sample"),
                        "class_mode_cpu_us_per_sample": mode_fig.get("server_cpu_us_per_sample"),
                        "plain_time_to_done_s": plain_fig.get("time_to_done_s"),
                        "class_mode_time_to_done_s": mode_fig.get("time_to_done_s")})
        b.say(f"class mode pair {i + 1}/{pairs}: " + json.dumps(records[-1]))
    ratios = [r["ratio"] for r in records if r["ratio"] is not None]
    out.update(room_fig)                       # the last class's room figures
    out.update({
        "class_mode": training(mode_fig),
        "class_mode_plain": training(plain_fig),
        "class_mode_share_of_bare": mode_fig.get("aggregate_share_of_bare"),
        "plain_share_of_bare": plain_fig.get("aggregate_share_of_bare"),
        "class_mode_share_vs_plain": _r(statistics.median(ratios), 3) if ratios else None,
        "class_mode_pairs": records,
        "class_mode_errors": (mode_fig.get("class_errors", []) + plain_fig.get("class_errors", []))[:5],
    })
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options bench/classroom.py takes for class mode."""
    parser.add_argument("--class-mode", action="store_true",
                        help="then the class again in class mode (a teacher, a poll, the runs "
                             "chart) beside the same class without it: see bench/class_mode.py")
    parser.add_argument("--class-mode-pairs", type=int, default=1, metavar="P",
                        help="with --class-mode: plain and class-mode classes, P pairs")


def _r(value, digits: int = 3):
    if value is None:
        return None
    return round(value, digits) if digits else round(value)


# --------------------------------------------------------------------------- alone
async def run_alone(args, url: str, pid: int | None, ttl: int, ttl_source: str) -> dict:
    """classroom's warm-up, solo run and bare loop, then the pairs (no idle reruns, no extra
    class, no wait for the session TTL): `python bench/class_mode.py`."""
    say = lambda *a: print(*a, file=sys.stderr, flush=True)        # noqa: E731
    b = classroom.Bench(args, url, pid, classroom.KEY_PREFIX["train_naive"],
                        classroom.RssSampler(pid), StreamlitClient(url, name="observer"), say,
                        data_env=getattr(args, "data_env", None))
    t0 = time.perf_counter()
    b.rss.start()
    try:
        await classroom.warm_up(b)
        solo = await classroom.solo_run(b)
        bare = classroom.bare_loop(b, solo.summary)
        result = await run(b, solo, bare)
    finally:
        await b.rss.stop()
        with contextlib.suppress(Exception):
            await b.observer.close()
    return {"bench": "class_mode", "students": args.students, "preset": args.preset,
            "engine": args.engine, "epochs": args.epochs, "url_given": bool(args.url),
            "solo_final_loss": solo.final_loss, "bare": bare,
            "peak_rss_mb_by_server": {str(k): _r(v, 0) for k, v in b.rss.peak_by_server.items()},
            "cpu_count": os.cpu_count(), "bench_wall_s": _r(time.perf_counter() - t0, 1),
            **result}


def main() -> None:
    """`python bench/class_mode.py ARGS`: classroom.py's options (its server, --url, --pid,
    --students, --epochs ...), but only the phases class mode needs (run_alone), and only
    the JSON line on stdout (progress on stderr)."""
    sys.argv[1:1] = ["--class-mode", "--json-only"]
    classroom.run_bench = run_alone
    classroom.main()


if __name__ == "__main__":
    main()

"""A browser-less Streamlit client: Streamlit's own websocket protocol, spoken from asyncio.

    client = StreamlitClient("http://127.0.0.1:8501")
    await client.connect()
    await client.open_page("train_naive")                 # a full run, like loading the URL
    await client.click("naive_start")                     # a button, found by its user key
    await client.wait_for(lambda c: c.run_marker() and c.run_marker().status == "done",
                          timeout=600)
    await client.close()

It talks to ws://host:port/_stcore/stream with the protobufs that ship inside the
`streamlit` package (BackMsg out, ForwardMsg in) and behaves the way the browser
frontend of the same Streamlit version does. Where the behaviour is subtle, the comments
name what was mirrored; "frontend" means App.tsx / WidgetStateManager.ts of streamlit/
streamlit, checked against the minified bundle shipped in the wheel
(streamlit/static/static/js/index.*.js, Streamlit 1.67):

- Reruns: every rerun_script carries the client state (page, query string, widget
  states, fragment id, context info). A widget inside a fragment reruns only that fragment
  (the fragment id comes from the delta that drew the widget).
- Buttons are triggers: sent once with trigger_value=true, then forgotten.
- Fragment auto-reruns (ForwardMsg.auto_rerun): one repeating timer per fragment id
  (App.tsx handleAutoRerun). A message with the interval already running is ignored (the
  timer is not restarted); a new interval replaces the timer. Timers are cancelled by
  ForwardMsg.stop_auto_rerun, by the new_session of a *full-app* run (a run whose
  metadata.run.fragment_ids is empty; its own auto_rerun messages re-arm them) and by a page
  change. A timer fires whether or not a run is in progress: the rerun request goes out
  anyway and the server coalesces it (runtime/scriptrunner_utils/script_requests.py: a
  fragment auto-rerun never preempts a run, it waits behind it; requests for the same
  fragment merge into one).
- The element tree: deltas are applied at metadata.delta_path; when a run finishes
  successfully, elements it did not redraw are dropped (for a fragment run, only elements of
  that fragment), like the frontend's clearStaleNodes.

What this client leaves out (the browser does it, the server does not need it): the
ForwardMsg cache (we announce no cached hashes, so the server always sends full messages),
widget states for widgets we never touched (the browser echoes every widget's value on every
rerun; the server keeps a widget's last value when it is not sent), component iframes, media.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

DeltaPath = tuple[int, ...]            # metadata.delta_path: (root container, index, ...)
SCRIPT_FINISHED = ForwardMsg.ScriptFinishedStatus   # enum: FINISHED_SUCCESSFULLY, ... (a script
                                                    # run's end, not a training run's: see RUN_FINISHED)
STREAM_PATH = "/_stcore/stream"
_request_ids = itertools.count(1)


class ProtocolError(RuntimeError):
    """The server said something this client cannot follow (unknown page, bad widget...)."""


def widget_id_matches(widget_id: str, key: str) -> bool:
    """True when a widget id belongs to the user key `key`.

    Streamlit builds ids as "$$ID-<hash>-<user key>" (runtime/state/common.py,
    user_key_from_element_id); older versions ended with "-<key>" too. An id without a
    user key ends with "-None"."""
    return widget_id.split("-", 2)[-1] == key or widget_id.endswith(f"-{key}")


def element_text(element) -> str:
    """The human-readable text of one Element proto ('' for charts, images...)."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    if kind in ("markdown", "text", "heading", "alert"):
        return proto.body
    if kind == "progress":
        return proto.text
    if kind == "metric":
        return f"{proto.label}: {proto.body}"
    if kind == "exception":
        return f"{proto.type}: {proto.message}"
    if kind == "code":
        return proto.code_text
    if kind == "spinner":
        return proto.text
    if kind is not None and hasattr(proto, "label"):
        return proto.label                                 # widgets
    return ""


RUN_MARKER_ATTR = "data-run-status"
_DATA_ATTR = re.compile(r'\bdata-([a-z-]+)="([^"]*)"')


@dataclass(frozen=True)
class RunMarker:
    """A training page's run, for programs: lib/ui/live.py draws it beside the status line as
    st.html('<span data-run-status="done" data-batch="S" data-batches="T"
    data-samples="N" hidden></span>'), so nothing parses the sentence the student reads."""
    status: str            # idle, running, paused, done, stopped, diverged
    batch: int             # batches trained so far, over the whole run
    batches: int           # batches the whole run trains (0: not known)
    samples: int           # training samples so far


def parse_run_marker(html: str) -> RunMarker | None:
    """The RunMarker in an st.html body, or None when it carries none."""
    attrs = dict(_DATA_ATTR.findall(html))
    if "run-status" not in attrs:
        return None

    def number(name: str) -> int:
        value = attrs.get(name, "")
        return int(value) if value.isdigit() else 0
    return RunMarker(attrs["run-status"], number("batch"), number("batches"), number("samples"))


@dataclass
class Node:
    """One entry of the element tree: an element or a block, and who drew it."""
    element: Any = None            # Element proto, or None for a block
    block: Any = None              # Block proto, or None for an element
    run_id: str = ""               # script_run_id of the run that last drew it
    fragment_id: str = ""          # the fragment that drew it ("" = the main script)

    @property
    def kind(self) -> str:
        return self.element.WhichOneof("type") if self.element is not None else "block"

    @property
    def widget_id(self) -> str | None:
        if self.element is None:
            return None
        proto = getattr(self.element, self.kind)
        return getattr(proto, "id", None) or None


@dataclass
class Run:
    """One script run as the server announced it (new_session ... script_finished)."""
    run_id: str
    fragment_ids: tuple[str, ...]
    page_script_hash: str
    started: float
    finished: float | None = None
    status: int | None = None      # a ForwardMsg.ScriptFinishedStatus value

    @property
    def is_full(self) -> bool:
        return not self.fragment_ids


@dataclass
class RerunRequest:
    """A rerun_script we sent, and the run that answered it (matched by the client)."""
    id: int
    sent: float
    fragment_id: str | None
    is_auto_rerun: bool
    run_id: str | None = None      # the run currently expected to answer it
    finished: float | None = None
    status: int | None = None

    @property
    def duration(self) -> float | None:
        return None if self.finished is None else self.finished - self.sent


@dataclass
class Timer:
    interval: float
    task: asyncio.Task


@dataclass
class ClientStats:
    """Counters for a benchmark: what was sent, what came back."""
    messages: int = 0
    bytes: int = 0
    auto_reruns_sent: dict[str, int] = field(default_factory=dict)   # fragment id -> ticks sent
    runs_finished: int = 0


class StreamlitClient:
    """One browser tab's worth of Streamlit protocol, on the running asyncio loop."""

    def __init__(self, url: str, name: str = "client", timezone: str = "UTC",
                 on_message: Callable[["StreamlitClient", ForwardMsg], None] | None = None):
        parts = urllib.parse.urlsplit(url)
        self.http_url = f"{parts.scheme or 'http'}://{parts.netloc}"
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{ws_scheme}://{parts.netloc}{STREAM_PATH}"
        self.name = name
        self.timezone = timezone
        self.on_message = on_message
        self.ws = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Condition()
        self.closed = False
        self.close_reason: str | None = None
        # session
        self.session_id: str | None = None
        self.pages: dict[str, str] = {}            # url path -> page_script_hash
        self.page_names: dict[str, str] = {}       # page_script_hash -> title
        self.page_script_hash = ""
        self.url_path = ""
        self._navigation_seen = False
        self.script_is_running = False
        # runs and requests
        self.runs: dict[str, Run] = {}
        self.current_run: Run | None = None
        self.requests: list[RerunRequest] = []
        self._pending: list[RerunRequest] = []     # sent, not answered yet
        # the page as drawn
        self.tree: dict[DeltaPath, Node] = {}
        self.widget_states: dict[str, WidgetState] = {}    # only widgets we set
        self.timers: dict[str, Timer] = {}
        # what went wrong on the server, as the page showed it
        self.errors: list[str] = []
        self.stats = ClientStats()

    # ------------------------------------------------------------------ connection
    async def connect(self, timeout: float = 30.0) -> None:
        """Open the websocket. The browser sends "streamlit" as the subprotocol (then an
        XSRF token and, when reconnecting, the old session id, which we never do)."""
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
            # The browser never pings; it answers the server's pings, and so does the
            # websockets library, from its own background reader.
            ping_interval=None, close_timeout=5)
        self._reader = asyncio.create_task(self._read_loop(), name=f"{self.name}-reader")

    @property
    def replica(self) -> str | None:
        """Which replica answered the websocket, when a load balancer says so in an
        X-Replica header (deploy/haproxy.cfg adds one); None for a single server."""
        response = getattr(self.ws, "response", None)
        headers = getattr(response, "headers", None)
        return headers.get("X-Replica") if headers is not None else None

    async def close(self) -> None:
        """Close the tab: cancel timers, close the websocket (the server then stops the
        session's script and keeps the session for server.disconnectedSessionTTL)."""
        self._cancel_all_timers()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self.closed = True

    async def _read_loop(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.stats.messages += 1
                self.stats.bytes += len(data)
                self._handle(msg)
                if self.on_message is not None:
                    self.on_message(self, msg)
                async with self._changed:
                    self._changed.notify_all()
            self.close_reason = "closed by server"
        except asyncio.CancelledError:
            raise
        except Exception as exc:       # a broken connection ends this client, not the bench
            self.close_reason = f"{type(exc).__name__}: {exc}"
        finally:
            self.closed = True
            self._cancel_all_timers()
            with contextlib.suppress(Exception):
                async with self._changed:
                    self._changed.notify_all()

    async def wait_for(self, predicate: Callable[["StreamlitClient"], bool],
                       timeout: float) -> bool:
        """Wait until predicate(self) is true (checked after every message). Returns
        False on timeout or when the connection closed first."""
        async def _wait() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self) or self.closed)
        try:
            await asyncio.wait_for(_wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return predicate(self)

    # ------------------------------------------------------------------ sending
    def _client_state(self, fragment_id: str | None, is_auto_rerun: bool,
                      page_script_hash: str | None = None, page_name: str = "") -> ClientState:
        """The ClientState the frontend builds in App.tsx sendRerunBackMsg."""
        state = ClientState(query_string="", fragment_id=fragment_id or "",
                            is_auto_rerun=is_auto_rerun)
        state.page_script_hash = self.page_script_hash if page_script_hash is None \
            else page_script_hash
        state.page_name = page_name
        for widget in self.widget_states.values():
            state.widget_states.widgets.append(widget)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = self.timezone, 0, "en-US"
        info.url = f"{self.http_url}/{self.url_path}"
        info.is_embedded, info.color_scheme = False, "light"
        return state

    async def rerun(self, fragment_id: str | None = None, is_auto_rerun: bool = False,
                    page_script_hash: str | None = None, page_name: str = "") -> RerunRequest:
        """Send one rerun_script BackMsg; return the request (its answer is matched later)."""
        if self.closed or self.ws is None:
            raise ProtocolError(f"{self.name}: not connected ({self.close_reason})")
        msg = BackMsg()
        msg.rerun_script.CopyFrom(self._client_state(fragment_id, is_auto_rerun,
                                                     page_script_hash, page_name))
        request = RerunRequest(next(_request_ids), time.perf_counter(), fragment_id,
                               is_auto_rerun)
        self.requests.append(request)
        self._pending.append(request)
        # Triggers are one-shot: the frontend deletes them right after sending
        # (WidgetStateManager.scheduleFlush).
        for widget_id in [w for w, s in self.widget_states.items()
                          if s.WhichOneof("value") == "trigger_value"]:
            del self.widget_states[widget_id]
        await self.ws.send(msg.SerializeToString())
        return request

    async def wait_request(self, request: RerunRequest, timeout: float) -> bool:
        """Wait until the run answering `request` finished. False on timeout."""
        return await self.wait_for(lambda c: request.finished is not None, timeout)

    async def rerun_and_wait(self, timeout: float = 60.0, **kwargs) -> RerunRequest:
        request = await self.rerun(**kwargs)
        if not await self.wait_request(request, timeout):
            raise TimeoutError(f"{self.name}: no script_finished within {timeout:g} s "
                               f"({self.close_reason or 'still connected'})")
        return request

    # ------------------------------------------------------------------ pages
    async def open_page(self, url_path: str = "", timeout: float = 120.0) -> RerunRequest:
        """Load a page as a browser does: the first request names the page by its URL path
        (page_name, no script hash yet); later ones switch page by page_script_hash, after
        cancelling every auto-rerun timer (App.tsx onPageChange)."""
        if self.page_script_hash and url_path not in self.pages:
            raise ProtocolError(f"{self.name}: no page {url_path!r}; the app has "
                                f"{sorted(self.pages)}")
        self.url_path = url_path
        errors_before = len(self.errors)
        if not self.page_script_hash:
            request = await self.rerun(page_script_hash="", page_name=url_path)
        else:
            self._cancel_all_timers()
            self.widget_states.clear()
            self.tree.clear()                     # the old page's elements go (clearPageElements)
            request = await self.rerun(page_script_hash=self.pages[url_path])
        if not await self.wait_request(request, timeout):
            raise TimeoutError(f"{self.name}: page {url_path!r} did not finish in {timeout:g} s")
        problems = [e for e in self.errors[errors_before:] if e.startswith("page not found")]
        if self.exceptions():
            problems.append(f"page {url_path!r} raised: {self.exceptions()[0]}")
        if url_path in self.pages and self.pages[url_path] != self.page_script_hash:
            problems.append(f"asked for {url_path!r}, got page "
                            f"{self.page_names.get(self.page_script_hash, '?')!r}")
        if problems:
            raise ProtocolError(f"{self.name}: {problems[0]}")
        # The default page is listed under "" but answers to its own url path too.
        self.pages.setdefault(url_path, self.page_script_hash)
        return request

    # ------------------------------------------------------------------ widgets
    def find(self, key: str) -> Node | None:
        """The widget drawn with user key `key` in the current tree, or None."""
        for node in self.tree.values():
            widget_id = node.widget_id
            if widget_id and widget_id_matches(widget_id, key):
                return node
        return None

    def widget(self, key: str) -> Node:
        node = self.find(key)
        if node is None:
            keys = sorted({n.widget_id.split("-", 2)[-1] for n in self.tree.values()
                           if n.widget_id})
            raise ProtocolError(f"{self.name}: no widget with key {key!r}; keys: {keys}")
        return node

    async def click(self, key: str) -> RerunRequest:
        """Press a button: a trigger_value, sent once; the rerun is scoped to the fragment
        that drew the button, if any."""
        node = self.widget(key)
        proto = getattr(node.element, node.kind)
        if getattr(proto, "disabled", False):
            raise ProtocolError(f"{self.name}: button {key!r} is disabled")
        self.widget_states[node.widget_id] = WidgetState(id=node.widget_id, trigger_value=True)
        return await self.rerun(fragment_id=node.fragment_id or None)

    async def set_value(self, key: str, value: Any) -> RerunRequest:
        """Give a widget a new value (text_input, text_area, number_input, selectbox,
        radio, checkbox/toggle) and rerun, as the browser does when the user commits it."""
        node = self.widget(key)
        kind, proto = node.kind, getattr(node.element, node.kind)
        state = WidgetState(id=node.widget_id)
        if kind in ("text_input", "text_area"):
            state.string_value = str(value)
        elif kind == "number_input":
            state.double_value = float(value)       # value_type="double_value" for ints too
        elif kind in ("selectbox", "radio"):
            state.string_value = _pick_option(list(proto.options), value, key)
        elif kind == "checkbox":
            state.bool_value = bool(value)
        else:
            raise ProtocolError(f"{self.name}: setting a {kind} ({key!r}) is not supported")
        self.widget_states[node.widget_id] = state
        return await self.rerun(fragment_id=node.fragment_id or None)

    # ------------------------------------------------------------------ reading the page
    def elements(self) -> list[tuple[DeltaPath, Node]]:
        """Every element of the current tree, in page order."""
        return sorted((p, n) for p, n in self.tree.items() if n.element is not None)

    def texts(self, kind: str | None = None) -> list[str]:
        return [element_text(n.element) for _, n in self.elements()
                if kind is None or n.kind == kind]

    def run_marker_node(self) -> Node | None:
        """The (first) element carrying a training run's marker (see RunMarker), or None."""
        marked = [(p, n) for p, n in self.tree.items()
                  if n.kind == "html" and RUN_MARKER_ATTR in n.element.html.body]
        return min(marked, key=lambda pn: pn[0])[1] if marked else None

    def run_marker(self) -> "RunMarker | None":
        """What the page's training run marker says, None when the page shows none."""
        node = self.run_marker_node()
        return parse_run_marker(node.element.html.body) if node is not None else None

    def metric(self, label: str) -> str | None:
        for _, node in self.elements():
            if node.kind == "metric" and node.element.metric.label == label:
                return node.element.metric.body
        return None

    def block_labels(self) -> list[str]:
        """Labels of expanders (and other labelled blocks) in the tree."""
        return [n.block.expandable.label for n in self.tree.values()
                if n.block is not None and n.block.WhichOneof("type") == "expandable"]

    def exceptions(self) -> list[str]:
        return self.texts("exception")

    # ------------------------------------------------------------------ runs and timers
    @property
    def idle(self) -> bool:
        """No run in progress and no request waiting for its answer."""
        return not self.script_is_running and not self._pending

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        now = time.perf_counter()
        if kind == "new_session":
            self._on_new_session(msg, now)
        elif kind == "delta":
            self._on_delta(msg)
        elif kind == "script_finished":
            self._on_script_finished(msg, now)
        elif kind == "session_status_changed":
            self.script_is_running = msg.session_status_changed.script_is_running
        elif kind == "auto_rerun":
            self._on_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._cancel_timer(fragment_id)
        elif kind == "navigation":
            # st.navigation: the pages, and which one this run shows (the frontend's
            # currentPageScriptHash comes from here, AppNavigation.handleNavigation).
            if not self._navigation_seen:
                self.pages.clear()                # drop what new_session listed before
            self._navigation_seen = True
            self._set_pages(msg.navigation.app_pages)
            if msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event":
            event = msg.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                exc = event.script_compilation_exception
                self.errors.append(f"script compilation error: {exc.type}: {exc.message}")

    def _set_pages(self, app_pages) -> None:
        for page in app_pages:
            if page.url_pathname or page.is_default:
                self.pages[page.url_pathname] = page.page_script_hash
            self.page_names[page.page_script_hash] = page.page_name

    def _on_new_session(self, msg: ForwardMsg, now: float) -> None:
        new = msg.new_session
        if new.initialize.session_id:
            self.session_id = new.initialize.session_id
        if new.app_pages and not self._navigation_seen:   # pages/ folder apps
            self._set_pages(new.app_pages)
        run = Run(msg.metadata.run.script_run_id, tuple(msg.metadata.run.fragment_ids),
                  new.page_script_hash, now)
        self.runs[run.run_id] = run
        self.current_run = run
        if run.is_full:
            # A full-app run: the frontend cancels every auto-rerun timer here
            # (handleNewSession -> cleanupAutoReruns); this run's fragments re-arm theirs.
            self._cancel_all_timers()
            if not self.pages:                    # no st.navigation (yet): the run's page
                self.page_script_hash = new.page_script_hash
        # Match waiting requests to this run: a full run answers every request sent before
        # it started (the server folds fragment requests into a full rerun); a fragment run
        # answers the requests for its fragments. A request whose run never finished (a
        # fastReruns restart drops the old run's script_finished) moves on to this run.
        for request in self._pending:
            if request.sent <= now and (run.is_full or request.fragment_id in run.fragment_ids):
                request.run_id = run.run_id

    def _on_delta(self, msg: ForwardMsg) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        kind = delta.WhichOneof("type")
        run_id = self.current_run.run_id if self.current_run else ""
        if kind == "new_element":
            element = delta.new_element
            # An element replaces whatever was at its path, children included.
            for child in [p for p in self.tree if len(p) > len(path) and p[:len(path)] == path]:
                del self.tree[child]
            self.tree[path] = Node(element=element, run_id=run_id,
                                   fragment_id=delta.fragment_id)
            self._note_errors(element)
        elif kind == "add_block":
            # A block keeps its children until the run ends (they are redrawn or dropped).
            self.tree[path] = Node(block=delta.add_block, run_id=run_id,
                                   fragment_id=delta.fragment_id)
        elif kind == "new_transient":               # spinners and the like: note errors only
            for element in delta.new_transient.elements:
                self._note_errors(element)

    def _note_errors(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"exception: {element_text(element)}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.errors.append(f"st.error: {element.alert.body}")

    def _on_script_finished(self, msg: ForwardMsg, now: float) -> None:
        status = msg.script_finished
        run_id = msg.metadata.run.script_run_id if msg.metadata.HasField("run") else \
            (self.current_run.run_id if self.current_run else "")
        run = self.runs.get(run_id)
        if run is None:
            return
        run.finished, run.status = now, status
        if status == SCRIPT_FINISHED.FINISHED_EARLY_FOR_RERUN:
            # Interrupted for a rerun: its requests will be answered by the next run.
            for request in self._pending:
                if request.run_id == run_id:
                    request.run_id = None
            return
        self.stats.runs_finished += 1
        for request in self._pending:
            if request.run_id == run_id:
                request.finished, request.status = now, status
        self._pending = [r for r in self._pending if r.finished is None]
        if status == SCRIPT_FINISHED.FINISHED_SUCCESSFULLY:
            self._drop_stale(lambda node: node.run_id != run_id)
        elif status == SCRIPT_FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            fragments = set(run.fragment_ids)
            self._drop_stale(lambda node: node.fragment_id in fragments and node.run_id != run_id)
        if status == SCRIPT_FINISHED.FINISHED_SUCCESSFULLY:
            # The frontend forgets the states of widgets no longer drawn (removeInactive).
            alive = {n.widget_id for n in self.tree.values() if n.widget_id}
            for widget_id in [w for w in self.widget_states if w not in alive]:
                del self.widget_states[widget_id]

    def _drop_stale(self, is_stale: Callable[[Node], bool]) -> None:
        stale = [path for path, node in self.tree.items() if is_stale(node)]
        for path in stale:
            self.tree.pop(path, None)

    def _on_auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Mirror of App.tsx handleAutoRerun (Streamlit 1.67)."""
        if not fragment_id:
            return                                # the frontend warns and ignores it
        timer = self.timers.get(fragment_id)
        if timer is not None and timer.interval == interval:
            return                                # same interval: keep the running timer
        self._cancel_timer(fragment_id)
        task = asyncio.get_running_loop().create_task(
            self._tick(fragment_id, interval), name=f"{self.name}-tick-{fragment_id[:8]}")
        self.timers[fragment_id] = Timer(interval, task)

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """setInterval: fire every `interval` s at a fixed rate; missed beats are skipped,
        never queued, and a beat fires even while a run is in progress."""
        next_beat = time.perf_counter() + interval
        while not self.closed:
            await asyncio.sleep(max(0.0, next_beat - time.perf_counter()))
            next_beat += interval
            if next_beat < time.perf_counter():
                next_beat = time.perf_counter() + interval
            counts = self.stats.auto_reruns_sent
            counts[fragment_id] = counts.get(fragment_id, 0) + 1
            try:
                await self.rerun(fragment_id=fragment_id, is_auto_rerun=True)
            except Exception:                     # connection gone: the read loop reports it
                return

    def _cancel_timer(self, fragment_id: str) -> None:
        timer = self.timers.pop(fragment_id, None)
        if timer is not None:
            timer.task.cancel()

    def _cancel_all_timers(self) -> None:
        for fragment_id in list(self.timers):
            self._cancel_timer(fragment_id)


def _pick_option(options: list[str], value: Any, key: str) -> str:
    """A selectbox/radio sends the *formatted* option (format_func applied). Accept the
    exact text, or a raw value that the formatted text starts with ("compiled" for
    "compiled (same step in tf.function)")."""
    text = str(value)
    if text in options:
        return text
    starts = [o for o in options if re.match(rf"{re.escape(text)}\b", o)]
    if len(starts) == 1:
        return starts[0]
    raise ProtocolError(f"{value!r} is not one of the options of {key!r}: {options}")

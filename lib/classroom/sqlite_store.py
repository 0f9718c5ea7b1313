"""The class store in one SQLite file (the default): nothing to install, shared by every
process on the machine (every replica of deploy/serve.py), and it survives a restart.

WAL mode, so readers never wait for a writer; busy_timeout, so a writer waits for another
process's write instead of failing. One object holds two connections, one for reads and one
for writes, each behind its own lock (Streamlit runs each rerun in a new thread, so a
connection per thread would be opened again and again). A write is one BEGIN IMMEDIATE
transaction: the semantics in docstore.py read, check and write inside it.

Tables: classes(code PK, created_at, last_active, key_hash, v_state, v_answers, v_runs) and
parts(code, name, body JSON; PK (code, name)). versions() is one row by primary key.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable

from lib.classroom.base import MAX_CLASSES, EXPIRE_S, Refused, StoreDown
from lib.classroom.docstore import DocStore, Txn

BUSY_TIMEOUT_MS = 5000
SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY, created_at REAL NOT NULL, last_active REAL NOT NULL,
    key_hash TEXT NOT NULL, v_state INTEGER NOT NULL DEFAULT 0,
    v_answers INTEGER NOT NULL DEFAULT 0, v_runs INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS classes_by_activity ON classes(last_active);
CREATE TABLE IF NOT EXISTS parts (
    code TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (code, name)) WITHOUT ROWID;
"""
META = "created_at, last_active, key_hash, v_state, v_answers, v_runs"


def _dumps(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


class _SqlTxn(Txn):
    def __init__(self, conn: sqlite3.Connection, code: str, now: float, meta: dict | None):
        super().__init__(now, meta)
        self._conn, self._code = conn, code

    def _load(self, names_):
        found = {n: None for n in names_}
        for i in range(0, len(names_), 500):
            chunk = names_[i:i + 500]
            rows = self._conn.execute(
                f"SELECT name, body FROM parts WHERE code = ? AND name IN "
                f"({','.join('?' * len(chunk))})", (self._code, *chunk))
            for name, body in rows:
                found[name] = json.loads(body)
        return found


class SqliteStore(DocStore):
    kind = "sqlite"

    def __init__(self, path: str | os.PathLike, clock: Callable[[], float] = time.time, **kw):
        super().__init__(clock=clock, **kw)
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._w = self._connect()
            self._w.executescript(SCHEMA)
            self._r = self._connect()
        except (sqlite3.Error, OSError) as e:
            raise StoreDown(f"The class store cannot open its file ({type(e).__name__}). "
                            "The rest of Tensor Lab works as usual.") from e
        self._wlock = threading.Lock()
        self._rlock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def close(self) -> None:
        for conn in (getattr(self, "_r", None), getattr(self, "_w", None)):
            if conn is not None:
                conn.close()

    @staticmethod
    def _meta(row) -> dict | None:
        if row is None:
            return None
        return dict(zip(("created_at", "last_active", "key_hash", "v_state", "v_answers",
                         "v_runs"), row))

    # ------------------------------------------------------------------ primitives
    def _create(self, code, key_hash, state, now) -> bool:
        def work(conn):
            alive = conn.execute("SELECT count(*) FROM classes WHERE last_active >= ?",
                                 (now - EXPIRE_S,)).fetchone()[0]
            if alive >= MAX_CLASSES:
                raise Refused(f"This server has {MAX_CLASSES} classes already: try again "
                              "later, or end a class you no longer need.")
            if conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone():
                return False
            self._delete_before(conn, now - EXPIRE_S)     # keep the file small
            conn.execute(f"INSERT INTO classes (code, {META}) VALUES (?, ?, ?, ?, 0, 0, 0)",
                         (code, now, now, key_hash))
            conn.execute("INSERT INTO parts (code, name, body) VALUES (?, 'state', ?)",
                         (code, _dumps(state)))
            return True
        return self._write(work)

    def _versions(self, code):
        try:
            with self._rlock:
                return self._r.execute(
                    "SELECT v_state, v_answers, v_runs, last_active FROM classes "
                    "WHERE code = ?", (code,)).fetchone()
        except sqlite3.Error as e:
            raise self._down(e) from e

    def _transact(self, code, fn, write) -> Any:
        def work(conn):
            now = self.clock()
            meta = self._meta(conn.execute(f"SELECT {META} FROM classes WHERE code = ?",
                                           (code,)).fetchone())
            txn = _SqlTxn(conn, code, now, meta)
            result = fn(txn)
            if write and txn.dirty:
                conn.executemany(
                    "INSERT OR REPLACE INTO parts (code, name, body) VALUES (?, ?, ?)",
                    [(code, n, _dumps(d)) for n, d in txn.writes.items()])
                sets = ", ".join(f"v_{b} = v_{b} + 1" for b in sorted(txn.bumps))
                conn.execute(f"UPDATE classes SET last_active = ?{', ' if sets else ''}{sets} "
                             "WHERE code = ?", (now, code))
            return result
        return self._write(work) if write else self._read(work)

    def _expire(self, cutoff) -> int:
        return self._write(lambda conn: self._delete_before(conn, cutoff))

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _delete_before(conn, cutoff) -> int:
        conn.execute("DELETE FROM parts WHERE code IN "
                     "(SELECT code FROM classes WHERE last_active < ?)", (cutoff,))
        return conn.execute("DELETE FROM classes WHERE last_active < ?", (cutoff,)).rowcount

    @staticmethod
    def _down(e: Exception) -> StoreDown:
        return StoreDown(f"The class store is not answering ({type(e).__name__}). "
                         "The rest of Tensor Lab works as usual.")

    def _write(self, work):
        with self._wlock:
            conn = self._w
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise self._down(e) from e
            try:
                result = work(conn)
                conn.execute("COMMIT")
                return result
            except BaseException as e:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(e, sqlite3.Error):
                    raise self._down(e) from e
                raise

    def _read(self, work):
        with self._rlock:
            conn = self._r
            try:
                conn.execute("BEGIN")
                try:
                    return work(conn)
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as e:
                raise self._down(e) from e

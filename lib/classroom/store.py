"""The class store's interface: import everything class mode needs from here.

    from lib.classroom.store import open_store, Refused, StoreDown, Versions, ClassView

`open_store(spec)` picks the backend: spec, else env TENSORLAB_CLASS_STORE, else SQLite:
  "" or "sqlite"            -> $TENSORLAB_DATA_DIR (default <project>/.tensorlab)/classes.sqlite3
  "sqlite:///abs/path.db"   -> the file /abs/path.db (sqlite:////abs/path.db too)
  "redis://host:port/db"    -> a Redis server (keys under the prefix "tensorlab:"; add
                               "?prefix=name:" to the URL for another)
The object is thread-safe: make one per process (st.cache_resource) and share it.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from lib.classroom.base import (ENDED, EXPIRE_S, MAX_CLASSES, MAX_EPOCH, MAX_EPOCHS_PER_RUN,
                                MAX_GROUPS, MAX_LABEL, MAX_LINK, MAX_MEMBERS, MAX_NICKNAME,
                                MAX_QUESTIONS, MAX_RUNS_PER_SEAT, MAX_SETTING_TEXT, MAX_SETTINGS,
                                MAX_STUDENTS, MAX_TITLE, NOT_TEACHER, PRESENT_S, RATE_REPORTS,
                                RATE_WINDOW_S, RATE_WRITES, TOO_FAST, TOUCH_S, ClassStore,
                                ClassView, Member, Question, Refused, StoreDown, Versions)

PROJECT = Path(__file__).resolve().parents[2]
ENV_STORE = "TENSORLAB_CLASS_STORE"
ENV_DATA_DIR = "TENSORLAB_DATA_DIR"
DB_NAME = "classes.sqlite3"


def data_dir() -> Path:
    """Where class mode keeps its SQLite file: $TENSORLAB_DATA_DIR, else <project>/.tensorlab."""
    return Path(os.environ.get(ENV_DATA_DIR) or PROJECT / ".tensorlab")


def open_store(spec: str | None = None, clock: Callable[[], float] = time.time) -> ClassStore:
    """The store a spec names (see the module's docstring). StoreDown if it cannot be opened;
    ValueError for a spec that names no backend (a configuration mistake, not a user's)."""
    spec = (os.environ.get(ENV_STORE, "") if spec is None else spec).strip()
    if spec in ("", "sqlite"):
        from lib.classroom.sqlite_store import SqliteStore
        return SqliteStore(data_dir() / DB_NAME, clock=clock)
    if spec.startswith("sqlite:///"):
        from lib.classroom.sqlite_store import SqliteStore
        path = "/" + spec[len("sqlite:///"):].lstrip("/")     # sqlite:////abs works too
        return SqliteStore(path, clock=clock)
    if spec.startswith(("redis://", "rediss://", "unix://")):
        from lib.classroom.redis_store import RedisStore
        return RedisStore(spec, clock=clock)
    raise ValueError(f"{ENV_STORE} names no class store: {spec!r} "
                     "(use sqlite, sqlite:///abs/path.db or redis://host:port/db)")


__all__ = ["ENDED", "EXPIRE_S", "MAX_CLASSES", "MAX_EPOCH", "MAX_EPOCHS_PER_RUN", "MAX_GROUPS",
           "MAX_LABEL", "MAX_LINK", "MAX_MEMBERS", "MAX_NICKNAME", "MAX_QUESTIONS",
           "MAX_RUNS_PER_SEAT", "MAX_SETTING_TEXT", "MAX_SETTINGS", "MAX_STUDENTS", "MAX_TITLE",
           "NOT_TEACHER", "PRESENT_S", "RATE_REPORTS", "RATE_WINDOW_S", "RATE_WRITES",
           "TOO_FAST", "TOUCH_S", "ClassStore", "ClassView", "Member", "Question", "Refused",
           "StoreDown", "Versions", "data_dir", "open_store"]

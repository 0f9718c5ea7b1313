"""The class's training runs, as plain data: what a student's epoch report carries, the
runs ranked by test accuracy, and "split the room" (groups of settings, and which student
gets which). Pure Python: the store (lib/classroom/store.py) keeps the rows, lib/ui draws them.

The settings here are checked for their shape and bounds only (a number in range, a short
plain word): lib.classroom may not import lib.site, so lib/ui/class_runs.py checks every value
against the train page's own declaration (lib/site/views.py TRAIN_NAIVE) before a group is
sent, and again before a group's settings are written into a student's widgets.
"""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

# What a run report says about the run's settings (the page's names, lib/site/views.py).
REPORT_SETTINGS = ("preset", "init", "learning_rate", "batch_size", "engine")
# What a group of a split may set: the report's settings and the number of epochs.
SPLIT_SETTINGS = ("preset", "learning_rate", "batch_size", "init", "engine", "epochs")
MIN_GROUPS, MAX_GROUPS = 2, 3
MAX_WORD = 48               # a preset, init or engine name: the page's longest is 34 characters
MAX_LEARNING_RATE = 1e6     # as lib/train/config.py TrainConfig.validated
MAX_BATCH_SIZE = 8192
MAX_EPOCHS = 100            # a bound, not the page's (50): the page's declaration checks that
MAX_RUNS_SHOWN = 500        # rows read from the store for one chart (caps make it ~60 x a few)
MAX_EPOCHS_SHOWN = 100      # epochs of one run
MAX_GROUPS_SHOWN = 16       # a group number read from the store (the store's cap is lower)

COLOUR_BY = ("learning_rate", "preset", "batch_size", "init", "engine")
COLOUR_LABELS = {"learning_rate": "learning rate", "preset": "preset",
                 "batch_size": "batch size", "init": "initial weights", "engine": "engine"}
NO_VALUE = "(not set)"


# --------------------------------------------------------------------------- one setting

def check_setting(name: str, value: Any) -> Any:
    """`value` if its shape fits the setting `name`, else ValueError with a plain sentence.
    Numbers come back as float (learning rate) or int (batch size, epochs)."""
    if name == "learning_rate":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                math.isfinite(value) and 0 < value <= MAX_LEARNING_RATE):
            raise ValueError("learning_rate must be a number above 0, "
                             f"at most {MAX_LEARNING_RATE:g}")
        return float(value)
    if name in ("batch_size", "epochs"):
        top = MAX_BATCH_SIZE if name == "batch_size" else MAX_EPOCHS
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not (math.isfinite(value) and value.is_integer())) \
                or not 1 <= value <= top:
            raise ValueError(f"{name} must be a whole number from 1 to {top}")
        return int(value)
    if name in ("preset", "init", "engine"):
        if not isinstance(value, str) or not 0 < len(value) <= MAX_WORD or not value.isprintable():
            raise ValueError(f"{name} must be a short name (at most {MAX_WORD} characters)")
        return value
    raise ValueError(f"{str(name)[:MAX_WORD]!r} is not a setting a class run knows")


def check_settings(settings: Any, names: Sequence[str] = REPORT_SETTINGS) -> dict[str, Any]:
    """A dict of settings whose names are among `names`, each checked (check_setting)."""
    if not isinstance(settings, Mapping):
        raise ValueError("settings must be a dict of names and values")
    unknown = [str(n)[:MAX_WORD] for n in settings if n not in names]
    if unknown:
        raise ValueError(f"not a setting here: {', '.join(sorted(unknown))}")
    return {name: check_setting(name, settings[name]) for name in names if name in settings}


def report_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a run report carries, from the train page's values (name -> value)."""
    return check_settings({n: values[n] for n in REPORT_SETTINGS if values.get(n) is not None})


def value_text(name: str, value: Any) -> str:
    """A setting's value as the page shows it: 0.001, 128, book."""
    if value is None:
        return NO_VALUE
    if name == "learning_rate" and isinstance(value, (int, float)):
        return f"{value:g}"
    return str(value)


def settings_text(settings: Mapping[str, Any], sep: str = ", ") -> str:
    """learning_rate=0.1, preset=book (in SPLIT_SETTINGS order; unknown names left out)."""
    return sep.join(f"{n}={value_text(n, settings[n])}" for n in SPLIT_SETTINGS if n in settings)


# --------------------------------------------------------------------------- runs

def new_run_id() -> str:
    """A run's name in the class: 16 URL-safe characters, new for every run a student starts."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class RunRecord:
    """One student's run, as the class sees it."""
    member_id: str
    nickname: str
    run_id: str
    settings: dict
    epochs: tuple[tuple[int, float, float | None], ...]     # (epoch, mean loss, test accuracy)
    done: bool = False
    group: int | None = None        # the student's group in the teacher's split (from 0)

    @property
    def epochs_done(self) -> int:
        return self.epochs[-1][0] if self.epochs else 0

    @property
    def last_loss(self) -> float | None:
        return self.epochs[-1][1] if self.epochs else None

    @property
    def test_acc(self) -> float | None:
        """The latest test accuracy reported (None before any)."""
        return next((acc for _, _, acc in reversed(self.epochs) if acc is not None), None)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def record_from_row(row: Any) -> RunRecord | None:
    """A store row ({"member_id","nickname","run_id","settings","epochs":[(epoch, loss,
    test_acc)],"done"}) as a RunRecord; None for a row that is not of that shape. Settings
    that do not fit are left out, epochs that do not fit are skipped, and epochs are sorted."""
    if not isinstance(row, Mapping):
        return None
    member_id, nickname, run_id = row.get("member_id"), row.get("nickname"), row.get("run_id")
    if not all(isinstance(v, str) and v for v in (member_id, run_id)) or not isinstance(
            nickname, str):
        return None
    settings = {}
    raw = row.get("settings")
    for name in REPORT_SETTINGS:
        if isinstance(raw, Mapping) and name in raw:
            try:
                settings[name] = check_setting(name, raw[name])
            except ValueError:
                pass
    epochs: dict[int, tuple[int, float, float | None]] = {}
    for item in list(row.get("epochs") or ())[:MAX_EPOCHS_SHOWN * 2]:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            continue
        epoch, loss, acc = item
        if isinstance(epoch, bool) or not isinstance(epoch, int) or not 1 <= epoch <= MAX_EPOCHS:
            continue
        loss, acc = _number(loss), _number(acc)
        if loss is None or (acc is not None and not 0 <= acc <= 1):
            continue
        epochs[epoch] = (epoch, loss, acc)
    group = row.get("group")
    if isinstance(group, bool) or not isinstance(group, int) or not 0 <= group < MAX_GROUPS_SHOWN:
        group = None
    return RunRecord(member_id, nickname, run_id, settings,
                     tuple(epochs[e] for e in sorted(epochs))[:MAX_EPOCHS_SHOWN],
                     bool(row.get("done")), group)


def records_from_rows(rows: Iterable[Any]) -> list[RunRecord]:
    """The store's rows as records (at most MAX_RUNS_SHOWN), bad rows dropped."""
    records = []
    for row in rows:
        record = record_from_row(row)
        if record is not None:
            records.append(record)
            if len(records) >= MAX_RUNS_SHOWN:
                break
    return records


def latest_per_member(records: Iterable[RunRecord]) -> list[RunRecord]:
    """Each student's last run (the store lists a student's runs in the order they began),
    in the order the students first appear: one line per student on the chart."""
    latest: dict[str, RunRecord] = {}
    for record in records:
        latest[record.member_id] = record
    return list(latest.values())


def ranked(records: Iterable[RunRecord]) -> list[RunRecord]:
    """Best test accuracy first; runs without one last; ties by the lower loss, then name."""
    def key(r: RunRecord):
        acc, loss = r.test_acc, r.last_loss
        return (acc is None, -(acc or 0.0), math.inf if loss is None else loss,
                r.nickname.casefold(), r.run_id)
    return sorted(records, key=key)


def table_rows(records: Sequence[RunRecord]) -> list[dict[str, Any]]:
    """The teacher's table, one row per run in the given (ranked) order; a "group" column
    (counted from 1) when the room is split."""
    rows = []
    split = any(r.group is not None for r in records)
    for place, r in enumerate(records, start=1):
        s = r.settings
        rows.append({
            "#": place, "student": r.nickname,
            "test accuracy": None if r.test_acc is None else round(100 * r.test_acc, 1),
            "loss": None if r.last_loss is None else round(r.last_loss, 4),
            "epochs": r.epochs_done, "learning rate": value_text("learning_rate",
                                                                  s.get("learning_rate")),
            "preset": s.get("preset", NO_VALUE), "batch size": s.get("batch_size"),
            "init": s.get("init", NO_VALUE), "engine": s.get("engine", NO_VALUE),
            "status": "done" if r.done else "training",
        })
        if split:
            rows[-1]["group"] = None if r.group is None else r.group + 1
    return rows


def colour_key(record: RunRecord, by: str) -> str:
    """The legend entry a run falls under when the chart is coloured by setting `by`."""
    if by not in COLOUR_BY:
        raise ValueError(f"cannot colour by {by!r}")
    return value_text(by, record.settings.get(by))


def colour_keys(records: Iterable[RunRecord], by: str) -> list[str]:
    """The legend's entries, in order: numbers from small to large, names alphabetically,
    NO_VALUE last."""
    values = {}
    for r in records:
        values.setdefault(colour_key(r, by), r.settings.get(by))

    def order(item):
        text, value = item
        if value is None:
            return (2, 0.0, "")
        if isinstance(value, (int, float)):
            return (0, float(value), text)
        return (1, 0.0, text.casefold())
    return [text for text, _ in sorted(values.items(), key=order)]


# --------------------------------------------------------------------------- split the room

def check_groups(groups: Any) -> list[dict[str, Any]]:
    """MIN_GROUPS to MAX_GROUPS groups, each a non-empty dict of SPLIT_SETTINGS (checked),
    no two the same; else ValueError with a sentence for the teacher."""
    if not isinstance(groups, (list, tuple)) or not MIN_GROUPS <= len(groups) <= MAX_GROUPS:
        raise ValueError(f"Split the room into {MIN_GROUPS} to {MAX_GROUPS} groups.")
    checked = []
    for i, group in enumerate(groups, start=1):
        try:
            settings = check_settings(group, SPLIT_SETTINGS)
        except ValueError as err:
            raise ValueError(f"Group {i}: {err}.") from None
        if not settings:
            raise ValueError(f"Group {i} sets nothing: give it at least one setting.")
        if settings in checked:
            same = checked.index(settings) + 1
            raise ValueError(f"Group {i} has the same settings as group {same}.")
        checked.append(settings)
    return checked


def assign_groups(member_ids: Sequence[str], n_groups: int) -> dict[str, int]:
    """Which group each student gets: in the order they joined, 0, 1, ..., n-1, 0, 1, ...
    (so the groups differ in size by at most one). The store assigns the same way."""
    if not MIN_GROUPS <= n_groups <= MAX_GROUPS:
        raise ValueError(f"Split the room into {MIN_GROUPS} to {MAX_GROUPS} groups.")
    return {member: i % n_groups for i, member in enumerate(member_ids)}


def group_settings(split: Any, group: Any) -> dict[str, Any] | None:
    """The settings of group `group` in a split as the store keeps it ({"groups": [...],
    "sent_at": t}), checked; None when there is no split, no group, or it does not fit."""
    if not isinstance(split, Mapping) or isinstance(group, bool) or not isinstance(group, int):
        return None
    groups = split.get("groups")
    if not isinstance(groups, (list, tuple)) or not 0 <= group < min(len(groups), MAX_GROUPS):
        return None
    try:
        return check_settings(groups[group], SPLIT_SETTINGS) or None
    except ValueError:
        return None

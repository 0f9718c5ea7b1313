"""A page's settings, declared once: name, default, allowed values, label; and the one
place that writes a setting into a URL and reads it back.

From one declaration the page gets its widgets (lib/ui/bound.py `setting_widget`, which
also binds each one to the URL), a validated dict of values for its config object, and the
defaults. Like TensorFlow Playground's state.ts: every setting is declared in one place.

The URL: `Setting.label_of` writes a value as Streamlit writes a bound widget's value,
`Setting.from_url` reads a link's text back (as user input); `PageSettings.link_params` and
`PageSettings.view_params` make a page's query parameters, `query_string` and `view_url` the
link itself. PROJECTOR is the one setting every page shares (?projector=true).

Values that arrive from outside (a URL, a stale session) are user input: `Setting.check`
accepts only the declared type and range, and `PageSettings.read` falls back to the default,
with a note saying why, for anything else. Text settings name a whitelist parser (for
example lib.rules.shapes.parse_shape) that never evaluates anything.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

MAX_TEXT = 300                 # characters: longer text from a URL is refused before parsing

WIDGETS = ("select_slider", "selectbox", "radio", "multiselect", "number", "slider", "text",
           "toggle")
CHOICES = ("select_slider", "selectbox", "radio")


@dataclass(frozen=True)
class Setting:
    """One setting of a page."""
    name: str                              # field of the page's config, e.g. "learning_rate"
    key: str                               # widget key, session-state key and URL parameter
    default: Any
    label: str
    widget: str                            # one of WIDGETS
    options: tuple = ()                    # allowed values of a choice widget
    min_value: float | None = None         # numbers and sliders
    max_value: float | None = None
    step: float | None = None
    parse: Callable[[str], Any] | None = None   # text widgets: a whitelist parser (raises ValueError)
    format: Callable[[Any], str] | None = None  # how a choice is shown
    help: str = ""
    max_chars: int | None = None           # text widgets: the box refuses more

    def __post_init__(self) -> None:
        if self.widget not in WIDGETS:
            raise ValueError(f"unknown widget {self.widget!r}")
        if self.widget in CHOICES + ("multiselect",) and not self.options:
            raise ValueError(f"{self.name}: a choice needs options")

    def default_for(self, options: Sequence | None = None) -> Any:
        """The default; a choice declared with default None takes its last option (e.g. the
        largest training-set size the loaded data allows)."""
        if self.default is None and self.widget in CHOICES and (options or self.options):
            return tuple(options or self.options)[-1]
        if self.widget in ("number", "slider") and options is not None:
            low, high = options                       # run-time bounds: keep the default inside
            return min(max(self.default, low), high)
        return self.default

    def label_of(self, value: Any) -> str:
        """How a value reads in a link: Streamlit writes a choice as its label (the
        format function's text), a number as its digits, a toggle as true/false."""
        if self.widget in CHOICES:
            return (self.format or str)(value)
        if self.widget == "multiselect":
            return ",".join((self.format or str)(v) for v in value)
        if self.widget == "toggle":
            return "true" if value else "false"
        if isinstance(value, float) and value == int(value) and isinstance(self.default, int):
            return str(int(value))
        return str(value)

    def from_url(self, text: Any, options: Sequence | None = None) -> Any:
        """The value a link's text stands for, checked like any user input, or ValueError.
        Bounded: text longer than MAX_TEXT is refused before anything parses it."""
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise ValueError(f"{self.label}: the link's value is too long")
        text = text.strip()
        if self.widget in CHOICES:
            return self._option(text, options)
        if self.widget == "multiselect":
            return self.check(tuple(self._option(part, options) for part in text.split(",")
                                    if part.strip()), options)
        if self.widget == "toggle":
            if text.lower() in ("true", "1", "on", "yes"):
                return True
            if text.lower() in ("false", "0", "off", "no"):
                return False
            raise ValueError(f"{self.label}: {_quote(text)} is neither on nor off")
        if self.widget == "text":
            return self.check(text, options)
        return self.check(_number(text, integer=isinstance(self.default, int)
                                  and not isinstance(self.step, float)), options)

    def _option(self, text: str, options: Sequence | None) -> Any:
        allowed = tuple(options) if options is not None else self.options
        text = text.strip()
        for option in allowed:
            if text in ((self.format or str)(option), str(option)):
                return option
        raise ValueError(f"{self.label}: {_quote(text)} is not one of the choices")

    def check(self, value: Any, options: Sequence | None = None) -> Any:
        """`value` if it is allowed, else ValueError with a sentence for the student.
        `options` overrides the declared ones (choices known only at run time)."""
        if self.widget in CHOICES:
            allowed = tuple(options) if options is not None else self.options
            if value not in allowed:
                raise ValueError(f"{self.label}: {value!r} is not one of the choices")
            return value
        if self.widget == "multiselect":
            allowed = tuple(options) if options is not None else self.options
            if not isinstance(value, (list, tuple)) or len(value) > len(allowed) or any(
                    v not in allowed for v in value) or len(set(value)) != len(value):
                raise ValueError(f"{self.label}: not a selection of the choices")
            return tuple(value)
        if self.widget == "toggle":
            if not isinstance(value, bool):
                raise ValueError(f"{self.label}: expected on or off")
            return value
        if self.widget == "text":
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise ValueError(f"{self.label}: at most {MAX_TEXT} characters")
            if self.parse is not None:
                self.parse(value)                  # raises ValueError with its own reason
            return value
        return self._check_number(value, options)

    def _check_number(self, value: Any, bounds: Sequence | None = None) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"{self.label}: expected a number")
        low, high = bounds if bounds is not None else (self.min_value, self.max_value)
        if low is not None and value < low:
            raise ValueError(f"{self.label}: at least {low:g}")
        if high is not None and value > high:
            raise ValueError(f"{self.label}: at most {high:g}")
        return type(self.default)(value) if isinstance(self.default, (int, float)) else value


def _quote(text: str, limit: int = 30) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _number(text: str, integer: bool) -> int | float:
    """A plain decimal number (no expressions, no huge exponents), or ValueError."""
    if len(text) > 40:
        raise ValueError("that number is too long")
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise ValueError(f"{_quote(text)} is not a {'whole ' if integer else ''}number") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{_quote(text)} is not a finite number")
    return value


@dataclass(frozen=True)
class PageSettings:
    """The settings of one page, in the order the page shows them."""
    settings: tuple[Setting, ...]
    by_name: dict[str, Setting] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {s.name: s for s in self.settings})
        keys = [s.key for s in self.settings]
        if len(set(keys)) != len(keys) or len(self.by_name) != len(self.settings):
            raise ValueError("setting names and keys must be unique")

    def __getitem__(self, name: str) -> Setting:
        return self.by_name[name]

    def __iter__(self) -> Iterable[Setting]:
        return iter(self.settings)

    def defaults(self) -> dict[str, Any]:
        return {s.name: s.default for s in self.settings}

    def keys(self) -> dict[str, str]:
        """name -> widget key."""
        return {s.name: s.key for s in self.settings}

    def read(self, state: Mapping[str, Any], options: Mapping[str, Sequence] | None = None
             ) -> tuple[dict[str, Any], list[str]]:
        """The values in `state` (session state: widget keys), each checked; a missing
        value takes its default silently, a bad one its default with a note."""
        values, notes = {}, []
        for s in self.settings:
            allowed = (options or {}).get(s.name)
            default = s.default_for(allowed)
            if s.key not in state:
                values[s.name] = default
                continue
            try:
                values[s.name] = s.check(state[s.key], allowed)
            except ValueError as err:
                values[s.name] = default
                notes.append(f"{err}; using the default, {default!r}.")
        return values, notes

    def link_params(self, values: Mapping[str, Any]) -> dict[str, str]:
        """Query parameters for a link that opens the page with these values (only the
        ones that differ from the defaults, as Streamlit itself writes them)."""
        params = {}
        for name, value in values.items():
            s = self[name]
            if value != s.default:
                s.check(value)
                params[s.key] = s.label_of(value)
        return params

    def view_params(self, state: Mapping[str, Any]) -> dict[str, str]:
        """The query parameters of the view a student is looking at: each setting whose
        value in `state` (session state, by widget key) differs from its default, written
        the way Streamlit writes a bound widget's value. Values of the wrong kind are left
        out (the link then opens that setting's default)."""
        params = {}
        for s in self.settings:
            if s.key not in state:
                continue
            value = state[s.key]
            if s.widget == "multiselect" and isinstance(value, (list, tuple)):
                value = tuple(value)
            if value == s.default or value is None:
                continue
            try:
                text = s.label_of(value)
                s.from_url(text, _known_options(s, value))      # the link must read back
            except (ValueError, TypeError, KeyError, IndexError):
                continue
            params[s.key] = text
        return params

    def state_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Widget keys -> values, e.g. to apply a preset to the widgets. A name the page
        does not declare is an error, and so is a value of the wrong kind (a text box takes
        any text: an example may be one the page refuses, to show why)."""
        unknown = set(values) - set(self.by_name)
        if unknown:
            raise KeyError(f"not declared by this page: {sorted(unknown)}")
        state = {}
        for name, value in values.items():
            s = self[name]
            if s.widget == "text":
                if not isinstance(value, str) or len(value) > MAX_TEXT:
                    raise ValueError(f"{s.label}: at most {MAX_TEXT} characters of text")
            else:
                value = s.check(value)
            state[s.key] = value
        return state


def _known_options(s: Setting, value: Any):
    """Choices and bounds known only at run time: accept the value the page allowed."""
    if s.widget in ("number", "slider"):
        low = s.min_value if s.min_value is not None else value
        high = s.max_value if s.max_value is not None else value
        return (min(low, value), max(high, value))
    if s.widget in CHOICES:
        return s.options if value in s.options else (*s.options, value)
    return None


def query_string(params: Mapping[str, str]) -> str:
    """key=value&... with the characters of shapes and indices left readable: (32, 10)
    is written (32,%2010), not %2832%2C+10%29."""
    from urllib.parse import quote, urlencode

    return urlencode(params, quote_via=quote, safe="()[],:*")


def view_url(base: str, params: Mapping[str, str]) -> str:
    """`base` (the page's address, without a query) with these query parameters."""
    base = base.split("?", 1)[0].split("#", 1)[0]
    return base + ("?" + query_string(params) if params else "")


# Projector mode, a setting of every page (lib/ui/projector.py draws it in the sidebar).
PROJECTOR = Setting("projector", "projector", False, "📽️ Projector mode", "toggle",
                    help="Larger text, code and numbers for a room; the sidebar folds away. "
                         "Kept in the link, so every page you open next is shown the same way.")

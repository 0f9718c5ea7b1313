"""The widgets a page's declared settings draw (lib/site/settings.py), each bound to the URL
under its key, and the one way a page writes its settings (a preset, an example button):
through the declaration (`apply`), never by a raw session key. Reading and writing a
setting's text in a URL is lib/site/settings.py's job; this module only asks Streamlit for
the link's text (st.query_params) and hands it over.

Imports: lib.site, lib.ui.widgets (furniture) only; lib/ui/projector.py imports this."""
from __future__ import annotations

from typing import Any, Mapping

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib.site.settings import PageSettings
from lib.ui.widgets import show_error


def apply(settings: PageSettings, values: Mapping[str, Any]) -> None:
    """Write these values (by setting name) into the page's widgets, checked against their
    declaration (PageSettings.state_for): a preset, an example, a value clamped to what
    the data allows. Call it in a widget's callback, or before the widget is drawn."""
    st.session_state.update(settings.state_for(values))


def _one(setting, value) -> dict:
    """One setting's widget key -> value, checked like apply's."""
    return PageSettings((setting,)).state_for({setting.name: value})


_LAST_GOOD = "_last_good"


def keep_last_good(name: str, value: Any) -> None:
    """Remember the last input of a page's `name` that could be drawn (not a setting: what
    the page falls back to while the student's text does not read)."""
    st.session_state.setdefault(_LAST_GOOD, {})[name] = value


def last_good(name: str, default: Any = None) -> Any:
    """What keep_last_good remembered for `name`, else `default`."""
    return st.session_state.get(_LAST_GOOD, {}).get(name, default)


def example_buttons(examples: list[str], setting, columns: int = 3,
                    key_prefix: str = "example") -> None:
    """One button per example; a click writes it into the declared text setting `setting`
    (through its declaration: apply)."""
    def choose(text: str) -> None:
        st.session_state.update(_one(setting, text))
    cols = st.columns(columns)
    for i, text in enumerate(examples):
        with cols[i % columns]:
            st.button(f"`{text}`", key=f"{key_prefix}_{i}", on_click=choose, args=(text,),
                      width="stretch")


def shape_pair_inputs(first, second, presets: dict[str, tuple[str, str]], key: str):
    """Preset buttons + two typed shapes, the declared text settings `first` and `second`
    (bound to the URL, read by their own whitelist parsers). A preset's button writes both
    boxes in a callback. Returns the two parsed shapes, or None after showing why one
    cannot be read (nothing is allocated: shapes only)."""
    def choose(pair: tuple[str, str]) -> None:
        st.session_state.update({**_one(first, pair[0]), **_one(second, pair[1])})
    cols = st.columns(len(presets))
    for i, (label, pair) in enumerate(presets.items()):
        cols[i].button(label, key=f"{key}_preset_{i}", on_click=choose, args=(pair,),
                       width="stretch")
    shapes = []
    for col, setting in zip(st.columns(2), (first, second)):
        text = setting_widget(setting, col)
        try:
            shapes.append(setting.parse(text))
        except ValueError as err:
            show_error(f"{setting.label}: {err}")
            return None
    return tuple(shapes)


LINK_FIXES, LINK_NOTES = "_link_fixes", "_link_notes"


def take_link_value(setting, options=None, default=None) -> object:
    """Before a bound widget is first drawn in this session: check the link's value (the
    URL's query parameter of the same name) with the setting's own rules. A refused value is
    replaced by the default, and a sentence saying why waits in LINK_NOTES for the page.
    Returns the value the widget must show, or None when there is nothing to enforce.
    Streamlit drops values it cannot use on its own, but a text box takes any text from the
    URL, so setting_widget checks what the widget shows and, if it kept a refused value,
    replaces it on one more run (LINK_FIXES)."""
    key, state = setting.key, st.session_state
    fixes = state.setdefault(LINK_FIXES, {})
    if key in fixes:                              # the run after a refused link value
        state[key] = fixes.pop(key)
        return state[key]
    if key in state or key not in st.query_params:
        return None
    try:
        state[key] = setting.from_url(_link_text(setting), options)
        return None
    except ValueError as err:
        state[key] = setting.default_for(options) if default is None else default
        state.setdefault(LINK_NOTES, {})[key] = (
            f"🔗 The link's {setting.label} was not used ({err}); showing the default.")
        return state[key]


def _link_text(setting) -> str:
    """The link's text for a setting. Streamlit writes a multiselect as one parameter per
    choice (?k=a&k=b), our links as one (?k=a,b): both read as "a,b"."""
    values = st.query_params.get_all(setting.key)
    return ",".join(values) if setting.widget == "multiselect" else st.query_params.get(setting.key)


def setting_value(setting, options=None):
    """The value `setting`'s widget will show when the page draws it later in this run, for
    a page that needs it sooner (read only: the session's value, else the link's if its
    rules allow it, else the default)."""
    if setting.widget in ("number", "slider"):
        options = tuple(options) if options is not None else None
    state = st.session_state
    if setting.key in state and _still_allowed(setting, state[setting.key], options):
        return state[setting.key]
    if setting.key not in state and setting.key in st.query_params:
        try:
            return setting.from_url(_link_text(setting), options)
        except ValueError:
            pass
    return setting.default_for(options)


def setting_widget(setting, where=None, *, options=None, default=None, on_change=None,
                   disabled: bool = False, bind: bool = True):
    """Draw the widget a lib.site.settings.Setting declares, under its key, and return its value.

    The widget is bound to the URL (`bind="query-params"`, the key is the parameter's
    name), so a link opens this view; a link's value goes through the setting's checks
    first (take_link_value). `options` replaces declared choices known only at run time
    (for a number or a slider: its (min, max)); `default` replaces the declared default
    (e.g. the settings of the run already in this session). A value left in the session
    that is no longer allowed (the choices changed) falls back to the default.
    """
    where = where if where is not None else st
    if setting.widget in ("number", "slider"):
        options = tuple(options) if options is not None else None
    else:
        options = tuple(options) if options is not None else setting.options
    start = setting.default_for(options) if default is None else default
    key, state = setting.key, st.session_state
    wanted = take_link_value(setting, options, default) if bind else None
    refused = key in state.get(LINK_NOTES, {})
    if refused:
        _drop_link_value(key)
    if key in state and not _still_allowed(setting, state[key], options):
        del state[key]
    # When the session already holds a value it wins: we then pass Streamlit's own default
    # for `value`/`index`, which it ignores without warning about a conflict.
    fresh = key not in state
    common = dict(key=key, help=setting.help or None, on_change=on_change, disabled=disabled,
                  bind="query-params" if bind and not refused else None)
    value = _draw(setting, where, options, start, fresh, common)
    if wanted is not None and value != wanted:    # the URL's text won over session state
        state[LINK_FIXES][key] = wanted
        st.rerun()
    note = state.get(LINK_NOTES, {}).pop(key, None)
    if note:
        where.caption(note)
    return value


def _drop_link_value(key: str) -> None:
    """A refused link value leaves the URL, and its widget is drawn unbound on this run:
    otherwise Streamlit reads the text itself when it binds the widget, and some texts
    break it (an integer box given "1e309" raises OverflowError inside Streamlit 1.67).
    From the next run on the widget is bound again and the URL follows it."""
    try:
        del st.query_params[key]
    except (KeyError, StreamlitAPIException):       # not there, or already bound
        pass


def _still_allowed(setting, value, options) -> bool:
    """May a value left in the session stay? A text box keeps what the student typed, even
    text the page then refuses with its own message (only a link's text must parse)."""
    if setting.widget == "text":
        return isinstance(value, str)
    try:
        setting.check(value, options)
    except ValueError:
        return False
    return True


def _draw(setting, where, options, start, fresh: bool, common: dict):
    fmt = setting.format or str
    kind = setting.widget
    low, high = options if kind in ("number", "slider") and options else (setting.min_value,
                                                                           setting.max_value)
    if kind == "select_slider":
        return where.select_slider(setting.label, options, value=start if fresh else None,
                                   format_func=fmt, **common)
    if kind in ("selectbox", "radio"):
        draw = where.selectbox if kind == "selectbox" else where.radio
        extra = {"horizontal": True} if kind == "radio" else {}
        return draw(setting.label, options, index=options.index(start) if fresh else 0,
                    format_func=fmt, **extra, **common)
    if kind == "multiselect":
        return tuple(where.multiselect(setting.label, options, default=list(start) if fresh
                                       else None, format_func=fmt, **common))
    if kind == "number":
        return where.number_input(setting.label, low, high, value=start if fresh else "min",
                                  step=setting.step, **common)
    if kind == "slider":
        return where.slider(setting.label, low, high, value=start if fresh else None,
                            step=setting.step, **common)
    if kind == "text":
        return where.text_input(setting.label, value=start if fresh else "",
                                max_chars=setting.max_chars, **common)
    return where.toggle(setting.label, value=bool(start) if fresh else False, **common)


def settings_expander(settings, rows, summary, *, options=None, defaults=None,
                      on_change=None) -> dict:
    """A page's declared settings folded into one expander whose title sums them up.
    `rows` lists setting names per row (column widths follow the number of names);
    `summary` is the title, or a function of {name: value} that writes it from the values
    the widgets are about to show (a link's included); `options`, `defaults` and
    `on_change` map names to run-time choices, starting values and callbacks. Returns
    {name: value}, every value checked against its declaration."""
    options, defaults, on_change = options or {}, defaults or {}, on_change or {}
    if callable(summary):
        summary = summary({s.name: _upcoming(s, options.get(s.name), defaults.get(s.name))
                           for s in settings})
    with st.expander(summary, expanded=False):
        for names in rows:
            _settings_columns(settings, names, options, defaults, on_change)
    values, _ = settings.read(st.session_state, options)
    return values


def settings_row(settings, names, *, options=None, defaults=None, on_change=None) -> dict:
    """The declared settings `names` in one row, as settings_expander draws each of its
    rows, but in the open. Returns {name: value} for every setting of `settings`."""
    options = options or {}
    _settings_columns(settings, names, options, defaults or {}, on_change or {})
    values, _ = settings.read(st.session_state, options)
    return values


def _settings_columns(settings, names, options, defaults, on_change) -> None:
    """One widget per name, side by side in equal columns."""
    for column, name in zip(st.columns(len(names)), names):
        setting_widget(settings[name], column, options=options.get(name),
                       default=defaults.get(name), on_change=on_change.get(name))


def _upcoming(setting, options, default):
    """setting_value, with the page's own starting value when neither session nor link
    has one."""
    if default is not None and setting.key not in st.session_state and \
            setting.key not in st.query_params:
        return default
    return setting_value(setting, options)

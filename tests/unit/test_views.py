"""lib/views.py: every page's settings, declared once, make links that open that view."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from lib.chapter import PAGES
from lib.views import BY_PAGE, link

HOSTILE = ["", "x" * 10_000, "__import__('os')", "(" + "1, " * 1_000_000 + ")", "1e309",
           "nan", "-1e9", "\x00", "true; rm -rf /", "[" * 500]


def test_every_page_with_widgets_declares_them():
    assert set(BY_PAGE) <= {p.url_path for p in PAGES}
    keys = [s.key for settings in BY_PAGE.values() for s in settings]
    assert len(keys) == len(set(keys)), "a widget key serves one page only"


@pytest.mark.parametrize("page", sorted(BY_PAGE))
def test_defaults_pass_their_own_checks(page):
    for s in BY_PAGE[page]:
        s.check(s.default_for())


def other_value(s):
    """A value different from the default that the setting allows."""
    if s.widget in ("select_slider", "selectbox", "radio"):
        return next(o for o in s.options if o != s.default_for())
    if s.widget == "multiselect":
        return tuple(s.options[:1])
    if s.widget == "toggle":
        return not s.default
    if s.widget == "text":
        return {"slicing_expr": "train_images[::2, 7:-7]", "transpose_nd_axes": "(1, 0, 2, 3)"
                }.get(s.key, "(2, 3)" if "-1" not in s.label else "(3, -1)")
    value = s.max_value if s.default != s.max_value else s.min_value
    return type(s.default)(value)


@pytest.mark.parametrize("page", sorted(BY_PAGE))
def test_a_link_carries_every_setting_and_reads_back(page):
    settings = BY_PAGE[page]
    values = {s.name: other_value(s) for s in settings}
    url = link(page, **values)
    params = dict(parse_qsl(urlsplit(url).query))
    assert urlsplit(url).path == page
    for s in settings:
        assert s.from_url(params[s.key]) == values[s.name], s.key


@pytest.mark.parametrize("page", sorted(BY_PAGE))
def test_hostile_link_values_are_refused_with_a_sentence(page):
    for s in BY_PAGE[page]:
        for text in HOSTILE:
            try:
                value = s.from_url(text)
            except ValueError as err:
                assert str(err)
            else:                                  # accepted: then it is a value it allows
                assert s.check(value) == value


def test_links_leave_out_defaults_and_can_ask_for_projector_mode():
    assert link("broadcasting") == "broadcasting"
    assert link("broadcasting", projector=True) == "broadcasting?projector=true"
    url = link("broadcasting", x="(64, 3, 32, 10)", y="(32, 10)", op="maximum")
    assert dict(parse_qsl(urlsplit(url).query)) == {
        "bc_x": "(64, 3, 32, 10)", "bc_y": "(32, 10)", "bc_op": "np.maximum(x, y)"}
    with pytest.raises(ValueError):
        link("broadcasting", op="power")
    with pytest.raises(KeyError):
        link("broadcasting", nonsense=1)

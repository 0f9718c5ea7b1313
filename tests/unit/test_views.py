"""lib/site/views.py: every page's settings, declared once, make links that open that view."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from lib.site.chapter import PAGES
from lib.site.chapter import BY_PAGE, link, page_path

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
    assert urlsplit(url).path == page_path(page)
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


def test_the_home_page_is_the_apps_root():
    """Streamlit serves the default page at the root, not at /home (which says 'Page not
    found'): a relative link to it is ./ with its query."""
    assert link("home") == "./" and link("home", digit=7) == "./?home_digit=7"
    assert link("slicing") == "slicing"


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


def test_the_view_on_screen_as_query_parameters():
    """view_params: what '🔗 Link to this view' puts in the URL, from session state."""
    from lib.site.chapter import view_params
    from lib.site.settings import view_url

    state = {"bc_x": "(3, 1)", "bc_y": "(10,)", "bc_op": "maximum", "bc_step": 2,
             "quiz_answer": "(3, 4)", "naive_lr": 0.1}             # others are not this page's
    params = view_params("broadcasting", state, projector=True)
    assert params == {"bc_x": "(3, 1)", "bc_op": "np.maximum(x, y)", "bc_step": "2",
                      "projector": "true"}
    assert view_url("http://room:8501/broadcasting", params) == (
        "http://room:8501/broadcasting?bc_x=(3,%201)&bc_op=np.maximum(x,%20y)&bc_step=2"
        "&projector=true")
    assert view_url("http://room:8501/broadcasting?old=1#top", {}) == \
        "http://room:8501/broadcasting"
    assert view_params("for_teachers", {"x": 1}) == {}


def test_the_view_leaves_out_what_a_link_could_not_carry():
    from lib.site.chapter import view_params

    state = {"bc_x": "(3,", "bc_y": None, "bc_op": "power", "bc_step": "2"}
    assert view_params("broadcasting", state) == {}       # a half-typed shape, junk values
    assert view_params("shape_drill", {"drill_kinds": ["dot", "slicing"]}) == {
        "drill_kinds": "Dot product,Slicing"}
    # run-time choices (the training-set size of the loaded data) are kept
    assert view_params("train_naive", {"naive_size": 4000, "naive_pick": 3}) == {
        "naive_size": "4,000", "naive_pick": "digit #4"}


@pytest.mark.parametrize("page", sorted(BY_PAGE))
def test_the_view_of_other_values_is_the_link_to_them(page):
    settings = BY_PAGE[page]
    values = {s.name: other_value(s) for s in settings}
    from lib.site.chapter import view_params

    params = view_params(page, settings.state_for(values))
    assert params == dict(parse_qsl(urlsplit(link(page, **values)).query))

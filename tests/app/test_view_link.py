"""AppTest: '🔗 Link to this view' (lib/ui/nav.py view_link) holds the view on screen: the
page's bound settings that differ from their defaults, and projector mode."""
from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from lib.site.chapter import BY_PAGE


def page_then_link(page: str, url_path: str) -> None:
    """A page run the way the router runs it, then the link control the router draws."""
    import runpy

    from lib import ui

    with ui.routing():
        runpy.run_path(page, run_name="__main__")
    ui.view_link(url_path)


def open_page_with_link(url_path: str, **query) -> AppTest:
    at = AppTest.from_function(page_then_link, args=(f"pages/{url_path}.py", url_path),
                               default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def shown_link(at: AppTest) -> str:
    """The URL in the sidebar's popover."""
    return at.sidebar.code[-1].value


def test_the_link_holds_the_changed_settings_and_nothing_else():
    at = open_page_with_link("broadcasting")
    assert urlsplit(shown_link(at)).path == "/broadcasting"
    assert urlsplit(shown_link(at)).query == ""                   # defaults: a bare address
    at.text_input(key="bc_x").input("(3, 1)")
    at.text_input(key="bc_y").input("(1, 4)")
    at.selectbox(key="bc_op").set_value("maximum")
    at.number_input(key="bc_step").set_value(2).run()
    at.text_input(key="quiz_answer").input("(3, 4)").run()         # an answer is not a setting
    assert not at.exception
    params = dict(parse_qsl(urlsplit(shown_link(at)).query))
    assert params == {"bc_x": "(3, 1)", "bc_y": "(1, 4)", "bc_op": "np.maximum(x, y)",
                      "bc_step": "2"}
    assert set(params) <= {s.key for s in BY_PAGE["broadcasting"]}


def test_the_link_reopens_the_same_view_and_keeps_projector_mode():
    at = open_page_with_link("slicing", slicing_expr="train_images[:, 7:-7, 7:-7]",
                             slicing_n="5", projector="1")
    params = dict(parse_qsl(urlsplit(shown_link(at)).query))
    assert params == {"slicing_expr": "train_images[:, 7:-7, 7:-7]", "slicing_n": "5",
                      "projector": "true"}
    again = open_page_with_link("slicing", **params)
    assert again.text_input(key="slicing_expr").value == "train_images[:, 7:-7, 7:-7]"
    assert again.slider(key="slicing_n").value == 5
    assert dict(parse_qsl(urlsplit(shown_link(again)).query)) == params

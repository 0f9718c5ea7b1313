"""lib/ui/nav.py: a direct link's hand-over is only ever followed to a page of the chapter."""
from lib.site.chapter import PAGES
from lib.ui.nav import REDIRECT_PARAM, redirect_target


def test_a_known_page_is_followed_and_the_other_parameters_kept():
    target, rest = redirect_target({REDIRECT_PARAM: "slicing", "bc_x": "(3, 1)"})
    assert target == "pages/slicing.py" and rest == {"bc_x": "(3, 1)"}


def test_every_page_of_the_chapter_can_be_reached():
    for page in PAGES:
        assert redirect_target({REDIRECT_PARAM: page.url_path})[0] == page.path


def test_anything_else_is_ignored():
    for wanted in ("", "../etc/passwd", "pages/slicing.py", "x" * 10_000, "SLICING", "__init__"):
        target, rest = redirect_target({REDIRECT_PARAM: wanted, "a": "1"})
        assert target is None and rest == {"a": "1"}
    assert redirect_target({"a": "1"}) == (None, {"a": "1"})

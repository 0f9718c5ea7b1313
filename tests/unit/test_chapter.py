"""lib/site/chapter.py: the one list of pages."""
from pathlib import Path

from lib.site.chapter import BY_URL_PATH, HOME, PAGES, sections

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_page_exists_and_every_page_file_is_listed():
    assert {p.path for p in PAGES} == {f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py")}


def test_url_paths_are_unique_and_home_comes_first():
    assert len(BY_URL_PATH) == len(PAGES) and PAGES[0] is HOME
    assert BY_URL_PATH["slicing"].path == "pages/slicing.py"


def test_sections_keep_chapter_order():
    grouped = sections()
    assert list(grouped)[:4] == ["Start", "Tensors", "Operations", "Under the hood"]
    assert [p for pages in grouped.values() for p in pages] == list(PAGES)
    assert all(p.icon and not p.icon.startswith(":material") for p in PAGES)   # no web fonts


def test_the_lesson_path_walks_the_chapter_in_order():
    from lib.site.chapter import lesson_neighbours
    path = [p for p in PAGES if p.lesson]
    assert lesson_neighbours(path[0].url_path) == (None, path[1])
    assert lesson_neighbours(path[-1].url_path) == (path[-2], None)
    for before, here, after in zip(path, path[1:], path[2:]):
        assert lesson_neighbours(here.url_path) == (before, after)
    assert lesson_neighbours("no_such_page") == (None, None)

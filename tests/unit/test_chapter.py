"""lib/chapter.py: the one list of pages."""
from pathlib import Path

from lib.chapter import BY_URL_PATH, HOME, PAGES, sections

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_page_exists_and_every_page_file_is_listed():
    assert {p.path for p in PAGES} == {f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py")}


def test_url_paths_are_unique_and_home_comes_first():
    assert len(BY_URL_PATH) == len(PAGES) and PAGES[0] is HOME
    assert BY_URL_PATH["slicing"].path == "pages/slicing.py"


def test_sections_keep_chapter_order():
    grouped = sections()
    assert list(grouped) == ["Start", "Tensors", "Operations", "Under the hood"]
    assert [p for pages in grouped.values() for p in pages] == list(PAGES)
    assert all(p.icon and not p.icon.startswith(":material") for p in PAGES)   # no web fonts

"""The chapter as pages, in lesson order: each page declared once, with where it sits, what
it is called, what it is for and what a student can change on it (its settings, declared in
lib/site/views.py). Pure data, no Streamlit: the router, Home's list of pages, the lesson
path, the links to a view (`link`, `view_params`) and BY_PAGE are all made from PAGES."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from lib.site import views
from lib.site.settings import PROJECTOR, PageSettings, query_string


@dataclass(frozen=True)
class ChapterPage:
    path: str            # the page file, relative to the project root
    title: str
    icon: str            # an emoji: material icons would load a web font
    section: str
    blurb: str           # one line for Home's list of pages
    settings: PageSettings = PageSettings(())   # what a link to a view of it can carry
    lesson: bool = True  # on the lesson path (← previous / next → in chapter order)

    @property
    def url_path(self) -> str:
        """What follows the server address: /slicing for pages/slicing.py."""
        return Path(self.path).stem


PAGES: tuple[ChapterPage, ...] = (
    ChapterPage("pages/home.py", "MNIST as a tensor", "🏠", "Start",
                "MNIST as the network receives it",
                settings=views.HOME),
    ChapterPage("pages/first_network.py", "A first neural network", "🚀", "Start",
                "Keras trains on these digits",
                settings=views.FIRST_NETWORK),
    ChapterPage("pages/rank_shape.py", "Rank & shape", "🧊", "Tensors",
                "scalars, vectors, matrices, cubes",
                settings=views.RANK_SHAPE),
    ChapterPage("pages/slicing.py", "Slicing & batches", "✂️", "Tensors",
                "cut train_images apart",
                settings=views.SLICING),
    ChapterPage("pages/elementwise.py", "Element-wise ops", "➕", "Operations",
                "loops vs NumPy",
                settings=views.ELEMENTWISE),
    ChapterPage("pages/broadcasting.py", "Broadcasting", "📡", "Operations",
                "adding tensors of different shapes",
                settings=views.BROADCASTING),
    ChapterPage("pages/dot_product.py", "Dot product", "✖️", "Operations",
                "the heart of a dense layer",
                settings=views.DOT_PRODUCT),
    ChapterPage("pages/reshape_transpose.py", "Reshape & transpose", "🔄", "Operations",
                "same numbers, new shape",
                settings=views.RESHAPE_TRANSPOSE),
    ChapterPage("pages/gradient_tape.py", "Gradient tape", "📼", "Under the hood",
                "slopes, computed for you",
                settings=views.GRADIENT_TAPE),
    ChapterPage("pages/train_naive.py", "Train the naive network", "🏋️", "Under the hood",
                "the book's hand-built network, live",
                settings=views.TRAIN_NAIVE),
    ChapterPage("pages/shape_drill.py", "Shape drill", "🎯", "Practice",
                "predict the shape, NumPy judges",
                settings=views.SHAPE_DRILL),
    ChapterPage("pages/for_teachers.py", "For teachers", "🧑‍🏫", "Practice",
                "a 50-minute class, step by step, with links",
                settings=views.FOR_TEACHERS, lesson=False),
    ChapterPage("pages/class_room.py", "Class", "🙋", "Practice",
                "a join code, polls with a live tally, the room as one",
                settings=views.CLASS_ROOM, lesson=False),
)
HOME = PAGES[0]
BY_URL_PATH = {page.url_path: page for page in PAGES}
BY_PAGE: dict[str, PageSettings] = {page.url_path: page.settings for page in PAGES}


def lesson_neighbours(url_path: str) -> tuple[ChapterPage | None, ChapterPage | None]:
    """The pages before and after this one on the lesson path (None at either end, and
    for a page that is not on it)."""
    path = [p for p in PAGES if p.lesson]
    here = next((i for i, p in enumerate(path) if p.url_path == url_path), None)
    if here is None:
        return None, None
    return (path[here - 1] if here > 0 else None,
            path[here + 1] if here + 1 < len(path) else None)


def sections() -> dict[str, list[ChapterPage]]:
    """Pages grouped by section, sections in chapter order."""
    grouped: dict[str, list[ChapterPage]] = {}
    for page in PAGES:
        grouped.setdefault(page.section, []).append(page)
    return grouped


# ---------------------------------------------------------------- links to a view of a page

def page_path(url_path: str) -> str:
    """A page's address relative to the app's root: its url path; the home page is the
    root itself ("./": Streamlit serves the default page there, not at /home)."""
    return "./" if url_path == HOME.url_path else url_path


PROJECTOR_PARAM = {PROJECTOR.key: PROJECTOR.label_of(True)}     # ?projector=true


def link(url_path: str, projector: bool = False, **values) -> str:
    """The relative link that opens `url_path` with these settings (by setting name), e.g.
    link("broadcasting", x="(64, 3, 32, 10)", y="(32, 10)", op="maximum")."""
    if values and url_path not in BY_PAGE:
        raise ValueError(f"{url_path} is not a page of the chapter")
    params = BY_PAGE[url_path].link_params(values) if url_path in BY_PAGE else {}
    if projector:
        params.update(PROJECTOR_PARAM)
    return page_path(url_path) + (("?" + query_string(params)) if params else "")


def view_params(url_path: str, state: Mapping[str, Any], projector: bool = False
                ) -> dict[str, str]:
    """The query parameters of the view a student is looking at (PageSettings.view_params
    of the page's declared settings), and `projector=true` if asked."""
    page = BY_URL_PATH.get(url_path)
    params = page.settings.view_params(state) if page is not None else {}
    if projector:
        params.update(PROJECTOR_PARAM)
    return params

"""The chapter as pages, in lesson order: one place that says which pages exist, where
they sit, what they are called and what each one is for. Pure data, no Streamlit: the
router, Home's list of pages and the lesson path are all built from it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ChapterPage:
    path: str            # the page file, relative to the project root
    title: str
    icon: str            # an emoji: material icons would load a web font
    section: str
    blurb: str           # one line for Home's list of pages
    lesson: bool = True  # on the lesson path (← previous / next → in chapter order)

    @property
    def url_path(self) -> str:
        """What follows the server address: /slicing for pages/slicing.py."""
        return Path(self.path).stem


PAGES: tuple[ChapterPage, ...] = (
    ChapterPage("pages/home.py", "MNIST as a tensor", "🏠", "Start",
                "MNIST as the network receives it"),
    ChapterPage("pages/first_network.py", "A first neural network", "🚀", "Start",
                "Keras trains on these digits"),
    ChapterPage("pages/rank_shape.py", "Rank & shape", "🧊", "Tensors",
                "scalars, vectors, matrices, cubes"),
    ChapterPage("pages/slicing.py", "Slicing & batches", "✂️", "Tensors",
                "cut train_images apart"),
    ChapterPage("pages/elementwise.py", "Element-wise ops", "➕", "Operations",
                "loops vs NumPy"),
    ChapterPage("pages/broadcasting.py", "Broadcasting", "📡", "Operations",
                "adding tensors of different shapes"),
    ChapterPage("pages/dot_product.py", "Dot product", "✖️", "Operations",
                "the heart of a dense layer"),
    ChapterPage("pages/reshape_transpose.py", "Reshape & transpose", "🔄", "Operations",
                "same numbers, new shape"),
    ChapterPage("pages/gradient_tape.py", "Gradient tape", "📼", "Under the hood",
                "slopes, computed for you"),
    ChapterPage("pages/train_naive.py", "Train the naive network", "🏋️", "Under the hood",
                "the book's hand-built network, live"),
    ChapterPage("pages/shape_drill.py", "Shape drill", "🎯", "Practice",
                "predict the shape, NumPy judges"),
    ChapterPage("pages/for_teachers.py", "For teachers", "🧑‍🏫", "Practice",
                "a 50-minute class, step by step, with links", lesson=False),
)
HOME = PAGES[0]
BY_URL_PATH = {page.url_path: page for page in PAGES}


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

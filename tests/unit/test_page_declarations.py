"""A page is declared once (lib/site/chapter.py PAGES: title, path, section, icon, blurb, lesson
flag and settings), everything else is made from that declaration, and pages write their
settings through it, never by a raw session key. Read from the code itself."""
import ast
from pathlib import Path

import pytest

from lib.site import chapter, views
from lib.site.settings import PageSettings

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_file_is_declared_exactly_once(path):
    declared = [p for p in chapter.PAGES if p.path == f"pages/{path.name}"]
    assert len(declared) == 1, f"pages/{path.name} is declared {len(declared)} times"
    assert isinstance(declared[0].settings, PageSettings)


def test_every_declaration_names_a_page_file_and_its_own_settings():
    assert {p.path for p in chapter.PAGES} == {f"pages/{p.name}" for p in PAGE_FILES}
    settings = [id(p.settings) for p in chapter.PAGES if p.settings.settings]
    assert len(settings) == len(set(settings)), "two pages share one settings object"
    # every page's settings declared in views.py belong to exactly one page
    declared = {name: value for name, value in vars(views).items()
                if isinstance(value, PageSettings)}
    used = {id(p.settings) for p in chapter.PAGES}
    assert {name for name, value in declared.items() if id(value) not in used} == set()


def test_by_page_is_made_from_the_declarations():
    assert chapter.BY_PAGE == {p.url_path: p.settings for p in chapter.PAGES}
    assert all(chapter.BY_PAGE[p.url_path] is p.settings for p in chapter.PAGES)
    tree = ast.parse((ROOT / "lib" / "site" / "chapter.py").read_text(encoding="utf-8"))
    by_page = [node.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign | ast.Assign)
               and "BY_PAGE" in ast.unparse(node.targets[0] if isinstance(node, ast.Assign)
                                            else node.target)]
    assert len(by_page) == 1 and isinstance(by_page[0], ast.DictComp), \
        "BY_PAGE is derived from PAGES, not written out again"
    assert not hasattr(views, "BY_PAGE")


def _session_state_writes(tree: ast.AST) -> list[str]:
    """Each place a module writes session state itself: `st.session_state[k] = v`,
    `st.session_state.k = v` (also through a name bound to st.session_state, e.g. `ss`),
    `del ...`, and calls of update / setdefault / pop / clear / __setitem__ on it."""
    aliases = {"session_state"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.value).endswith("session_state"):
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}

    def is_state(node) -> bool:
        return (isinstance(node, ast.Name) and node.id in aliases) or (
            isinstance(node, ast.Attribute) and node.attr == "session_state")

    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, (ast.Subscript, ast.Attribute)) and is_state(part.value):
                    found.append(f"line {node.lineno}: {ast.unparse(target)}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "setdefault", "pop", "clear", "__setitem__",
                                       "popitem") and is_state(node.func.value)):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}(...)")
    return found


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_no_page_writes_session_state_keys_itself(path):
    """Presets, example buttons and clamped values go through the page's declaration
    (ui.apply, ui.example_buttons), so a key a page writes is always a declared one, with a
    value its declaration allows."""
    found = _session_state_writes(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, f"pages/{path.name} writes session state itself: {found}"


def test_the_session_state_check_sees_every_kind_of_write():
    sample = ast.parse(
        "import streamlit as st\nss = st.session_state\n"
        "ss.bc_x, ss.bc_y = 1, 2\n"                       # line 3
        "st.session_state['k'] = 3\n"                     # line 4
        "n = ss['slicing_n'] = 0\n"                       # line 5
        "ss.update(a=1)\n"                                # line 6
        "st.session_state.setdefault('a', {})\n"          # line 7
        "del ss['x']\n"                                   # line 8
        "value = ss.get('x')\nother = st.session_state['y']\n")   # reads: fine
    assert sorted(int(f.split(":")[0][5:]) for f in _session_state_writes(sample)) == [
        3, 3, 4, 5, 6, 7, 8]


# ---------------------------------------------------------------- one number, one meaning

def test_epoch_limits_are_one_number_for_the_check_and_the_box():
    from lib.train import config, quickstart

    assert views.TRAIN_NAIVE["epochs"].max_value == config.MAX_EPOCHS
    config.TrainConfig(epochs=config.MAX_EPOCHS).validated()
    with pytest.raises(ValueError, match=f"between 1 and {config.MAX_EPOCHS}"):
        config.TrainConfig(epochs=config.MAX_EPOCHS + 1).validated()
    assert views.FIRST_NETWORK["epochs"].max_value == quickstart.MAX_EPOCHS
    assert views.FIRST_NETWORK["batch_size"].options == quickstart.BATCH_SIZES
    with pytest.raises(ValueError, match=f"between 1 and {quickstart.MAX_EPOCHS}"):
        quickstart.QuickStart([], [], [], [], epochs=quickstart.MAX_EPOCHS + 1)


BOOK_BATCH_USERS = ["lib/site/views.py", "lib/site/lesson.py", "lib/site/chapter.py",
                    "lib/train/config.py", "lib/train/quickstart.py", "pages/slicing.py",
                    "lib/ui/inside.py"]


@pytest.mark.parametrize("name", BOOK_BATCH_USERS)
def test_the_books_batch_size_is_one_constant(name):
    """128 means the book's batch: these files say BOOK_BATCH_SIZE (lib/rules), not 128."""
    from lib.rules import BOOK_BATCH_SIZE

    tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
    literals = [node.lineno for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and (node.value == BOOK_BATCH_SIZE and
                                                       type(node.value) is int or
                                                       isinstance(node.value, str) and
                                                       "128" in node.value)]
    assert not literals, f"{name} writes 128 itself on lines {literals}"


def test_train_never_imports_the_site():
    """Pages pass the values of their declared settings to lib.train (config_from,
    QuickStartConfig); the training layer declares no page settings of its own."""
    for path in (ROOT / "lib" / "train").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("lib.site"), f"{path.name}: {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("lib.site") for a in node.names), path.name


def test_ui_imports_run_one_way():
    """bound -> widgets -> mode; projector -> bound, mode: no circle between the binding
    widgets, the furniture and projector mode."""
    def lib_imports(name):
        tree = ast.parse((ROOT / "lib" / "ui" / f"{name}.py").read_text(encoding="utf-8"))
        return {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module} | {
            a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}

    assert not {"lib.ui.projector", "lib.ui.bound"} & lib_imports("widgets")
    assert "lib.ui.projector" not in lib_imports("bound")
    assert "lib.ui.widgets" not in lib_imports("projector")
    assert not {m for m in lib_imports("mode") if m.startswith("lib.ui")}

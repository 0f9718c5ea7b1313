"""The house rules of the layout, checked on the code itself:
- only lib/ui/ imports Streamlit, so every other lib module is testable without a server;
- only lib/core/tf.py imports TensorFlow or Keras: everything else asks it (importing them
  in two threads at once breaks both imports, and a server imports them in the background);
- pages that do not train never import TensorFlow (5-7 s and ~700 MB per server)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRAINING_PAGES = {"first_network.py", "train_naive.py", "gradient_tape.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (functions included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def lib_files():
    return sorted(p for p in (ROOT / "lib").rglob("*.py"))


@pytest.mark.parametrize("path", lib_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_lib_ui_imports_streamlit(path):
    uses = {m for m in imported_modules(path) if m == "streamlit" or m.startswith("streamlit.")}
    if path.parent.name == "ui" and path.parent.parent.name == "lib":
        return
    assert not uses, f"{path.relative_to(ROOT)} imports {sorted(uses)}: move it to lib/ui/"


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")
                                        if p.name not in TRAINING_PAGES))
def test_pages_that_do_not_train_never_import_tensorflow(page):
    """Import the page's lib modules in a fresh interpreter (what the page pulls in when it
    runs) and check TensorFlow and Keras stay out."""
    modules = sorted(m for m in imported_modules(ROOT / "pages" / page) if m.startswith("lib"))
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]", f"{page} pulls in {out.stdout.strip()}"


TF_OWNER = ROOT / "lib" / "core" / "tf.py"
TF_PACKAGES = ("tensorflow", "keras")


def app_files():
    return sorted([*(ROOT / "lib").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
                   ROOT / "streamlit_app.py"])


def tensorflow_imports(path: Path) -> list[str]:
    """Each place a file imports TensorFlow or Keras, at any depth (functions included):
    `import tensorflow (as tf)`, `import keras.x`, `from keras(.x) import y`, and
    `importlib.import_module("keras")` / `__import__("tensorflow")` with a literal name."""
    def ours(name: str | None) -> bool:
        return bool(name) and name.split(".")[0] in TF_PACKAGES

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if ours(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and ours(node.module):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and ours(node.args[0].value)):
            found.append(f"line {node.lineno}: imports {node.args[0].value!r} by name")
    return found


@pytest.mark.parametrize("path", [p for p in app_files() if p != TF_OWNER],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_owner_imports_tensorflow_and_keras(path):
    found = tensorflow_imports(path)
    assert not found, (f"{path.relative_to(ROOT)} imports TensorFlow/Keras itself ({found}): "
                       "use `from lib.core.tf import tensorflow, keras`, which hands them "
                       "out once the server's warm-up is over")


def test_the_owner_check_sees_every_kind_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import numpy\nimport tensorflow as tf\n"
                      "def f():\n    import keras.ops\n    from keras import layers\n"
                      "    from tensorflow.python import ops\n"
                      "    importlib.import_module('keras')\n    __import__('tensorflow')\n"
                      "from lib.core.tf import keras\nfrom . import keras_like\n"
                      "s = 'import keras'\n")
    assert [f.split(":")[0] for f in tensorflow_imports(sample)] == [
        "line 2", "line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "import tensorflow" in tensorflow_imports(TF_OWNER)[0]    # the owner does it


# --------------------------------------------------------------------------- who imports whom

# lib's packages by role, and the packages of lib each may import (besides itself). The rules
# are the bottom: they never import figures, train or ui, so every rule is testable alone.
MAY_IMPORT = {
    "lib.core": set(),                                     # process plumbing
    "lib.rules": {"lib.core"},                             # shape rules and their sentences
    "lib.quiz": {"lib.core", "lib.rules"},                 # questions built on the rules
    "lib.figures": {"lib.core", "lib.rules"},              # data in, Plotly/matplotlib out
    "lib.train": {"lib.core", "lib.rules"},                # the naive network, engines, runs
    "lib.site": {"lib.core", "lib.rules", "lib.quiz", "lib.train"},   # pages, settings, links
    "lib.classroom": {"lib.core", "lib.rules", "lib.quiz"},     # class mode's store, pure Python
    "lib.ui": {"lib.core", "lib.rules", "lib.quiz", "lib.figures", "lib.train", "lib.site",
               "lib.classroom"},
}
MAX_TOP_LEVEL_MODULES = 8


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_imports(path: Path) -> set[str]:
    """The modules of lib a file imports, at any depth: `from lib.x import y` names lib.x.y
    when y is a module of its own, else lib.x; `from lib import ui` names lib.ui."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "lib")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "lib":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                as_path = ROOT.joinpath(*sub.split("."))
                found.add(sub if as_path.with_suffix(".py").exists() or as_path.is_dir()
                          else node.module)
    return {m for m in found if m != "lib"}


def import_graph() -> dict[str, set[str]]:
    files = [*(ROOT / "lib").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
             ROOT / "streamlit_app.py"]
    return {module_name(p): our_imports(p) for p in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_in_lib_pages_or_the_router():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def role(module: str) -> str | None:
    return next((r for r in MAY_IMPORT if module == r or module.startswith(r + ".")), None)


def test_each_package_imports_only_what_its_role_allows():
    wrong = []
    for module, imports in import_graph().items():
        mine = role(module)
        if mine is None:
            continue
        for target in imports:
            theirs = role(target)
            if theirs is not None and theirs != mine and theirs not in MAY_IMPORT[mine]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports against the layout (tests/unit/test_layout.py MAY_IMPORT):\n" + \
        "\n".join(sorted(wrong))


def test_every_package_of_lib_has_a_role_and_says_what_it_may_import():
    for package in sorted(p for p in (ROOT / "lib").iterdir() if (p / "__init__.py").exists()):
        name = module_name(package / "__init__.py")
        assert name in MAY_IMPORT, f"{name} has no role in MAY_IMPORT"
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{name}/__init__.py has no docstring saying what it may import"


def test_lib_top_level_holds_few_modules():
    modules = [p.name for p in (ROOT / "lib").glob("*.py") if p.name != "__init__.py"]
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


def fragment_calls(path: Path) -> list[int]:
    """Lines where a file uses `st.fragment` (as a decorator, called, or passed on)."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr == "fragment"
            and isinstance(node.value, ast.Name) and node.value.id == "st"]


@pytest.mark.parametrize("path", lib_files() + sorted((ROOT / "pages").glob("*.py"))
                         + [ROOT / "streamlit_app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fragment_runs_inside_the_figures_guard(path):
    """A fragment rerun builds and sends figures outside the router's page run, so it must be
    inside lib/core/tf.py `figures_may_run()` too: only lib/ui/widgets.py `fragment` calls
    `st.fragment`, and every other fragment is made with it."""
    if path == ROOT / "lib" / "ui" / "widgets.py":
        assert fragment_calls(path), "lib/ui/widgets.py no longer wraps st.fragment"
        return
    assert not fragment_calls(path), (f"{path.relative_to(ROOT)} uses st.fragment at lines "
                                      f"{fragment_calls(path)}: use lib.ui.widgets.fragment")

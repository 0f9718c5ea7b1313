"""The house rules of the layout, checked on the code itself:
- only lib/ui/ imports Streamlit, so every other lib module is testable without a server;
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

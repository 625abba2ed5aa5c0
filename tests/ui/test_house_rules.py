"""House rules the linters cannot express (style.md §4.4, §4.10, §4.12), checked on desktop/ui."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "desktop" / "ui"
SOURCES = sorted(UI.rglob("*.py"))
ALLOWED_ROOTS = {"PySide6", "pyqtgraph", "numpy", "psygnal", "desktop", "__future__"}
ALLOWED_DESKTOP = ("desktop.domain", "desktop.config", "desktop.services", "desktop.ui")


def _id(path: Path) -> str:
    return str(path.relative_to(UI))


def _imports(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            if node.module == "desktop":
                names += [f"desktop.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_module_docstring_size_and_no_exec(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert ast.get_docstring(tree), "every module starts with a docstring"
    assert "Imports:" in (ast.get_docstring(tree) or ""), "the docstring says what the module may import"
    assert len(text.splitlines()) < 400
    assert not re.search(r"\.exec\(|\.exec_\(", text), "open dialogs with open(), never exec()"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_imports_stay_inside_the_ui_allowance(path: Path) -> None:
    import sys

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in _imports(tree):
        root = name.split(".")[0]
        if root in sys.stdlib_module_names:
            continue
        assert root in ALLOWED_ROOTS, f"{name} is not allowed in desktop/ui"
        if root == "desktop" and name != "desktop":
            assert name.startswith(ALLOWED_DESKTOP) or name == "desktop.__version__", name
        if "/widgets/" in str(path):
            assert not name.startswith("desktop.services"), "widgets know nothing about services"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_no_async_methods_on_widgets(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {ast.unparse(b) for b in node.bases}
        is_widget = any(b.startswith("Q") and b not in {"QObject", "QAbstractTableModel"} for b in bases)
        has_async = any(isinstance(item, ast.AsyncFunctionDef) for item in node.body)
        assert not (is_widget and has_async), f"{node.name}: widgets emit intents; presenters run coroutines"

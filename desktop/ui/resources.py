"""Finds the icon and stylesheet: ``resources/`` in a checkout, ``desktop/_resources`` in a wheel.

The wheel maps the top-level ``resources/`` folder to ``desktop/_resources`` (pyproject,
``force-include``); a PyInstaller bundle may carry it as ``resources/`` next to the code.
Nothing here is generated code: files are read at run time.

Imports: PySide6, the standard library.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

_PACKAGE = Path(__file__).resolve().parents[1]  # …/desktop
_MARKER = Path("styles") / "app.qss"


def candidate_dirs() -> list[Path]:
    """Where resources may live, most specific first."""
    candidates = [_PACKAGE / "_resources", _PACKAGE.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        candidates.append(Path(bundle) / "resources")
    return candidates


def resources_dir() -> Path:
    """The first candidate that holds ``styles/app.qss``.

    Raises:
        FileNotFoundError: when no candidate does (a broken install).
    """
    for candidate in candidate_dirs():
        if (candidate / _MARKER).is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidate_dirs())
    raise FileNotFoundError(f"Dealer Desk resources not found (looked in {searched})")


def stylesheet() -> str:
    """The application stylesheet, with ``@resources/`` turned into the folder's absolute path.

    Qt resolves ``url()`` in a stylesheet against the working directory, not the file, so
    the stylesheet names its images as ``@resources/icons/…`` and this fills in where that is.
    """
    folder = resources_dir()
    text = (folder / _MARKER).read_text(encoding="utf-8")
    return text.replace("@resources/", folder.as_posix() + "/")


def icon_path() -> Path:
    """The application icon (SVG)."""
    return resources_dir() / "icons" / "app.svg"


def app_icon() -> QIcon:
    """The application icon, ready for ``QApplication.setWindowIcon``."""
    return QIcon(str(icon_path()))

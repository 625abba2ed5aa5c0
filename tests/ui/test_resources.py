from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from desktop.ui import resources
from desktop.ui.qt_app import configure_application, dark_palette

REPO = Path(__file__).resolve().parents[2]


def test_checkout_resources_are_found() -> None:
    assert resources.resources_dir() == REPO / "resources"
    assert "QTableView" in resources.stylesheet()


def test_stylesheet_images_resolve_to_files() -> None:
    sheet = resources.stylesheet()
    assert "@resources/" not in sheet
    urls = re.findall(r"url\(([^)]+)\)", sheet)
    assert urls
    for url in urls:
        assert Path(url).is_file(), url


def test_wheel_layout_is_preferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "desktop"
    shutil.copytree(REPO / "resources", package / "_resources")
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert resources.resources_dir() == package / "_resources"
    assert resources.icon_path() == package / "_resources" / "icons" / "app.svg"


def test_missing_resources_say_where_they_looked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "_PACKAGE", tmp_path / "nowhere" / "desktop")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        resources.resources_dir()


def test_svg_icon_renders(qapp: QApplication) -> None:
    icon = resources.app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    assert image.pixelColor(32, 32).alpha() == 255  # the tile is opaque


def test_theme_applies_without_stylesheet_warnings(qapp: QApplication, qtbot: Any) -> None:
    old_style, old_sheet, old_palette = qapp.style().name(), qapp.styleSheet(), qapp.palette()
    try:
        configure_application(qapp)
        label = QLabel("x")
        label.setObjectName("fieldError")
        qtbot.addWidget(label)
        label.show()
        assert qapp.applicationName() == "Dealer Desk"
        assert qapp.palette().window().color() == dark_palette().window().color()
        assert label.palette().windowText().color().name() == "#f0625d"
    finally:
        qapp.setStyleSheet(old_sheet)
        qapp.setStyle(old_style)
        qapp.setPalette(old_palette)

"""Helpers the app layer calls once on its QApplication: names, dark palette, stylesheet, icon.

Imports: PySide6, the standard library and desktop.ui.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop import __version__
from desktop.ui import theme
from desktop.ui.resources import app_icon, stylesheet

APPLICATION_NAME = "Dealer Desk"
ORGANIZATION_NAME = "Dealer Desk"


def dark_palette() -> QPalette:
    """The Fusion palette of the dark theme (the stylesheet refines a few widgets on top)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.WINDOW,
        QPalette.ColorRole.WindowText: theme.TEXT,
        QPalette.ColorRole.Base: theme.BASE,
        QPalette.ColorRole.AlternateBase: theme.ALTERNATE_BASE,
        QPalette.ColorRole.ToolTipBase: theme.PANEL,
        QPalette.ColorRole.ToolTipText: theme.TEXT,
        QPalette.ColorRole.PlaceholderText: theme.TEXT_DISABLED,
        QPalette.ColorRole.Text: theme.TEXT,
        QPalette.ColorRole.Button: theme.PANEL,
        QPalette.ColorRole.ButtonText: theme.TEXT,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Highlight: theme.HIGHLIGHT,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: theme.ACCENT,
        QPalette.ColorRole.Light: theme.BORDER,
        QPalette.ColorRole.Midlight: theme.BORDER,
        QPalette.ColorRole.Mid: theme.PANEL,
        QPalette.ColorRole.Dark: theme.BASE,
        QPalette.ColorRole.Shadow: QColor("#000000"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, theme.TEXT_DISABLED)
    return palette


def apply_theme(app: QApplication) -> None:
    """Fusion style, the dark palette, the stylesheet and the window icon."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(stylesheet())
    app.setWindowIcon(app_icon())


def configure_application(app: QApplication) -> None:
    """Names (used by QSettings) and the theme; call once, right after creating the app."""
    app.setApplicationName(APPLICATION_NAME)
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationVersion(__version__)
    apply_theme(app)

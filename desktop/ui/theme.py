"""The colours of the dark theme, named by meaning, shared by models, charts and widgets.

The stylesheet (resources/styles/app.qss) paints chrome; this module holds the colours that
code paints with: price direction, margin warnings, chart curves, connection states.

Imports: PySide6 only.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

WINDOW = QColor("#1d2025")
BASE = QColor("#15171b")
ALTERNATE_BASE = QColor("#1a1d22")
PANEL = QColor("#23272e")
BORDER = QColor("#2f343c")
TEXT = QColor("#d5d9df")
TEXT_DIM = QColor("#8b929c")
TEXT_DISABLED = QColor("#5c636d")
HIGHLIGHT = QColor("#264f78")
ACCENT = QColor("#4a9eff")

UP = QColor("#4cc38a")
"""A price that went up, money in."""
DOWN = QColor("#f0625d")
"""A price that went down, money out, an error."""
WARN = QColor("#e5a93b")
"""Needs attention soon: margin level under the warning threshold, reconnecting."""
STALE = QColor("#5f6670")
"""A quote that has not changed for a while."""
MARGIN_CALL_ROW = QColor("#3a1d20")
"""Background of an account row at or below margin call."""

BID_CURVE = QColor("#4a9eff")
ASK_CURVE = QColor("#f0a04b")
CHART_GRID = QColor("#8b929c")

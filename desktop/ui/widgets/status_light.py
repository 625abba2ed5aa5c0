"""StatusLight: a coloured dot with a short text, for connection states in a status bar.

Imports: PySide6 and the standard library only.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


class _Dot(QWidget):
    """The coloured dot.

    Signals:
        None.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor("#5f6670")
        self.setFixedSize(QSize(10, 10))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(QRectF(1, 1, 8, 8))
        painter.end()


class StatusLight(QWidget):
    """A dot in a colour and a label next to it; :meth:`set_state` changes both.

    Signals:
        None.
    """

    def __init__(self, text: str = "", colour: QColor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dot = _Dot(self)
        self._label = QLabel(text, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        layout.addWidget(self._dot)
        layout.addWidget(self._label)
        if colour is not None:
            self._dot.colour = QColor(colour)

    def set_state(self, text: str, colour: QColor, tooltip: str = "") -> None:
        """Show ``text`` next to a dot of ``colour``."""
        self._label.setText(text)
        self._dot.colour = QColor(colour)
        self._dot.update()
        self.setToolTip(tooltip)

    def text(self) -> str:
        """The label's text."""
        return self._label.text()

    def colour(self) -> QColor:
        """The dot's colour."""
        return QColor(self._dot.colour)

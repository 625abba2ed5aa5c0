"""TitleLine: one line of coloured text runs that paints itself, for a title that changes every frame.

A rich-text QLabel re-parses its HTML into a text document on each ``setText`` and is
transparent, so every new price also repainted the dock beneath it (0.6 ms a frame at 1,000
ticks/s). This widget keeps a tuple of runs, repaints only when they change, and fills its
own background, so nothing behind it is repainted.

Imports: PySide6 and the standard library.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

GAP = "   "
"""The space between a title's groups (three spaces wide)."""


class Run(NamedTuple):
    """A piece of the line: its text, its colour (``None`` = the palette's text), bold or not."""

    text: str
    colour: QColor | None = None
    bold: bool = False


class TitleLine(QWidget):
    """A single line of :class:`Run`; its plain text is its accessible name.

    Its width never reaches the layout's size hints (a new price must not re-lay the window
    out); a run that does not fit is cut at the widget's right edge.

    Signals:
        None.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runs: tuple[Run, ...] = ()
        self._fonts: tuple[str, QFont, QFontMetrics, QFont, QFontMetrics] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_runs(self, runs: tuple[Run, ...], plain: str) -> None:
        """Show ``runs``, read out as ``plain``; repaints only when they differ from the ones shown."""
        if runs == self._runs:
            return
        self._runs = runs
        self.setAccessibleName(plain)
        self.update()

    def plain_text(self) -> str:
        """The line as plain text."""
        return self.accessibleName()

    def sizeHint(self) -> QSize:
        """One line of the (bold) font high; no width of its own."""
        return QSize(0, QFontMetrics(self._bold_font()).height() + 2)

    def minimumSizeHint(self) -> QSize:
        """As :meth:`sizeHint`."""
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Fill the background and draw the runs left to right, vertically centred."""
        regular, regular_metrics, bold, bold_metrics = self._fonts_now()
        painter = QPainter(self)
        try:
            palette = self.palette()
            painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.Window))
            baseline = (self.height() - regular_metrics.height() + 1) // 2 + regular_metrics.ascent()
            x, text_colour, current = 0, palette.color(QPalette.ColorRole.WindowText), None
            for run in self._runs:
                if run.bold is not current:
                    painter.setFont(bold if run.bold else regular)
                    current = run.bold
                painter.setPen(text_colour if run.colour is None else run.colour)
                painter.drawText(x, baseline, run.text)
                x += (bold_metrics if run.bold else regular_metrics).horizontalAdvance(run.text)
        finally:
            painter.end()

    def _bold_font(self) -> QFont:
        return self._fonts_now()[2]

    def _fonts_now(self) -> tuple[QFont, QFontMetrics, QFont, QFontMetrics]:
        """The regular and bold fonts with their metrics, renewed when the widget's font changes."""
        key = self.font().key()
        if self._fonts is None or self._fonts[0] != key:
            regular = QFont(self.font())
            bold = QFont(regular)
            bold.setBold(True)
            self._fonts = (key, regular, QFontMetrics(regular), bold, QFontMetrics(bold))
        return self._fonts[1:]

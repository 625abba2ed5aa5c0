"""TickChart: bid and ask tick lines of one symbol, redrawn at most once per UI frame.

The plot items are created once; afterwards the chart only calls ``setData`` with numpy
views of the symbol's :class:`~desktop.domain.series.PriceSeries` (no copies on our side).
Live-curve settings follow stack-notes §5.4: pen width 1, no antialiasing, float64 epoch
seconds on a UTC date axis (the same clock as the market watch's Time column). The lines are
bare ``PlotCurveItem``s: at most ``points`` ticks are drawn, and clipping and downsampling them
in Python every frame cost more than drawing them. While "Follow" is on, the x range shows
the newest ``points`` ticks and the y range hugs them; panning or zooming with the mouse
turns Follow off.

Following moves the view in steps, not every frame, and each axis on its own: the x range
jumps forward by :data:`LOOKAHEAD` of its width when the newest tick reaches the right edge;
the y range changes only when the prices leave it or fill less than :data:`Y_FILL` of it,
and then leaves :data:`Y_HEADROOM` of the band free above and below. A range change makes
pyqtgraph rebuild and repaint that axis and its grid lines (5 to 20 ms, against about 1.5 ms
for a frame that only moves the curves), so a frame with a step is the slowest of all;
between steps the axes are cached pixmaps (``DeviceCoordinateCache``).

Imports: PySide6, pyqtgraph, numpy, the standard library, desktop.domain and desktop.ui.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.models import SymbolSpec
from desktop.domain.series import SeriesView
from desktop.ui import theme
from desktop.ui.charts.title import GAP, Run, TitleLine
from desktop.ui.models.columns import format_price

PRICE_AXIS_WIDTH = 72


MIN_WINDOW_S = 60.0
"""The narrowest time span the following chart shows."""

LOOKAHEAD = 0.1
"""Free room right of the newest tick after each step of a following view, as a share of its width."""

Y_HEADROOM = 0.25
"""Free room above and below the prices after a y step, as a share of their band."""

Y_FILL = 0.3
"""The y range steps in when the prices fill less than this share of it."""


class TickChart(QWidget):
    """A one-symbol tick chart with a title line showing the last bid, ask and spread.

    Signals:
        None; the quotes presenter calls :meth:`set_symbol` and :meth:`set_series`.
    """

    def __init__(self, points: int = 5_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points = max(2, points)
        self._spec: SymbolSpec | None = None
        self._bounds: tuple[float, float, float, float] | None = None  # t0, t1, low, high
        self._shown: tuple[float, float, float, float] | None = None  # the range set while following
        self._title = TitleLine(self)
        self._title.setObjectName("chartTitle")
        self.follow_button = QToolButton(self)
        self.follow_button.setText("Follow")
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip("Keep the newest ticks in view (turned off when you pan or zoom)")
        self.follow_button.toggled.connect(self._on_follow_toggled)
        self._plot = self._build_plot()
        self._bid = self._make_curve(theme.BID_CURVE, "Bid")
        self._ask = self._make_curve(theme.ASK_CURVE, "Ask")
        self._build_layout()
        self._show_title(None, None)

    def _build_plot(self) -> Any:
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        widget = pg.PlotWidget(parent=self, background=theme.BASE, axisItems={"bottom": axis})
        item = widget.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showAxis("right")
        item.hideAxis("left")
        item.showGrid(x=True, y=True, alpha=0.12)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        for name in ("bottom", "right"):
            ax = item.getAxis(name)
            ax.setPen(pg.mkPen(theme.BORDER))
            ax.setTextPen(pg.mkPen(theme.TEXT_DIM))
            ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.getAxis("right").setWidth(PRICE_AXIS_WIDTH)
        view = item.getViewBox()
        view.disableAutoRange()
        view.sigRangeChangedManually.connect(self._on_view_range_changed_manually)
        return widget

    def _make_curve(self, colour: Any, name: str) -> Any:
        # A bare curve item: PlotDataItem's clip-to-view and downsampling ran in Python on
        # every setData (0.4 ms a frame for the two lines); the chart draws at most
        # ``points`` ticks, which Qt draws as one polyline each in well under that.
        curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=1), name=name, antialias=False, skipFiniteCheck=True)
        self._plot.getPlotItem().addItem(curve)
        return curve

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 6, 2)
        header.addWidget(self._title, 1)
        header.addWidget(self.follow_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self._plot, 1)

    # -- public interface -------------------------------------------------------------------

    @property
    def symbol(self) -> str | None:
        """The symbol shown, or ``None``."""
        return None if self._spec is None else self._spec.name

    @property
    def points(self) -> int:
        """How many of the newest ticks the chart draws."""
        return self._points

    @property
    def bid_curve(self) -> Any:
        """The bid line (a pyqtgraph PlotDataItem)."""
        return self._bid

    @property
    def ask_curve(self) -> Any:
        """The ask line (a pyqtgraph PlotDataItem)."""
        return self._ask

    @property
    def following(self) -> bool:
        """Whether the view keeps the newest ticks in range."""
        return self.follow_button.isChecked()

    def title_text(self) -> str:
        """The title line as plain text (for tests and the accessible name)."""
        return self._title.accessibleName()

    def set_symbol(self, spec: SymbolSpec | None) -> None:
        """Switch to ``spec`` (or to nothing) and clear the lines until :meth:`set_series`."""
        self._spec = spec
        self._bounds = self._shown = None
        self._bid.setData([], [])
        self._ask.setData([], [])
        self._show_title(None, None)
        self.follow_button.setChecked(True)

    def set_series(self, view: SeriesView) -> None:
        """Draw the newest :attr:`points` ticks of ``view``; one ``setData`` per line."""
        n = len(view)
        if n == 0:
            return
        start = max(0, n - self._points)
        t, bid, ask = view.time[start:], view.bid[start:], view.ask[start:]
        self._bid.setData(t, bid)
        self._ask.setData(t, ask)
        self._bounds = (float(t[0]), float(t[-1]), float(bid.min()), float(ask.max()))
        self._show_title(float(bid[-1]), float(ask[-1]))
        if self.follow_button.isChecked():
            self._step()

    # -- internals --------------------------------------------------------------------------

    def _step(self) -> None:
        """Move whichever axis the newest ticks have outgrown (both when nothing is shown yet)."""
        if self._bounds is None:
            return
        t0, t1, low, high = self._bounds
        if self._shown is None:
            self._shown = (*self._x_range(t0, t1), *self._y_range(low, high))
            self._view().setRange(xRange=self._shown[:2], yRange=self._shown[2:], padding=0)
            return
        x0, x1, y0, y1 = self._shown
        if t1 > x1:
            x0, x1 = self._x_range(t0, t1)
            self._view().setXRange(x0, x1, padding=0)
        if low < y0 or high > y1 or (high - low) < Y_FILL * (y1 - y0) - self._min_pad():
            y0, y1 = self._y_range(low, high)
            self._view().setYRange(y0, y1, padding=0)
        self._shown = (x0, x1, y0, y1)

    def _x_range(self, t0: float, t1: float) -> tuple[float, float]:
        # At least a minute in view: a calm symbol's few ticks do not fill the width, and the
        # time axis labels read HH:MM:SS instead of fractions of one second.
        t0 = min(t0, t1 - MIN_WINDOW_S)
        return t0, t1 + max((t1 - t0) * LOOKAHEAD, 0.5)

    def _y_range(self, low: float, high: float) -> tuple[float, float]:
        pad = max((high - low) * Y_HEADROOM, self._min_pad())
        return low - pad, high + pad

    def _min_pad(self) -> float:
        return (self._spec.point if self._spec is not None else 1e-5) * 3

    def _view(self) -> Any:
        return self._plot.getPlotItem().getViewBox()

    def _show_title(self, bid: float | None, ask: float | None) -> None:
        dim = theme.TEXT_DIM
        if self._spec is None:
            self._title.set_runs((Run("No symbol selected", dim),), "No symbol selected")
            return
        name, digits = self._spec.name, self._spec.digits
        if bid is None or ask is None:
            waiting = (Run(name, bold=True), Run(GAP), Run("waiting for ticks", dim))
            self._title.set_runs(waiting, f"{name}  waiting for ticks")
            return
        b, a = format_price(bid, digits), format_price(ask, digits)
        spread = round((ask - bid) * 10**digits)
        runs = (
            *(Run(name, bold=True), Run(GAP), Run("Bid ", dim), Run(b, theme.BID_CURVE)),
            *(Run(GAP), Run("Ask ", dim), Run(a, theme.ASK_CURVE), Run(GAP), Run("Spread ", dim), Run(str(spread))),
        )
        self._title.set_runs(runs, f"{name}  Bid {b}  Ask {a}  Spread {spread}")

    def _on_follow_toggled(self, checked: bool) -> None:
        self._shown = None
        if checked:
            self._step()

    def _on_view_range_changed_manually(self, *_: object) -> None:
        self.follow_button.setChecked(False)

"""Dimming of a view whose figures are stale: shown, but plainly not live.

Imports: PySide6.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsOpacityEffect

DIMMED_OPACITY = 0.45


def set_dimmed(view: QAbstractScrollArea, reason: str) -> None:
    """Dim ``view``'s contents with ``reason`` as its tooltip; ``""`` shows them live again.

    The effect sits on the viewport only, so headers and scroll bars stay readable, and it
    exists only while dimmed (an opacity effect costs a paint pass of its own).
    """
    viewport = view.viewport()
    if reason:
        if not isinstance(viewport.graphicsEffect(), QGraphicsOpacityEffect):
            effect = QGraphicsOpacityEffect(viewport)
            effect.setOpacity(DIMMED_OPACITY)
            viewport.setGraphicsEffect(effect)
        view.setToolTip(f"Not live: {reason}")
    elif viewport.graphicsEffect() is not None:
        viewport.setGraphicsEffect(None)  # type: ignore[arg-type]
        view.setToolTip("")
    view.setProperty("stale", bool(reason))


def is_dimmed(view: QAbstractScrollArea) -> bool:
    """True while ``view`` is dimmed as stale."""
    return bool(view.property("stale"))

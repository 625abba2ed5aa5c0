"""Inline error labels: red text under a form field, hidden while there is nothing to say.

Imports: PySide6 only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def error_label(parent: QWidget) -> QLabel:
    """A hidden, word-wrapped label styled as a field error (``#fieldError`` in the stylesheet)."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def set_error(label: QLabel, message: str) -> None:
    """Show ``message`` in ``label``, or hide the label when the message is empty."""
    label.setText(message)
    label.setVisible(bool(message))

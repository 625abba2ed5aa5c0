"""Who is at the keyboard: the operator name, asked once per OS user and remembered.

Imports: PySide6, the standard library, desktop.domain, desktop.services.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtWidgets import QInputDialog, QLineEdit

from desktop.domain.errors import InvalidInput
from desktop.services.operator import check_operator_name, load_operator, os_user_name, save_operator

_log = logging.getLogger(__name__)


async def operator_name(given: str | None, *, interactive: bool) -> str | None:
    """The operator for this run: ``given`` (then remembered), the remembered one, or asked.

    Without ``interactive`` (smoke runs, benchmarks) nothing is asked: the OS user name is
    used. ``None`` when the operator cancelled the question.
    """
    if given:
        return _remember(check_operator_name(given))
    remembered = load_operator()
    if remembered:
        return remembered
    if not interactive:
        return os_user_name()
    asked = await _ask(os_user_name())
    return _remember(asked) if asked else None


def _remember(name: str) -> str:
    try:
        save_operator(name)
    except OSError as exc:
        _log.warning("could not remember the operator name: %s", exc)
    return name


async def _ask(default: str) -> str | None:
    dialog = QInputDialog()
    dialog.setWindowTitle("Dealer Desk")
    dialog.setLabelText("Your name, recorded with every operation you make on the trade server:")
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(default)
    answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()

    def on_done(result: int) -> None:
        if answer.done():
            return
        if result != QInputDialog.DialogCode.Accepted.value:
            answer.set_result(None)
            return
        try:
            answer.set_result(check_operator_name(dialog.textValue()))
        except InvalidInput:
            answer.set_result(None)

    dialog.finished.connect(on_done)
    dialog.open()
    try:
        return await answer
    finally:
        dialog.deleteLater()

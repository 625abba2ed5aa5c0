"""The connection dialog against the real simulator: refusals are quoted, a retry connects."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.app.desk import Desk, connect_interactively
from desktop.config import AppConfig
from desktop.simulator import SimulatorThread
from desktop.ui.dialogs.connect import ConnectDialog
from tests.integration.conftest import LoopRunner, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.gui]


def find_dialog() -> ConnectDialog | None:
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConnectDialog) and w.isVisible()]
    return dialogs[0] if dialogs else None


def submit(qtbot: Any, dialog: ConnectDialog, url: str, secret: str) -> None:
    for edit, text in ((dialog.api_edit, url), (dialog.auth_edit, url), (dialog.client_id_edit, "demo-dealer")):
        edit.setText(text)
    dialog.secret_edit.setText(secret)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)


def test_wrong_secret_then_unreachable_then_right_secret(qtbot: Any, arun: LoopRunner, sim: SimulatorThread) -> None:
    async def scenario() -> None:
        attempt = asyncio.get_running_loop().create_task(connect_interactively(AppConfig(), None, None))
        await wait_until(lambda: find_dialog() is not None, what="the connection dialog")
        dialog = find_dialog()
        assert dialog is not None

        submit(qtbot, dialog, sim.url, "wrong-secret")
        await wait_until(lambda: dialog.error_banner.isVisible(), what="the refusal")
        assert "invalid_client" in dialog.error_banner.text()

        submit(qtbot, dialog, "http://127.0.0.1:9", "demo-secret")
        await wait_until(lambda: "Check the addresses" in dialog.error_banner.text(), what="unreachable")
        assert "127.0.0.1" in dialog.error_banner.text()

        submit(qtbot, dialog, sim.url, "demo-secret")
        desk: Desk | None = await asyncio.wait_for(attempt, 20)
        assert desk is not None
        try:
            assert len(desk.workstation.accounts) >= 1000
        finally:
            await desk.aclose()
            desk.window.deleteLater()

    arun(scenario())


def test_cancel_returns_none(qtbot: Any, arun: LoopRunner) -> None:
    async def scenario() -> None:
        attempt = asyncio.get_running_loop().create_task(connect_interactively(AppConfig(), None, None))
        await wait_until(lambda: find_dialog() is not None, what="the connection dialog")
        dialog = find_dialog()
        assert dialog is not None
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert await asyncio.wait_for(attempt, 5) is None

    arun(scenario())

"""The operator name asked on first start and remembered; Shutdown waiting for a write in flight."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog

from desktop.app.desk import open_desk
from desktop.app.operator_prompt import operator_name
from desktop.app.shutdown import Shutdown
from desktop.config import AppConfig, Credentials
from desktop.domain.models import BalanceKind
from desktop.domain.operations import OperationState
from desktop.services.operator import load_operator, os_user_name
from desktop.simulator import SimulatorThread
from tests.integration.conftest import LoopRunner, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEALER_DESK_DATA_DIR", str(tmp_path))
    return tmp_path


def input_dialog() -> QInputDialog | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()), None)


def test_first_start_asks_and_remembers_the_operator(qtbot: Any, arun: LoopRunner, data_dir: Path) -> None:
    async def scenario() -> str | None:
        asked = asyncio.ensure_future(operator_name(None, interactive=True))
        await wait_until(lambda: input_dialog() is not None, what="the operator question")
        dialog = input_dialog()
        assert dialog is not None
        assert dialog.textValue() == os_user_name()
        dialog.setTextValue("  Ann   Smith ")
        dialog.accept()
        return await asked

    assert arun(scenario()) == "Ann Smith"
    assert load_operator() == "Ann Smith"
    assert arun(operator_name(None, interactive=True)) == "Ann Smith"  # remembered: not asked again


def test_cancelling_the_question_starts_nothing(qtbot: Any, arun: LoopRunner, data_dir: Path) -> None:
    async def scenario() -> str | None:
        asked = asyncio.ensure_future(operator_name(None, interactive=True))
        await wait_until(lambda: input_dialog() is not None, what="the operator question")
        dialog = input_dialog()
        assert dialog is not None
        dialog.reject()
        return await asked

    assert arun(scenario()) is None
    assert load_operator() is None


def test_smoke_runs_never_ask(arun: LoopRunner, data_dir: Path) -> None:
    assert arun(operator_name(None, interactive=False)) == os_user_name()
    assert arun(operator_name("Bob", interactive=False)) == "Bob"
    assert load_operator() == "Bob"


@pytest.mark.integration
def test_closing_the_window_waits_for_the_answer_then_closes(
    qtbot: Any, arun: LoopRunner, credentials: Credentials, sim: SimulatorThread
) -> None:
    from PySide6.QtCore import Qt

    async def scenario() -> None:
        desk = await open_desk(credentials, AppConfig(), settings=None, operator="Ann")
        shutdown = Shutdown(bound_s=10)
        shutdown.attach(desk)
        window = desk.window
        window.show()
        try:
            account = desk.workstation.accounts.all()[0]
            sim.call(lambda: sim.control.faults.outcome_unknown_next(1, "applied", delay=1.5))
            dialog = window.open_balance_dialog(account.login, BalanceKind.DEPOSIT)
            qtbot.keyClicks(dialog.form_page.amount_edit, "20")
            qtbot.mouseClick(dialog.form_page.review_button, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
            await wait_until(lambda: desk.workstation.pipeline.in_flight == 1, what="the send")
            operation = dialog.operation
            assert operation is not None
            window.close()  # deferred: the answer comes first
            assert window.isVisible()
            await desk.wait_closed()
            entry = desk.workstation.journal.entry(operation.key)
            assert entry is not None
            assert [a.result for a in entry.attempts] == ["unknown"]
            assert entry.state is OperationState.UNKNOWN
            assert entry.operator == "Ann"
        finally:
            await desk.aclose()
            window.deleteLater()

    arun(scenario())

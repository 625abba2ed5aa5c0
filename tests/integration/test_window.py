"""The real main window on the app's qasync loop against the real simulator."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.app.desk import open_desk
from desktop.config import AppConfig, Credentials
from desktop.domain.models import Account, BalanceKind
from desktop.simulator import SimulatorThread
from desktop.ui.dialogs.balance import BalanceDialog, Step
from desktop.ui.main_window import MainWindow
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.gui]

Run = Callable[[Coroutine[Any, Any, None]], None]


def grid_balance(window: MainWindow, login: int) -> Decimal | None:
    account = window.accounts_model.account(login)
    return account.balance if account is not None else None


def first_bid_text(window: MainWindow) -> str:
    return str(window.watchlist.index(0, 1).data(Qt.ItemDataRole.DisplayRole) or "")


async def operate(qtbot: Any, dialog: BalanceDialog, amount: str) -> None:
    qtbot.keyClicks(dialog.form_page.amount_edit, amount)
    qtbot.mouseClick(dialog.form_page.review_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.REVIEW
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: dialog.step == Step.RESULT, what="the server's answer")


def test_window_shows_quotes_accounts_and_a_deposit_and_a_refusal(
    qtbot: Any, arun: Run, credentials: Credentials, sim: SimulatorThread
) -> None:
    async def scenario() -> None:
        desk = await open_desk(credentials, AppConfig(), settings=None)
        window = desk.window
        window.show()
        try:
            await wait_until(lambda: first_bid_text(window) != "", what="the first quote row")
            assert window.watchlist.rowCount() >= 30
            assert window.accounts_model.rowCount() >= 1000
            account: Account = desk.workstation.accounts.all()[0]

            dialog = window.open_balance_dialog(account.login, BalanceKind.DEPOSIT)
            await operate(qtbot, dialog, "100.00")
            assert "Ticket" in dialog.result_page.details.text()
            expected = account.balance + Decimal("100.00")
            await wait_until(lambda: grid_balance(window, account.login) == expected, what="the new balance")
            dialog.close()

            rich = next(a for a in desk.workstation.accounts.all() if a.margin > 0 and a.free_margin > 100)
            dialog = window.open_balance_dialog(rich.login, BalanceKind.WITHDRAWAL)
            await operate(qtbot, dialog, f"{rich.free_margin + Decimal(1000):.2f}")
            assert "TradeNoMoney" in dialog.result_page.details.text()
            assert grid_balance(window, rich.login) == rich.balance
            dialog.close()
        finally:
            await desk.aclose()
            window.deleteLater()

    arun(scenario())
    posted = sim.control.requests.matching("TradeTransaction")
    assert len(posted) == 2

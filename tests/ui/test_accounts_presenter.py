from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.models import Account, BalanceKind
from desktop.domain.operations import OperationState, Outcome
from desktop.services.tasks import TaskOwner
from desktop.ui.dialogs.balance import BalanceDialog, Step
from desktop.ui.models.accounts import ACCOUNT_COLUMNS, AccountsTableModel
from desktop.ui.presenters.accounts import AccountsPresenter
from tests.ui.fakes import FakeAccounts, ManualTasks

LOGIN = 100136
BALANCE = ACCOUNT_COLUMNS.index(next(c for c in ACCOUNT_COLUMNS if c.key == "balance"))


@pytest.fixture
def model(qtmodeltester: Any) -> AccountsTableModel:
    model = AccountsTableModel()
    qtmodeltester.check(model)
    return model


@pytest.fixture
def presenter(fake_accounts: FakeAccounts, tasks: ManualTasks, model: AccountsTableModel) -> AccountsPresenter:
    presenter = AccountsPresenter(fake_accounts, tasks, model, resort_ms=10)  # type: ignore[arg-type]
    fake_accounts.load()
    return presenter


def balance_text(model: AccountsTableModel, login: int) -> str:
    return str(model.data(model.index(model.view_row_of_login(login), BALANCE)))


def confirm(qtbot: Any, dialog: BalanceDialog, amount: str, kind: BalanceKind = BalanceKind.DEPOSIT) -> None:
    dialog.form_page.kind_combo.setCurrentIndex(list(BalanceKind).index(kind))
    qtbot.keyClicks(dialog.form_page.amount_edit, amount)
    qtbot.mouseClick(dialog.form_page.review_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.REVIEW
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)


def open_dialog(qtbot: Any, presenter: AccountsPresenter) -> BalanceDialog:
    dialog = presenter.open_balance_dialog(None, LOGIN)
    qtbot.addWidget(dialog)
    return dialog


def test_loaded_and_updated_accounts_reach_the_grid(
    presenter: AccountsPresenter, fake_accounts: FakeAccounts, model: AccountsTableModel, accounts: list[Account]
) -> None:
    assert model.rowCount() == len(accounts)
    fake_accounts.accounts_updated.emit((replace(accounts[0], balance=Decimal("1.50")),))
    assert balance_text(model, accounts[0].login) == "1.50"


def test_updates_re_sort_the_grid_after_a_pause(
    qtbot: Any,
    presenter: AccountsPresenter,
    fake_accounts: FakeAccounts,
    model: AccountsTableModel,
    accounts: list[Account],
) -> None:
    model.sort(BALANCE, Qt.SortOrder.DescendingOrder)
    fake_accounts.accounts_updated.emit((replace(accounts[0], balance=Decimal("99999999")),))
    assert model.sort_pending
    qtbot.waitUntil(lambda: not model.sort_pending, timeout=1_000)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole).login == accounts[0].login


def test_refresh_failure_is_reported_and_cleared(
    qtbot: Any, presenter: AccountsPresenter, fake_accounts: FakeAccounts
) -> None:
    with qtbot.waitSignal(presenter.stale_changed) as blocker:
        fake_accounts.refresh_failed.emit("timeout")
    assert blocker.args == ["Margin refresh failed: timeout"]
    with qtbot.waitSignal(presenter.stale_changed) as blocker:
        fake_accounts.refresh_recovered.emit()
    assert blocker.args == [""]


def test_deposit_round_trip(
    qtbot: Any,
    presenter: AccountsPresenter,
    tasks: ManualTasks,
    fake_accounts: FakeAccounts,
    model: AccountsTableModel,
) -> None:
    dialog = open_dialog(qtbot, presenter)
    assert dialog.isVisible()
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    confirm(qtbot, dialog, "1000")
    assert presenter.in_flight == 1
    assert dialog.step == Step.SENDING
    finished: list[tuple[str, str]] = []
    presenter.operation_finished.connect(lambda text, level: finished.append((text, level)))
    tasks.run_all()
    assert presenter.in_flight == 0
    assert fake_accounts.submitted == [dialog.operation]
    assert dialog.step == Step.RESULT
    assert dialog.result_page.heading.text().startswith("Done")
    assert balance_text(model, LOGIN) == "15,352.45"
    assert finished == [(f"Deposit +1,000.00 on {LOGIN}: done, ticket 50001", "ok")]


def test_refusal_reaches_the_dialog(
    qtbot: Any,
    presenter: AccountsPresenter,
    tasks: ManualTasks,
    fake_accounts: FakeAccounts,
    model: AccountsTableModel,
) -> None:
    fake_accounts.outcomes = [
        Outcome(
            "k", OperationState.REFUSED, code="MT4Error", manager_code="TradeNoMoney", activity_id="a1", message="no"
        )
    ]
    dialog = open_dialog(qtbot, presenter)
    confirm(qtbot, dialog, "5000", BalanceKind.WITHDRAWAL)
    levels: list[str] = []
    presenter.operation_finished.connect(lambda _text, level: levels.append(level))
    tasks.run_all()
    assert dialog.result_page.heading.text() == "Not applied"
    assert "TradeNoMoney" in dialog.result_page.details.text()
    assert balance_text(model, LOGIN) == "14,352.45"
    assert levels == ["error"]


def test_unknown_outcome_then_check_again_reconciles_the_same_operation(
    qtbot: Any, presenter: AccountsPresenter, tasks: ManualTasks, fake_accounts: FakeAccounts
) -> None:
    fake_accounts.outcomes = [Outcome("k", OperationState.UNKNOWN, message="No definite answer."), None]
    dialog = open_dialog(qtbot, presenter)
    confirm(qtbot, dialog, "100")
    tasks.run_all()
    assert dialog.result_page.heading.text() == "Outcome unknown"
    assert "No definite answer." in dialog.result_page.explanation.text()
    qtbot.mouseClick(dialog.result_page.check_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.SENDING
    tasks.run_all()
    assert fake_accounts.reconciled == fake_accounts.submitted
    assert fake_accounts.reconciled[0] is dialog.operation
    assert dialog.result_page.heading.text().startswith("Done")


def test_not_applied_then_send_as_new_reviews_and_sends_a_linked_operation(
    qtbot: Any, presenter: AccountsPresenter, tasks: ManualTasks, fake_accounts: FakeAccounts
) -> None:
    fake_accounts.outcomes = [Outcome("k", OperationState.NOT_APPLIED, message="Not applied: absent."), None]
    dialog = open_dialog(qtbot, presenter)
    confirm(qtbot, dialog, "100")
    tasks.run_all()
    first = dialog.operation
    assert first is not None
    assert dialog.result_page.heading.text() == "Not applied"
    assert dialog.result_page.renew_button.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.result_page.renew_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.REVIEW
    fresh = dialog.operation
    assert fresh is not None
    assert fresh.supersedes == first.key
    assert f"replaces {first.key}" in dialog.review_page.values["key"].text()
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    tasks.run_all()
    assert fake_accounts.submitted == [first, fresh]
    assert dialog.result_page.heading.text().startswith("Done")


def test_a_bug_while_sending_is_shown_as_unknown_and_still_reported(
    qtbot: Any, presenter: AccountsPresenter, tasks: ManualTasks, fake_accounts: FakeAccounts
) -> None:
    fake_accounts.outcomes = [RuntimeError("boom")]
    dialog = open_dialog(qtbot, presenter)
    confirm(qtbot, dialog, "100")
    tasks.run_all()
    assert dialog.result_page.heading.text() == "Outcome unknown"
    assert "boom" in dialog.result_page.details.text()
    assert [type(e) for e in tasks.errors] == [RuntimeError]
    assert presenter.in_flight == 0


def test_closed_dialog_is_released(qtbot: Any, presenter: AccountsPresenter) -> None:
    dialog = presenter.open_balance_dialog(None, LOGIN)
    gone: list[bool] = []
    dialog.destroyed.connect(lambda: gone.append(True))
    dialog.reject()
    qtbot.waitUntil(lambda: gone == [True], timeout=1_000)


def test_with_the_real_task_owner_on_a_qasync_loop(
    qtbot: Any, fake_accounts: FakeAccounts, model: AccountsTableModel
) -> None:
    import qasync

    loop = qasync.QEventLoop(QApplication.instance(), already_running=False)
    asyncio.set_event_loop(loop)
    owner = TaskOwner()
    presenter = AccountsPresenter(fake_accounts, owner, model)  # type: ignore[arg-type]
    fake_accounts.load()

    async def scenario() -> BalanceDialog:
        dialog = presenter.open_balance_dialog(None, LOGIN)
        done = asyncio.Event()
        presenter.operation_finished.connect(lambda *_: done.set())
        confirm(qtbot, dialog, "250")  # spawns accounts.submit on this loop
        await done.wait()
        return dialog

    try:
        dialog = loop.run_until_complete(asyncio.wait_for(scenario(), 5))
        qtbot.addWidget(dialog)
        assert dialog.result_page.heading.text().startswith("Done")
        assert owner.running == 0
        assert balance_text(model, LOGIN) == "14,602.45"
    finally:
        presenter.close()
        loop.run_until_complete(owner.aclose())
        loop.close()
        asyncio.set_event_loop(None)

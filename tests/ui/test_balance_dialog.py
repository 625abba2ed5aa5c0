from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.domain.errors import DesktopError
from desktop.domain.models import BalanceKind
from desktop.domain.operations import Operation, OperationState, Outcome
from desktop.services.journal import JournalError
from desktop.ui.dialogs.balance import BalanceDialog, Step
from tests.ui.fakes import FakeAccounts

LOGIN = 100136  # Ivan Petrov: balance 14,352.45, credit 1,000.00, free margin 700.00


@pytest.fixture
def dialog(qtbot: Any, fake_accounts: FakeAccounts) -> BalanceDialog:
    dialog = BalanceDialog(fake_accounts.get, fake_accounts.prepare, max_amount=fake_accounts.max_amount)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def fill(
    qtbot: Any,
    dialog: BalanceDialog,
    login: str,
    amount: str,
    comment: str = "",
    kind: BalanceKind = BalanceKind.DEPOSIT,
) -> None:
    form = dialog.form_page
    form.kind_combo.setCurrentIndex(list(BalanceKind).index(kind))
    for edit, text in ((form.login_edit, login), (form.amount_edit, amount), (form.comment_edit, comment)):
        edit.clear()
        if text.isascii():
            qtbot.keyClicks(edit, text)
        else:  # QTest cannot type characters outside Latin-1 key codes; paste them instead
            edit.setText(text)


def visible_errors(dialog: BalanceDialog) -> dict[str, str]:
    form = dialog.form_page
    labels = {"login": form.login_error, "amount": form.amount_error, "comment": form.comment_error}
    return {name: label.text() for name, label in labels.items() if label.isVisibleTo(dialog)}


def review(qtbot: Any, dialog: BalanceDialog) -> None:
    qtbot.mouseClick(dialog.form_page.review_button, Qt.MouseButton.LeftButton)


def test_typing_a_login_shows_the_account(qtbot: Any, dialog: BalanceDialog) -> None:
    qtbot.keyClicks(dialog.form_page.login_edit, str(LOGIN))
    card = dialog.form_page.account_card
    assert card.isVisibleTo(dialog)
    for expected in ("Ivan Petrov", "real\\standard", "14,352.45", "1,000.00", "700.00"):
        assert expected in card.text()
    dialog.form_page.login_edit.clear()
    assert not card.isVisibleTo(dialog)


def test_letters_cannot_be_typed_into_the_login(qtbot: Any, dialog: BalanceDialog) -> None:
    qtbot.keyClicks(dialog.form_page.login_edit, "12a3")
    assert dialog.form_page.login_edit.text() == "123"


@pytest.mark.parametrize(
    ("login", "amount", "comment", "field", "message"),
    [
        ("", "100", "", "login", "Enter the account login"),
        (str(LOGIN), "", "", "amount", "Enter an amount"),
        (str(LOGIN), "0", "", "amount", "greater than zero"),
        (str(LOGIN), "-5", "", "amount", "without a sign"),
        (str(LOGIN), "abc", "", "amount", "not an amount"),
        (str(LOGIN), "NaN", "", "amount", "not an amount"),
        (str(LOGIN), "1,50", "", "amount", "use . for decimals (1.50)"),
        (str(LOGIN), "1e2", "", "amount", "without an exponent"),
        ("99999999999", "100", "", "login", "99999999999 is above the largest MT4 login"),
        (str(LOGIN), "1.001", "", "amount", "at most two decimals"),
        (str(LOGIN), "1000000.01", "", "amount", "above the limit"),
        (str(LOGIN), "100", "x" * 21, "comment", "20 fit beside the operation's reference"),
        (str(LOGIN), "100", "Dépôt", "comment", "MT4 cannot store exactly"),
    ],
)
def test_invalid_input_shows_inline_error_and_sends_nothing(
    qtbot: Any, dialog: BalanceDialog, login: str, amount: str, comment: str, field: str, message: str
) -> None:
    emitted: list[Operation] = []
    dialog.confirmed.connect(emitted.append)
    fill(qtbot, dialog, login, amount, comment)
    review(qtbot, dialog)
    errors = visible_errors(dialog)
    assert list(errors) == [field]
    assert message in errors[field]
    assert dialog.step == Step.FORM
    assert dialog.operation is None
    assert emitted == []


def test_a_login_missing_from_the_grid_is_warned_about_and_left_to_the_server(
    qtbot: Any, dialog: BalanceDialog
) -> None:
    fill(qtbot, dialog, "999", "100")
    assert "not in the account list" in visible_errors(dialog)["login"]
    review(qtbot, dialog)
    assert dialog.step == Step.REVIEW
    assert dialog.review_page.values["before_after"].text() == "Account figures unknown"
    assert "trade server will refuse it" in dialog.review_page.warning.text()
    with qtbot.waitSignal(dialog.confirmed) as blocker:
        qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].login == 999


def test_comment_counter_counts_live(qtbot: Any, dialog: BalanceDialog) -> None:
    qtbot.keyClicks(dialog.form_page.comment_edit, "Wire 88213")
    assert dialog.form_page.comment_counter.text() == "10/20"
    qtbot.keyClicks(dialog.form_page.comment_edit, "x" * 11)
    assert dialog.form_page.comment_counter.text() == "21/20"
    assert dialog.form_page.comment_counter.property("over") is True


def test_bad_amount_and_bad_comment_are_both_named(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "1.005", "y" * 40)
    review(qtbot, dialog)
    errors = visible_errors(dialog)
    assert "two decimals" in errors["amount"]
    assert "40 characters" in errors["comment"]


def test_editing_a_field_clears_its_error(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "abc")
    review(qtbot, dialog)
    assert "amount" in visible_errors(dialog)
    qtbot.keyClicks(dialog.form_page.amount_edit, "1")
    assert visible_errors(dialog) == {}


def test_review_shows_exactly_what_will_be_sent(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "1,500.5", " Wire 88213 ", BalanceKind.WITHDRAWAL)
    review(qtbot, dialog)
    assert dialog.step == Step.REVIEW
    op = dialog.operation
    assert op is not None
    assert (op.login, op.type, op.expect.amount) == (LOGIN, "balance.withdrawal", Decimal("-1500.50"))
    assert op.body == {
        "tradeTransactionType": "BrBalance",
        "tradeCommand": "Balance",
        "orderBy": LOGIN,
        "price": -1500.5,
        "comment": f"Wire 88213 {op.reference}",
    }
    values = {name: label.text() for name, label in dialog.review_page.values.items()}
    assert values["operation"].startswith("Withdrawal")
    assert values["account"] == f"{LOGIN} \u2014 Ivan Petrov  (real\\standard)"
    assert values["amount"] == "-1,500.50"
    assert values["comment"] == f"Wire 88213 {op.reference}"
    assert values["before_after"] == "Balance  14,352.45  \u2192  12,851.95"
    assert values["reference"] == op.reference
    assert values["key"] == op.key
    assert f'"comment": "Wire 88213 {op.reference}"' in values["request"]
    assert '"price": -1500.5' in values["request"]
    assert "free margin (700.00)" in dialog.review_page.warning.text()


def test_credit_review_shows_credit_before_and_after(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "250", "", BalanceKind.CREDIT_IN)
    review(qtbot, dialog)
    assert dialog.review_page.values["before_after"].text() == "Credit  1,000.00  \u2192  1,250.00"
    assert dialog.review_page.values["amount"].text() == "+250.00"
    assert not dialog.review_page.warning.isVisibleTo(dialog)


def test_confirm_emits_the_operation_once(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "100")
    review(qtbot, dialog)
    emitted: list[Operation] = []
    dialog.confirmed.connect(emitted.append)
    with qtbot.waitSignal(dialog.confirmed) as blocker:
        qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [dialog.operation]
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)  # page is gone: no effect
    assert len(emitted) == 1
    assert dialog.step == Step.SENDING


def test_enter_on_review_does_not_send(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "100")
    qtbot.keyClick(dialog.form_page.amount_edit, Qt.Key.Key_Return)
    assert dialog.step == Step.REVIEW
    emitted: list[Operation] = []
    dialog.confirmed.connect(emitted.append)
    qtbot.keyClick(dialog.review_page.confirm_button, Qt.Key.Key_Return)
    assert emitted == []


def test_back_returns_to_the_form_and_a_new_review_gets_a_new_key(qtbot: Any, dialog: BalanceDialog) -> None:
    fill(qtbot, dialog, str(LOGIN), "100")
    review(qtbot, dialog)
    first = dialog.operation
    qtbot.mouseClick(dialog.review_page.back_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.FORM
    assert dialog.form_page.amount_edit.text() == "100"
    review(qtbot, dialog)
    assert dialog.operation is not None
    assert first is not None
    assert dialog.operation.key != first.key
    assert dialog.operation.reference != first.reference


def sent(qtbot: Any, dialog: BalanceDialog, amount: str = "100", kind: BalanceKind = BalanceKind.DEPOSIT) -> Operation:
    fill(qtbot, dialog, str(LOGIN), amount, "", kind)
    review(qtbot, dialog)
    qtbot.mouseClick(dialog.review_page.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.operation is not None
    return dialog.operation


def test_escape_and_close_are_refused_while_sending(qtbot: Any, dialog: BalanceDialog) -> None:
    sent(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()
    assert dialog.sending_in_progress
    assert not dialog.sending_page.isHidden()


def test_show_outcome_refused_trade_no_money(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog, "5000", BalanceKind.WITHDRAWAL)
    activity = "00-0af7651916cd43dd8448eb211c80319c-00"
    refused = Outcome(op.key, OperationState.REFUSED, None, activity, "MT4Error", "TradeNoMoney", "Not enough money")
    dialog.show_outcome(refused, None)
    page = dialog.result_page
    assert dialog.step == Step.RESULT
    assert page.heading.text() == "Not applied"
    assert "free margin" in page.explanation.text()
    for expected in ("Not enough money", "MT4Error / TradeNoMoney", activity, op.reference):
        assert expected in page.details.text()
    assert not page.check_button.isVisibleTo(dialog)
    assert not page.renew_button.isVisibleTo(dialog)
    assert page.edit_button.isVisibleTo(dialog)
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_show_outcome_not_found(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog)
    dialog.show_outcome(Outcome(op.key, OperationState.REFUSED, activity_id="act-1", code="NotFound"), None)
    assert "no account with this login" in dialog.result_page.explanation.text()
    assert "act-1" in dialog.result_page.details.text()


def test_unknown_outcome_offers_a_check_never_a_blind_resend(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog)
    dialog.show_outcome(Outcome(op.key, OperationState.UNKNOWN, message="Outcome unknown after 9 send(s)."), None)
    page = dialog.result_page
    assert page.heading.text() == "Outcome unknown"
    assert "Outcome unknown after 9 send(s)." in page.explanation.text()
    assert "never applies the operation twice" in page.explanation.text()
    assert op.key in page.details.text()
    assert page.check_button.isVisibleTo(dialog)
    assert "safe" not in page.check_button.text().lower()
    assert not page.renew_button.isVisibleTo(dialog)
    assert not page.edit_button.isVisibleTo(dialog)
    confirmed: list[Operation] = []
    dialog.confirmed.connect(confirmed.append)
    with qtbot.waitSignal(dialog.check_requested) as blocker:
        qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] is op
    assert confirmed == []
    assert dialog.step == Step.SENDING


def test_not_applied_offers_send_as_new(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog)
    dialog.show_outcome(
        Outcome(op.key, OperationState.NOT_APPLIED, message="Not applied: absent.", via="history"), None
    )
    page = dialog.result_page
    assert page.heading.text() == "Not applied"
    assert page.renew_button.isVisibleTo(dialog)
    assert not page.check_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.renew_requested) as blocker:
        qtbot.mouseClick(page.renew_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] is op


@pytest.mark.parametrize(
    ("error", "heading"),
    [(JournalError("disk full"), "Not sent"), (DesktopError("Unexpected error: boom"), "Outcome unknown")],
)
def test_errors_around_sending(qtbot: Any, dialog: BalanceDialog, error: DesktopError, heading: str) -> None:
    sent(qtbot, dialog)
    dialog.show_failure(error)
    assert dialog.result_page.heading.text() == heading
    assert str(error) in dialog.result_page.details.text()


def test_show_applied(qtbot: Any, dialog: BalanceDialog, fake_accounts: FakeAccounts) -> None:
    import asyncio

    op = sent(qtbot, dialog, "250")
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(fake_accounts.submit(op))
    finally:
        loop.close()
    dialog.show_outcome(result.outcome, result.account, result.at)
    page = dialog.result_page
    assert page.heading.text() == f"Done: deposit of 250.00 on {LOGIN}"
    for expected in (str(result.outcome.ticket), "00-4bf92f3577b34da6a3ce929d0e0e4736-00", "14,602.45"):
        assert expected in page.details.text()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert dialog.step == Step.FORM
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    assert dialog.form_page.amount_edit.text() == ""
    assert "14,602.45" in dialog.form_page.account_card.text()
    qtbot.keyClicks(dialog.form_page.amount_edit, "10")
    qtbot.keyClick(dialog.form_page.amount_edit, Qt.Key.Key_Return)  # Enter reviews again
    assert visible_errors(dialog) == {}
    assert dialog.step == Step.REVIEW


def test_prefilled_login_and_kind(qtbot: Any, fake_accounts: FakeAccounts) -> None:
    dialog = BalanceDialog(fake_accounts.get, fake_accounts.prepare, login=LOGIN, kind=BalanceKind.CREDIT_OUT)
    qtbot.addWidget(dialog)
    assert dialog.form_page.kind_combo.currentData() == BalanceKind.CREDIT_OUT
    assert dialog.form_page.login_edit.text() == str(LOGIN)
    assert "Ivan Petrov" in dialog.form_page.account_card.text()


def test_enter_after_an_unknown_outcome_closes_and_never_resends(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog)
    dialog.show_outcome(Outcome(op.key, OperationState.UNKNOWN, message="no answer"), None)
    emitted: list[Operation] = []
    dialog.confirmed.connect(emitted.append)
    dialog.check_requested.connect(emitted.append)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert emitted == []
    assert not dialog.isVisible()


def test_enter_after_a_refusal_goes_back_to_the_form(qtbot: Any, dialog: BalanceDialog) -> None:
    op = sent(qtbot, dialog)
    dialog.show_outcome(Outcome(op.key, OperationState.REFUSED, code="NotFound"), None)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.step == Step.FORM
    assert dialog.operation is None


def test_the_review_shows_the_margin_after_and_warns_at_the_groups_margin_call(
    qtbot: Any, fake_accounts: FakeAccounts
) -> None:
    from decimal import Decimal

    from desktop.domain.models import GroupLevels

    account = fake_accounts.get(LOGIN)
    assert account is not None
    assert (account.equity, account.margin) == (Decimal("1700.00"), Decimal("1000.00"))
    fake_accounts.levels[LOGIN] = GroupLevels(account.group, margin_call=Decimal(120), stop_out=Decimal(50))
    dialog = BalanceDialog(fake_accounts.get, fake_accounts.prepare, review=fake_accounts.review)
    qtbot.addWidget(dialog)
    dialog.open()
    fill(qtbot, dialog, str(LOGIN), "600", kind=BalanceKind.WITHDRAWAL)
    review(qtbot, dialog)
    margin = dialog.review_page.values["margin"].text()
    assert "Free margin  700.00  \u2192  100.00" in margin
    assert "Margin level  170.00 %  \u2192  110.00 %" in margin
    warning = dialog.review_page.warning.text()
    assert "margin level would be 110.00 %, at or under the margin-call level of 120.00 %" in warning
    assert dialog.review_page.confirm_button.isEnabled()  # a warning, not a block: the server decides

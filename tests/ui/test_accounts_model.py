from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from desktop.domain.models import Account
from desktop.ui import theme
from desktop.ui.models.accounts import ACCOUNT_COLUMNS, AccountsTableModel
from tests.ui.fakes import make_account

COL = {c.key: i for i, c in enumerate(ACCOUNT_COLUMNS)}


@pytest.fixture
def model(qtmodeltester: Any, accounts: list[Account]) -> AccountsTableModel:
    model = AccountsTableModel()
    model.replace_all(accounts)
    qtmodeltester.check(model)
    return model


def text(model: AccountsTableModel, row: int, key: str) -> Any:
    return model.data(model.index(row, COL[key]))


def logins(model: AccountsTableModel) -> list[int]:
    return [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole).login for r in range(model.rowCount())]


def test_columns_and_formatting(model: AccountsTableModel, accounts: list[Account]) -> None:
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == [
        "Login",
        "Name",
        "Group",
        "Leverage",
        "Balance",
        "Credit",
        "Equity",
        "Margin",
        "Free margin",
        "Margin level",
    ]
    first = accounts[0]
    assert text(model, 0, "login") == str(first.login)
    assert text(model, 0, "balance") == f"{first.balance:,.2f}"
    assert text(model, 0, "leverage") == "1:100"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) is first
    align = model.data(model.index(0, COL["balance"]), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, COL["name"]), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignLeft


def test_margin_level_colours(qtmodeltester: Any) -> None:
    model = AccountsTableModel()
    model.replace_all(
        [
            make_account(1, margin_level=Decimal("85.00"), free_margin=Decimal("-150")),
            make_account(2, margin_level=Decimal("170.00")),
            make_account(3, margin_level=Decimal("250.00")),
            make_account(4, margin_level=None),
        ]
    )
    qtmodeltester.check(model)
    fg = Qt.ItemDataRole.ForegroundRole
    level = COL["margin_level"]
    assert model.data(model.index(0, level), fg) == theme.DOWN
    assert model.data(model.index(0, COL["free_margin"]), fg) == theme.DOWN
    assert model.data(model.index(0, COL["name"]), Qt.ItemDataRole.BackgroundRole) == theme.MARGIN_CALL_ROW
    assert model.data(model.index(1, level), fg) == theme.WARN
    assert model.data(model.index(1, COL["name"]), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(2, level), fg) is None
    assert model.data(model.index(3, level)) == "\u2014"


def test_upsert_emits_single_span_for_changed_rows(model: AccountsTableModel, accounts: list[Account]) -> None:
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append((tl.row(), tl.column(), br.row(), br.column())))
    changed = [replace(accounts[2], equity=Decimal("1.00")), replace(accounts[7], balance=Decimal("5.00"))]
    model.upsert_many(changed)
    assert spans == [(2, 0, 7, model.columnCount() - 1)]
    assert text(model, 7, "balance") == "5.00"
    assert model.rowCount() == len(accounts)


def test_upsert_appends_new_accounts(model: AccountsTableModel, accounts: list[Account], qtbot: Any) -> None:
    counts: list[tuple[int, int]] = []
    model.counts_changed.connect(lambda shown, total: counts.append((shown, total)))
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert_many([make_account(7), make_account(8)])
    assert model.rowCount() == len(accounts) + 2
    assert logins(model)[-2:] == [7, 8]
    assert counts[-1] == (len(accounts) + 2, len(accounts) + 2)


def test_sort_in_model_by_money_both_ways(model: AccountsTableModel, accounts: list[Account]) -> None:
    model.sort(COL["balance"], Qt.SortOrder.AscendingOrder)
    balances = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole).balance for r in range(model.rowCount())]
    assert balances == sorted(a.balance for a in accounts)
    model.sort(COL["balance"], Qt.SortOrder.DescendingOrder)
    assert logins(model)[0] == max(accounts, key=lambda a: a.balance).login
    model.sort(-1)
    assert logins(model) == [a.login for a in accounts]


def test_accounts_without_margin_sort_as_safest(model: AccountsTableModel) -> None:
    model.sort(COL["margin_level"], Qt.SortOrder.AscendingOrder)
    levels = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole).margin_level for r in range(model.rowCount())]
    assert levels[0] == Decimal("85.00")  # the margin call comes first
    assert all(level is None for level in levels[-3:])


def test_live_updates_mark_sort_pending_and_apply_later(model: AccountsTableModel, accounts: list[Account]) -> None:
    model.sort(COL["equity"], Qt.SortOrder.DescendingOrder)
    top = logins(model)[0]
    poorest = min(accounts, key=lambda a: a.equity)
    model.upsert_many([replace(poorest, equity=Decimal("9999999"))])
    assert model.sort_pending
    assert logins(model)[0] == top  # rows do not jump under the operator's eyes
    assert model.apply_pending_sort()
    assert logins(model)[0] == poorest.login
    assert not model.apply_pending_sort()


def test_resort_keeps_the_selected_account(model: AccountsTableModel, accounts: list[Account]) -> None:
    keep = QPersistentModelIndex(model.index(4, 1))
    model.sort(COL["name"], Qt.SortOrder.DescendingOrder)
    assert keep.data(Qt.ItemDataRole.UserRole).login == accounts[4].login
    assert keep.column() == 1


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("100017", [100017]),
        ("chen", [100034]),
        ("VIP", [100017, 100085, 100153]),
        ("vip  ben", [100017]),
        ("real\\ecn", [100034, 100102, 100170]),
        ("nobody", []),
        ("", None),
    ],
)
def test_quick_filter_matches_login_name_group(
    model: AccountsTableModel, accounts: list[Account], needle: str, expected: list[int] | None, qtmodeltester: Any
) -> None:
    model.set_filter(needle)
    assert logins(model) == (expected if expected is not None else [a.login for a in accounts])
    assert model.total_count() == len(accounts)
    qtmodeltester.check(model)


def test_filter_and_updates_together(model: AccountsTableModel, accounts: list[Account]) -> None:
    model.set_filter("vip")
    spans: list[int] = []
    model.dataChanged.connect(lambda tl, br, *_: spans.append(tl.row()))
    hidden = accounts[0]  # real\standard
    model.upsert_many([replace(hidden, balance=Decimal(1))])
    assert spans == []
    model.upsert_many([make_account(555, group="real\\vip"), make_account(556, group="demo")])
    assert logins(model) == [100017, 100085, 100153, 555]
    assert model.view_row_of_login(556) == -1
    assert model.account(556) is not None
    model.set_filter("")
    assert model.rowCount() == len(accounts) + 2


def test_filter_then_sort(model: AccountsTableModel) -> None:
    model.sort(COL["name"], Qt.SortOrder.DescendingOrder)
    model.set_filter("real")
    names = [text(model, r, "name") for r in range(model.rowCount())]
    assert names == sorted(names, reverse=True)


def test_hundred_thousand_accounts_sort_and_filter(qtmodeltester: Any) -> None:
    # How fast is a benchmark's question: ``python -m desktop.bench grid``.
    base = make_account(1)
    many = [replace(base, login=i, name=f"Client {i}", balance=Decimal(i * 7919 % 100_003)) for i in range(100_000)]
    model = AccountsTableModel()
    model.replace_all(many)
    model.sort(COL["balance"], Qt.SortOrder.DescendingOrder)
    model.set_filter("client 99")
    assert model.rowCount() == sum(1 for i in range(100_000) if "99" in str(i))
    shown = [model.data(model.index(row, 0), Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    assert all("99" in str(account.login) for account in shown)
    balances = [account.balance for account in shown]
    assert balances == sorted(balances, reverse=True)

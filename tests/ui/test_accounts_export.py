"""CSV export from the accounts panel: all, visible and selected rows, the shown columns, plain numbers."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop.ui.models.accounts import AccountsTableModel
from desktop.ui.models.export import ExportScope
from desktop.ui.views.accounts_panel import AccountsPanel
from tests.ui.fakes import make_account


@pytest.fixture
def panel(qtbot: Any, qtmodeltester: Any) -> AccountsPanel:
    model = AccountsTableModel()
    model.replace_all(
        [
            make_account(
                100001,
                name="Anna Kowalski",
                group="real\\usd-std",
                balance=Decimal("1234567.50"),
                margin_level=Decimal("812.25"),
            ),
            make_account(100002, name="Ben Okafor", group="real\\eur-std", leverage=30),
            make_account(100003, name="Chen, Wei", group="real\\usd-pro", balance=Decimal("-12.00")),
        ]
    )
    qtmodeltester.check(model)
    panel = AccountsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(1200, 400)
    panel.show()
    return panel


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_visible_rows_follow_the_filter_with_money_as_plain_decimals(panel: AccountsPanel, tmp_path: Path) -> None:
    messages: list[tuple[str, str]] = []
    panel.exported.connect(lambda text, level: messages.append((text, level)))
    panel.filter_edit.setText("anna")
    path = tmp_path / "visible.csv"
    assert panel.export_csv(path, ExportScope.VISIBLE) == 1
    (row,) = read(path)
    assert row["Login"] == "100001"
    assert row["Balance"] == "1234567.50"  # not "1,234,567.50"
    assert row["Leverage"] == "100"  # not "1:100"
    assert row["Margin level"] == "812.25"
    assert messages == [(f"Exported 1 account (visible rows) to {path}", "ok")]


def test_all_rows_ignore_the_filter_and_keep_text_with_commas_whole(panel: AccountsPanel, tmp_path: Path) -> None:
    panel.filter_edit.setText("anna")
    path = tmp_path / "all.csv"
    assert panel.export_csv(path, ExportScope.ALL) == 3
    rows = read(path)
    assert [r["Name"] for r in rows] == ["Anna Kowalski", "Ben Okafor", "Chen, Wei"]
    assert rows[2]["Balance"] == "-12.00"
    assert rows[0]["Margin level"] == "812.25"
    assert rows[1]["Margin level"] == ""  # no open positions: empty, not 0


def test_selected_rows_and_the_columns_as_arranged_on_screen(panel: AccountsPanel, tmp_path: Path) -> None:
    table, model = panel.table, panel.table.model()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().select(model.index(0, 0), flags)
    table.selectionModel().select(model.index(2, 0), flags)
    header = table.horizontalHeader()
    header.moveSection(header.visualIndex(4), 0)  # Balance first
    header.hideSection(2)  # no Group
    path = tmp_path / "selected.csv"
    assert panel.export_csv(path, ExportScope.SELECTED) == 2
    with path.open(encoding="utf-8", newline="") as file:
        lines = list(csv.reader(file))
    assert lines[0][:3] == ["Balance", "Login", "Name"]
    assert "Group" not in lines[0]
    assert [line[1] for line in lines[1:]] == ["100001", "100003"]


def test_a_write_error_is_said_plainly_and_leaves_nothing_behind(panel: AccountsPanel, tmp_path: Path) -> None:
    messages: list[tuple[str, str]] = []
    panel.exported.connect(lambda text, level: messages.append((text, level)))
    missing = tmp_path / "no-such-folder" / "accounts.csv"
    assert panel.export_csv(missing, ExportScope.ALL) == -1
    folder = tmp_path / "a-folder.csv"  # the chosen name is a folder: the rename over it fails
    folder.mkdir()
    assert panel.export_csv(folder, ExportScope.ALL) == -1
    assert [level for _, level in messages] == ["error", "error"]
    assert all(text.startswith("Export failed, nothing was written") for text, _ in messages)
    assert folder.is_dir()
    assert not list(folder.iterdir())
    assert not list(tmp_path.glob(".export-*"))  # no temporary file left


def test_the_filters_bar_combines_a_group_mask_and_ranges_with_the_quick_filter(
    qtbot: Any, panel: AccountsPanel
) -> None:
    model = panel.table.model()
    qtbot.mouseClick(panel.filters_button, Qt.MouseButton.LeftButton)
    bar = panel.filters_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.mask_edit, "real*,!real\\eur-std")
    assert [a.login for a in model.rows_shown()] == [100001, 100003]
    low, _ = bar.bound_edits["balance"]
    qtbot.keyClicks(low, "0")
    assert [a.login for a in model.rows_shown()] == [100001]  # Chen's balance is -12.00
    assert panel.count_label.text() == "1 of 3 accounts"
    qtbot.keyClicks(low, ",5")  # "0,5": not one number
    assert "not applied" in bar.error.text()
    assert bar.error.isVisible()
    assert [a.login for a in model.rows_shown()] == [100001]  # the last readable filter stays
    panel.filter_edit.setText("kowalski")
    assert [a.login for a in model.rows_shown()] == [100001]
    panel.filter_edit.setText("chen")
    assert model.rows_shown() == []  # quick filter AND the bar
    qtbot.mouseClick(panel.filters_button, Qt.MouseButton.LeftButton)  # hiding the bar clears it
    assert not bar.isVisible()
    assert bar.mask_edit.text() == ""
    assert [a.login for a in model.rows_shown()] == [100003]

"""The Operations dock: model (qtmodeltester), filters, live updates and CSV export, on a real journal file."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.domain.balance_ops import balance_write
from desktop.domain.models import BalanceKind, BalanceOperation
from desktop.domain.operations import Attempt, Operation, OperationState, Outcome, new_key
from desktop.services.journal import OperationsJournal
from desktop.services.operations import OperationsFilter, OperationsLog, RecoveryReport
from desktop.ui import theme
from desktop.ui.models.operations import STATE_COLUMN, OperationsTableModel
from desktop.ui.presenters.operations import OperationsPresenter
from desktop.ui.views.operations_panel import OperationsPanel, period_start


def write(login: int, kind: BalanceKind = BalanceKind.DEPOSIT, amount: str = "10.00") -> Operation:
    return balance_write(BalanceOperation(login, kind, Decimal(amount), "desk", new_key()))


@pytest.fixture
def journal(tmp_path: Path) -> Any:
    opened = OperationsJournal(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def applied(journal: OperationsJournal, operator: str, operation: Operation, ticket: int) -> None:
    journal.record_intent(operator, "tp", operation)
    journal.record_attempt(operator, operation.key, Attempt(1, 0.0, "applied", "", {"ticket": ticket}))
    journal.record_outcome(operator, Outcome(operation.key, OperationState.APPLIED, ticket=ticket, activity_id="a1"))


def shown_states(model: OperationsTableModel) -> list[str]:
    return [model.index(r, STATE_COLUMN).data() for r in range(model.rowCount())]


def test_the_model_passes_qtmodeltester_and_follows_an_operation_live(
    qtmodeltester: Any, journal: OperationsJournal
) -> None:
    log = OperationsLog(journal)
    model = OperationsTableModel()
    qtmodeltester.check(model)
    first = write(100001)
    applied(journal, "ana", first, 501)
    model.set_entries(log.entries())
    qtmodeltester.check(model)
    second = write(100002, BalanceKind.WITHDRAWAL)
    journal.record_intent("ben", "tp", second)
    model.upsert(log.entry(second.key))  # type: ignore[arg-type]
    assert shown_states(model) == ["Pending", "Applied"]  # newest first
    journal.record_outcome("ben", Outcome(second.key, OperationState.UNKNOWN, message="no definite answer"))
    model.upsert(log.entry(second.key))  # type: ignore[arg-type]
    assert shown_states(model) == ["Unknown", "Applied"]
    assert model.index(0, STATE_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == theme.WARN
    assert model.index(1, STATE_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == theme.UP
    ticket = next(i for i, c in enumerate(model.columns) if c.key == "ticket")
    assert model.index(1, ticket).data() == "501"
    qtmodeltester.check(model)


def test_filters_by_login_type_operator_and_period(journal: OperationsJournal) -> None:
    applied(journal, "ana", write(100001), 1)
    applied(journal, "ben", write(100002, BalanceKind.CREDIT_IN), 2)
    applied(journal, "ana", write(100002, BalanceKind.WITHDRAWAL), 3)
    log = OperationsLog(journal)
    model = OperationsTableModel()
    model.set_entries(log.entries())
    counts: list[tuple[int, int]] = []
    model.counts_changed.connect(lambda shown, total: counts.append((shown, total)))
    model.set_filter(OperationsFilter(login=100002))
    assert model.rowCount() == 2
    model.set_filter(OperationsFilter(operator="ana"))
    assert {e.operation.login for e in model.entries()} == {100001, 100002}
    model.set_filter(OperationsFilter(type="balance.credit_in"))
    assert [e.operator for e in model.entries()] == ["ben"]
    model.set_filter(OperationsFilter(since=datetime.now(UTC) + timedelta(hours=1)))
    assert model.rowCount() == 0
    model.set_filter(OperationsFilter(since=period_start("Today")))
    assert model.rowCount() == 3
    assert counts[-1] == (3, 3)
    late = write(100009)
    model.set_filter(OperationsFilter(login=100001))
    applied(journal, "ana", late, 4)
    model.upsert(log.entry(late.key))  # type: ignore[arg-type]
    assert model.rowCount() == 1  # a new operation outside the filter is kept, not shown


def test_period_start_is_local_midnight_and_days_back() -> None:
    now = datetime(2026, 5, 10, 15, 30, tzinfo=UTC)
    today = period_start("Today", now)
    assert today is not None
    assert today <= now
    assert now - today < timedelta(days=1)
    week = period_start("Last 7 days", now)
    assert week is not None
    assert today - week == timedelta(days=6)
    assert period_start("All time", now) is None


def test_the_panel_filters_exports_and_the_presenter_follows_the_journal(
    qtbot: Any, journal: OperationsJournal, tmp_path: Path
) -> None:
    log = OperationsLog(journal)
    applied(journal, "ana", write(100001), 11)
    applied(journal, "ben", write(100002, BalanceKind.CREDIT_OUT, "5.00"), 12)
    model = OperationsTableModel()
    panel = OperationsPanel(model)
    qtbot.addWidget(panel)
    presenter = OperationsPresenter(log, model, flush_ms=10)
    panel.filter_changed.connect(presenter.set_filter)
    presenter.load()
    assert panel.count.text() == "2 operations"
    assert [panel.operator.itemText(i) for i in range(panel.operator.count())] == ["All", "ana", "ben"]
    panel.operator.setCurrentText("ben")
    assert [e.operator for e in model.entries()] == ["ben"]
    assert panel.count.text() == "1 of 2"
    panel.operator.setCurrentText("All")
    qtbot.keyClicks(panel.login, "100001")
    assert [e.operation.login for e in model.entries()] == [100001]
    panel.login.clear()

    fresh = write(100003)
    journal.record_intent("ana", "tp", fresh)
    log.changed.emit(fresh.key)
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert shown_states(model)[0] == "Pending"
    journal.record_outcome("ana", Outcome(fresh.key, OperationState.APPLIED, ticket=13))
    log.changed.emit(fresh.key)
    qtbot.waitUntil(lambda: shown_states(model)[0] == "Applied")

    statuses: list[tuple[str, str]] = []
    presenter.status_changed.connect(lambda text, level: statuses.append((text, level)))
    target = tmp_path / "ops.csv"
    assert presenter.export(str(target)) == 3
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["state"] for r in rows] == ["applied"] * 3
    assert rows[0]["key"] == fresh.key
    assert rows[0]["ticket"] == "13"
    assert statuses[-1] == (f"3 operations exported to {target}.", "ok")
    log.recovered.emit(RecoveryReport(2, {"applied": 1, "unknown": 1}))
    assert statuses[-1] == ("Recovered 2 unsettled operation(s): 1 applied, 1 unknown.", "warning")
    presenter.close()

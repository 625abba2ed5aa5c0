"""``python -m desktop.bench grid [--rows N]``: sort and filter a large broker's account grid model.

Imports: PySide6 (offscreen), the standard library, ``desktop.domain`` and ``desktop.ui.models``.

Fills the accounts table model with ``--rows`` accounts, then times a sort by balance and a
text filter, the two things an operator does first on a big book. Prints the figures with one
last line ``grid: rows=N load_ms=X sort_ms=X filter_ms=X shown=N``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt

from desktop.domain.models import Account
from desktop.ui.models.accounts import ACCOUNT_COLUMNS, AccountsTableModel

MS = 1000.0


def run_grid(*, rows: int, needle: str = "client 99") -> int:
    """Time load, sort and filter of ``rows`` accounts; print the figures."""
    _app = QCoreApplication.instance() or QCoreApplication([])
    many = [_account(i) for i in range(1, rows + 1)]
    model = AccountsTableModel()
    balance = next(i for i, column in enumerate(ACCOUNT_COLUMNS) if column.key == "balance")
    load = _timed(lambda: model.replace_all(many))
    sort = _timed(lambda: model.sort(balance, Qt.SortOrder.DescendingOrder))
    filtered = _timed(lambda: model.set_filter(needle))
    shown = model.rowCount()
    print(f"{'rows':>8} {'load ms':>8} {'sort ms':>8} {'filter ms':>9} {'shown':>6}")
    print(f"{rows:>8} {load:>8.1f} {sort:>8.1f} {filtered:>9.1f} {shown:>6}")
    print(f"grid: rows={rows} load_ms={load:.1f} sort_ms={sort:.1f} filter_ms={filtered:.1f} shown={shown}")
    return 0


def _account(login: int) -> Account:
    balance = Decimal(login * 7919 % 100_003)
    return Account(
        login=login,
        name=f"Client {login}",
        group="demo\\retail",
        leverage=100,
        balance=balance,
        credit=Decimal(0),
        equity=balance,
        margin=Decimal(0),
        free_margin=balance,
        margin_level=None,
    )


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * MS

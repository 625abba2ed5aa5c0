"""AccountsTableModel: every trade account with live margin figures, sorted and filtered in place.

Sorting and the quick filter work on a permutation inside the model (see
:mod:`desktop.ui.models.table`), so the grid stays responsive with 100k accounts. Live margin
updates change cells in place with one spanning ``dataChanged``; when the grid is sorted by a
changing column the order is marked stale and re-applied by :meth:`apply_pending_sort`, which
the accounts presenter calls at a throttled rate so rows do not jump under the operator's eyes.

Colours: margin level amber under ``warn_level`` (200 %), red under ``call_level`` (100 %)
with the whole row tinted; negative equity and free margin in red.

Imports: PySide6, the standard library, desktop.domain, desktop.ui.models and desktop.ui.theme.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from desktop.domain.account_filter import AccountFilter
from desktop.domain.models import Account
from desktop.ui import theme
from desktop.ui.models.columns import LEFT, RIGHT, Column, format_money, format_percent, plain_decimal
from desktop.ui.models.table import BACKGROUND_ROLE, FOREGROUND_ROLE, RowTableModel

NO_MARGIN = Decimal("Infinity")
"""Sort key of an account with no margin in use: safest, so it sorts after every level."""

WARN_LEVEL = Decimal(200)
CALL_LEVEL = Decimal(100)


def _money(name: str, header: str, width: int = 104, tooltip: str = "") -> Column[Account]:
    def display(account: Account) -> str:
        return format_money(getattr(account, name))

    def sort_key(account: Account) -> Decimal:
        value: Decimal = getattr(account, name)
        return value

    return Column(name, header, display, sort_key, RIGHT, width, tooltip, lambda a: plain_decimal(sort_key(a)))


ACCOUNT_COLUMNS: tuple[Column[Account], ...] = (
    Column("login", "Login", lambda a: str(a.login), lambda a: a.login, RIGHT, 76),
    Column("name", "Name", lambda a: a.name, lambda a: a.name.casefold(), LEFT, 170),
    Column("group", "Group", lambda a: a.group, lambda a: a.group.casefold(), LEFT, 130),
    Column(
        "leverage",
        "Leverage",
        lambda a: f"1:{a.leverage}",
        lambda a: a.leverage,
        RIGHT,
        76,
        "",
        lambda a: str(a.leverage),
    ),
    _money("balance", "Balance"),
    _money("credit", "Credit", 90),
    _money("equity", "Equity"),
    _money("margin", "Margin", 96),
    _money("free_margin", "Free margin", 104),
    Column(
        "margin_level",
        "Margin level",
        lambda a: format_percent(a.margin_level),
        lambda a: NO_MARGIN if a.margin_level is None else a.margin_level,
        RIGHT,
        100,
        "Equity / margin. Amber under 200 %, red at margin call (under 100 %); — = no open positions",
        lambda a: plain_decimal(a.margin_level),
    ),
)
_COLUMN = {c.key: i for i, c in enumerate(ACCOUNT_COLUMNS)}
_RED_WHEN_NEGATIVE = frozenset({_COLUMN["equity"], _COLUMN["free_margin"], _COLUMN["balance"]})


class AccountsTableModel(RowTableModel[Account]):
    """All accounts, one row each; ``Qt.UserRole`` returns the :class:`Account`.

    Signals (GUI thread):
        counts_changed(int, int): rows shown after the filter, and all accounts.
    """

    counts_changed = Signal(int, int)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        warn_level: Decimal = WARN_LEVEL,
        call_level: Decimal = CALL_LEVEL,
    ) -> None:
        super().__init__(ACCOUNT_COLUMNS, parent)
        self._by_login: dict[int, int] = {}
        self._search: list[str] = []
        self._terms: tuple[str, ...] = ()
        self._figures = AccountFilter()
        self._filter_text = ""
        self._warn_level = warn_level
        self._call_level = call_level
        self._sort_pending = False

    # -- updates --------------------------------------------------------------------------

    def replace_all(self, accounts: Iterable[Account]) -> None:
        """Show exactly ``accounts`` (a model reset; sort and filter are kept)."""
        self.beginResetModel()
        self._rows = list(accounts)
        self._by_login = {a.login: i for i, a in enumerate(self._rows)}
        self._search = [_search_text(a) for a in self._rows]
        self._rebuild_view()
        self._sort_pending = False
        self.endResetModel()
        self._emit_counts()

    def upsert_many(self, accounts: Iterable[Account]) -> None:
        """Update known accounts in place and append new ones.

        Emits one ``dataChanged`` spanning the changed rows shown, and one ``rowsInserted``
        for new accounts that pass the filter. The sort order is re-applied later, by
        :meth:`apply_pending_sort`.
        """
        changed: list[int] = []
        new: list[Account] = []
        for account in accounts:
            row = self._by_login.get(account.login)
            if row is None:
                new.append(account)
                continue
            self._rows[row] = account
            self._search[row] = _search_text(account)
            changed.append(row)
        self._emit_rows_changed(changed)
        if new:
            self._append(new)
        if (changed or new) and self._sort_column >= 0:
            self._sort_pending = True

    def _append(self, accounts: list[Account]) -> None:
        first = len(self._rows)
        for offset, account in enumerate(accounts):
            self._by_login[account.login] = first + offset
            self._rows.append(account)
            self._search.append(_search_text(account))
            self._pos.append(-1)
        shown = [r for r in range(first, len(self._rows)) if self._accepts(r)]
        if shown:
            start = len(self._view)
            self.beginInsertRows(QModelIndex(), start, start + len(shown) - 1)
            for place, row in enumerate(shown, start):
                self._view.append(row)
                self._pos[row] = place
            self.endInsertRows()
        self._emit_counts()

    @property
    def sort_pending(self) -> bool:
        """True when updates may have put rows out of order."""
        return self._sort_pending

    def apply_pending_sort(self) -> bool:
        """Re-sort if updates left the order stale; return whether it did."""
        if not self._sort_pending:
            return False
        self._sort_pending = False
        self.resort()
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` now (see :meth:`RowTableModel.sort`)."""
        self._sort_pending = False
        super().sort(column, order)

    # -- filter ---------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        """The quick filter as typed."""
        return self._filter_text

    def set_filter(self, text: str) -> None:
        """Show only accounts whose login, name or group contain every word of ``text``.

        Case-insensitive; an empty text shows every account. A model reset.
        """
        terms = tuple(text.casefold().split())
        self._filter_text = text
        if terms == self._terms:
            return
        self.beginResetModel()
        self._terms = terms
        self._rebuild_view()
        self.endResetModel()
        self._emit_counts()

    @property
    def account_filter(self) -> AccountFilter:
        """The group mask and figure ranges in force (inactive by default)."""
        return self._figures

    def set_account_filter(self, account_filter: AccountFilter) -> None:
        """Show only accounts that also pass ``account_filter`` (with the quick filter). A model reset."""
        if account_filter == self._figures:
            return
        self.beginResetModel()
        self._figures = account_filter
        self._rebuild_view()
        self.endResetModel()
        self._emit_counts()

    def _accepts(self, row: int) -> bool:
        text = self._search[row]
        if not all(term in text for term in self._terms):
            return False
        return not self._figures.active or self._figures.accepts(self._rows[row])

    # -- lookups --------------------------------------------------------------------------

    def total_count(self) -> int:
        """All accounts, shown or filtered out."""
        return len(self._rows)

    def account(self, login: int) -> Account | None:
        """The account with ``login``, shown or not."""
        row = self._by_login.get(login)
        return None if row is None else self._rows[row]

    def view_row_of_login(self, login: int) -> int:
        """Where the account ``login`` is shown, or -1."""
        row = self._by_login.get(login)
        return -1 if row is None else self.view_row_of(row)

    # -- colours --------------------------------------------------------------------------

    def _cell_data(self, row: Account, column: int, role: int) -> Any:
        if role == FOREGROUND_ROLE:
            return self._foreground(row, column)
        if role == BACKGROUND_ROLE:
            level = row.margin_level
            if level is not None and level < self._call_level:
                return theme.MARGIN_CALL_ROW
        return None

    def _foreground(self, row: Account, column: int) -> Any:
        if column == _COLUMN["margin_level"] and row.margin_level is not None:
            if row.margin_level < self._call_level:
                return theme.DOWN
            if row.margin_level < self._warn_level:
                return theme.WARN
        if column in _RED_WHEN_NEGATIVE and getattr(row, ACCOUNT_COLUMNS[column].key) < 0:
            return theme.DOWN
        return None

    def _emit_counts(self) -> None:
        self.counts_changed.emit(len(self._view), len(self._rows))


def _search_text(account: Account) -> str:
    return f"{account.login} {account.name} {account.group}".casefold()

"""Back-office operations of the MT4 server: balance integrity check and fix, direct trade edits, trade deletion.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``rest.v2.admin``.

* Balance check: the balance the server recomputes from an account's history — balance
  records (``cmd`` 6) plus the profit, commission, swap and taxes of closed trades; credit
  records and deleted orders do not count — minus the recorded balance, in cents. The seeded
  history adds up exactly, so ``diff`` is 0 until something writes a balance outside the
  history: ``UserRecordUpdate``/``set_balance``, an edited or deleted closed trade.
* Balance fix: sets the balance to the recomputed one (``UserChanged``, journal).
* Trade edit (``AdmTradeRecordModify``): the allow-listed fields of an open trade or a closed
  record, written as given without any check and without touching the balance (so editing a
  closed trade's profit shows in the balance check). An open trade's profit is floating
  (recomputed at every price), so a profit given for it is ignored; ``commissionAgent`` is not
  kept (no such field in the simulated record). Open trades publish ``TradeChanged``
  ``Updated``; history edits publish nothing (the streams carry open trades only).
* Trade deletion (``AdmTradesDelete``): open positions and orders vanish without settlement
  (``TradeChanged`` ``Deleted``, state ``Deleted``); closed records leave the history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from desktop.simulator.world.events import TradeChanged
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.trade_request import UnknownOrder
from desktop.simulator.world.mt4.trades import TradeRecord, snapshot

#: Fields of ``MT4TradeUpdate`` → attribute of the simulated record.
EDITABLE = {"sl": "sl", "tp": "tp", "magic": "magic", "comment": "comment", "commission": "commission",
            "storage": "storage", "profit": "profit", "taxes": "taxes"}  # fmt: skip


def recomputed_cents(book: Book, login: int) -> int:
    """Return the balance an account's history adds up to, in cents.

    Args:
        book: The accounts.
        login: An existing account.

    Returns:
        The balance from history.
    """
    total = 0
    for record in book.history_of(login):
        if record.cmd == 6:
            total += round(record.profit * 100)
        elif record.cmd < 2 and record.state != "Deleted":
            total += round((record.profit + record.commission + record.storage + record.taxes) * 100)
    return total


def balance_diff_cents(book: Book, login: int) -> int:
    """Return recomputed minus recorded balance of an account, in cents (0 = intact).

    Args:
        book: The accounts.
        login: An existing account (``UnknownLogin`` otherwise).

    Returns:
        The signed difference.
    """
    return recomputed_cents(book, login) - book.get(login).balance_cents


def fix_balance(book: Book, login: int) -> int:
    """Set an account's balance to the one its history adds up to.

    Args:
        book: The accounts.
        login: An existing account.

    Returns:
        The difference applied, in cents.
    """
    diff = balance_diff_cents(book, login)
    if diff:
        book.get(login).balance_cents += diff
        book.changed(login, f"balance fixed by {diff / 100:.2f}")
    return diff


def edit_trade(book: Book, ticket: int, changes: Mapping[str, Any], now: float) -> TradeRecord:
    """Write allow-listed fields onto an open trade or a closed record.

    Args:
        book: The accounts.
        ticket: The trade.
        changes: ``MT4TradeUpdate`` wire names → values (already type-checked).
        now: Unix time.

    Returns:
        The record as it is now.

    Raises:
        UnknownOrder: No open or closed trade has the ticket.
    """
    fields = {EDITABLE[name]: value for name, value in changes.items() if name in EDITABLE}
    found = book.trades.find_open(ticket)
    if found is not None:
        account, position = found
        for name, value in fields.items():
            if name != "profit":
                setattr(position, name, value)
        position.timestamp = int(now)
        record = snapshot(book.prices, position, book.group_of(account).currency)
        book.journal.add(now, "Trades", f"'{account.login}': admin modify #{ticket}")
        book.events.publish(TradeChanged("Updated", ticket, record))
        return record
    closed = book.closed_record(ticket)
    if closed is None:
        raise UnknownOrder(ticket)
    edited = dataclasses.replace(closed, **fields, timestamp=int(now))
    book.amended[ticket] = edited
    book.journal.add(now, "Trades", f"'{closed.login}': admin modify of closed #{ticket}")
    return edited


def delete_trades(book: Book, tickets: list[int], now: float) -> None:
    """Delete open trades and closed records by ticket, all or nothing.

    Args:
        book: The accounts.
        tickets: The tickets (duplicates count once).
        now: Unix time.

    Raises:
        UnknownOrder: A ticket is neither open nor in the history; nothing was deleted.
    """
    for ticket in tickets:
        if book.trades.find_open(ticket) is None and book.closed_record(ticket) is None:
            raise UnknownOrder(ticket)
    for ticket in dict.fromkeys(tickets):
        found = book.trades.find_open(ticket)
        if found is None:
            closed = book.closed_record(ticket)
            book.amended[ticket] = None
            book.journal.add(now, "Trades", f"'{closed.login if closed else 0}': admin delete of closed #{ticket}")
            continue
        account, position = found
        (account.positions if position.cmd < 2 else account.pending).remove(position)
        del book.open_index[ticket]
        record = dataclasses.replace(snapshot(book.prices, position, book.group_of(account).currency),
                                     close_time=int(now), state="Deleted", timestamp=int(now))  # fmt: skip
        book.journal.add(now, "Trades", f"'{account.login}': admin delete #{ticket}")
        book.events.publish(TradeChanged("Deleted", ticket, record))

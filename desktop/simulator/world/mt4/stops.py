"""What price moves do to open trades: pending orders trigger, SL and TP close, stop out liquidates.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``control.state`` (after every
tick batch of the feed) and ``faults.market`` (after a gap), through ``StopEnforcer.after``.

Rules, checked at the prices after a batch, for the trades on the batch's symbols, in this order:

1. A pending order expires when its expiration has passed (deleted, comment ``[expired]``).
2. A pending order triggers when the price reaches it — buy limit: ask ≤ price, sell limit:
   bid ≥ price, buy stop: ask ≥ price, sell stop: bid ≤ price — and becomes a market position
   under the same ticket, filled at the current ask (buy) or bid (sell), so a gap fills past the
   order price as on a market-execution server. Without the free margin for it the order is
   deleted instead (comment ``[no money]``).
3. A position closes at the market when its SL or TP is reached (buy: bid ≤ SL or bid ≥ TP;
   sell: ask ≥ SL or ask ≤ TP), comment ``[sl]`` / ``[tp]``.
4. Stop out (MT4): while an account's margin level is at or below its group's stop-out level,
   the position with the largest loss is closed at the market (comment
   ``so: <level>%/<equity>/<margin>``), one at a time, until the level is above the stop-out
   level or no position is left.

Every change publishes its events (``TradeChanged`` ``Updated`` for an activation,
``Deleted`` for a close or deletion, ``UserChanged`` for the balance) and a journal line.
Pending orders, SL and TP are checked after every batch; stop out (which values every
account holding the moved symbols, ~30 ms for the seeded 1,000) once per ``interval_ticks``
ticks, so its cost stays bounded and the outcome depends on the tick count only. A price gap
(``faults.market``) runs every rule at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from desktop.simulator.world.events import TradeChanged
from desktop.simulator.world.mt4.accounts import Account, Position
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.margin import position_margin
from desktop.simulator.world.mt4.trades import TradeRecord, floating_profit, snapshot
from desktop.simulator.world.mt4.trading import TradeEngine


class StopEnforcer:
    """Applies the price-driven rules of the module docstring to a ``Book``.

    Args:
        book: The accounts and their trades.
        interval_ticks: Ticks between two checks (1 = after every batch).
    """

    def __init__(self, book: Book, interval_ticks: int = 1) -> None:
        self._book = book
        self._interval = max(1, interval_ticks)
        self._moved: set[int] = set()
        self._seen = 0
        #: Whether price moves trigger stop out (``settle`` and gaps always do); a harness whose
        #: tests compare two reads of the book may switch it off.
        self.live_stop_out = True
        #: Logins the stop out closed positions of, since the last ``clear``.
        self.stopped_out: set[int] = set()

    def clear(self) -> None:
        """Forget which accounts were stopped out (the book was reset)."""
        self.stopped_out.clear()

    def settle(self, now: float) -> None:
        """Run every rule for every symbol at once (a freshly loaded or reset book).

        Args:
            now: Unix time.
        """
        self.check(set(range(len(self._book.prices.symbols))), now)

    def after(self, indices: Iterable[int], ticks: int, now: float) -> None:
        """Note a batch of ticks: pending orders, SL and TP at once, stop out when it is due.

        Args:
            indices: Symbol indices that ticked.
            ticks: Number of ticks in the batch.
            now: Unix time of the batch.
        """
        symbols = set(indices)
        self._moved.update(symbols)
        before, self._seen = self._seen, self._seen + ticks
        due = self.live_stop_out and before // self._interval != self._seen // self._interval
        touched, self._moved = (self._moved, set()) if due else (set(), self._moved)
        self.check(symbols, now, touched)

    def check(self, symbols: set[int], now: float, stop_out: set[int] | None = None) -> None:
        """Run the rules for the trades on ``symbols`` now.

        Args:
            symbols: Symbol indices whose prices moved (pending orders, SL, TP).
            now: Unix time.
            stop_out: Symbols whose accounts get the stop-out check (default: ``symbols``).
        """
        engine = TradeEngine(self._book)
        liquidate = symbols if stop_out is None else stop_out
        for login in sorted(set(self._book.open_index.values())):
            account = self._book.accounts.get(login)
            if account is None:
                continue
            for order in [o for o in account.pending if o.symbol in symbols]:
                self._pending_order(account, order, now)
            for position in [p for p in account.positions if p.symbol in symbols]:
                reason = self._stop_hit(position)
                if reason:
                    engine.close_at_market(account, position, now, reason)
            if liquidate and any(p.symbol in liquidate for p in account.positions):
                self._stop_out(engine, account, now)

    def _pending_order(self, account: Account, order: Position, now: float) -> None:
        if order.expiration and order.expiration <= now:
            self._delete(account, order, now, "[expired]")
            return
        bid, ask, _ = self._book.prices.quote(order.symbol)
        triggered = {2: ask <= order.open_price, 3: bid >= order.open_price,
                     4: ask >= order.open_price, 5: bid <= order.open_price}[order.cmd]  # fmt: skip
        if not triggered:
            return
        currency = self._book.group_of(account).currency
        need = position_margin(self._book.prices, order.symbol, order.volume / 100, account.leverage, currency)
        if self._book.state(account).free - need < 0:
            self._delete(account, order, now, "[no money]")
            return
        self._activate(account, order, ask if order.cmd % 2 == 0 else bid, now)

    def _activate(self, account: Account, order: Position, price: float, now: float) -> None:
        spec = self._book.prices.symbols[order.symbol]
        account.pending.remove(order)
        order.cmd, order.open_price, order.open_time, order.timestamp = order.cmd % 2, price, int(now), int(now)
        if spec.is_forex:
            order.commission = -round(7.0 * order.volume / 100, 2)
        account.positions.append(order)
        record = self._record(account, order)
        self._book.journal.add(now, "Trades", f"'{account.login}': order #{order.ticket} activated at {price}")
        self._publish("Updated", record)

    def _delete(self, account: Account, order: Position, now: float, comment: str) -> None:
        account.pending.remove(order)
        self._book.open_index.pop(order.ticket, None)
        record = dataclasses.replace(self._record(account, order), close_time=int(now), state="Deleted",
                                     comment=comment, timestamp=int(now))  # fmt: skip
        self._book.record_closed(record)
        self._book.journal.add(now, "Trades", f"'{account.login}': order #{order.ticket} deleted {comment}")
        self._publish("Deleted", record)

    def _stop_hit(self, position: Position) -> str:
        bid, ask, _ = self._book.prices.quote(position.symbol)
        price = bid if position.cmd == 0 else ask
        direction = 1.0 if position.cmd == 0 else -1.0
        if position.sl > 0 and (price - position.sl) * direction <= 0:
            return "[sl]"
        if position.tp > 0 and (price - position.tp) * direction >= 0:
            return "[tp]"
        return ""

    def _stop_out(self, engine: TradeEngine, account: Account, now: float) -> None:
        group = self._book.group_of(account)
        while account.positions:
            state = self._book.state(account)
            if state.margin <= 0 or state.level > group.stop_out:
                return
            worst = min(account.positions, key=lambda p: floating_profit(self._book.prices, p, group.currency))
            comment = f"so: {state.level:.1f}%/{state.equity:.2f}/{state.margin:.2f}"
            self._book.journal.add(now, "Trades", f"'{account.login}': stop out #{worst.ticket} ({comment})")
            engine.close_at_market(account, worst, now, comment[:32])
            self.stopped_out.add(account.login)

    def _record(self, account: Account, position: Position) -> TradeRecord:
        return snapshot(self._book.prices, position, self._book.group_of(account).currency)

    def _publish(self, kind: str, record: TradeRecord) -> None:
        self._book.events.publish(TradeChanged(kind, record.order, record))  # type: ignore[arg-type]

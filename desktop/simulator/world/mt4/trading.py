"""Execution of MT4 trade transactions: opening, closing, modifying and deleting orders, with the server's checks.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``rest.v2.trading``
(``TradeTransaction``); scenarios may call ``TradeEngine.execute`` directly.

Transaction types executed (others are refused with ``TradeDisable``):

=====================================  ===================================================
``OpenMarket``/``OpenInstant``/        open a buy/sell for ``orderBy`` at the market (client
``OpenRequest``                        checks, see below)
``PendingOpen``                        place a limit/stop order (client checks)
``CloseMarket``/``CloseInstant``/      close ``order`` (all of it, or ``volume`` of it)
``CloseRequest``
``Modify``                             change SL/TP (and price/expiration of an order)
``Delete``                             delete a pending order
``BrOpen``/``BrClose``/``BrModify``/   the same as the dealer: no market-hours, account-
``BrDelete``                           state or price-deviation checks; price 0 = market
=====================================  ===================================================

``BrOpen`` with a limit/stop command places a pending order; client opens need ``Buy`` or
``Sell`` (else ``InvalidData``).

Checks, in order, each answering its ``ResultCode`` (raised as ``rules.TradeRefused``):
account disabled (``AccountDisabled``) or read-only (``TradeDisable``) — client only;
symbol trade mode ``No``/``Close`` (``TradeDisable``); trade session closed
(``TradeMarketClosed``) — client only; volume limits and step (``TradeBadVolume``); price
— client ``OpenMarket``/close on instant-execution symbols (Forex): the price must be > 0
(``TradeBadPrices``) and within ``ieDeviation`` points of the current ask/bid
(``TradeRequote``); market-execution symbols fill at the market whatever the price; pending
price side (``TradeBadPrices``); SL/TP (``TradeBadStops``); free margin after the new
position's margin (``TradeNoMoney``); expiration in the past (``TradeExpirationDenied``).
Unknown login, symbol or ticket raise ``UnknownLogin``/``UnknownSymbol``/``UnknownOrder``.

Fills happen at the current bid/ask (a dealer's explicit price is used as given). Closing
realises profit (deposit currency, cents) plus the position's commission and swap into the
balance. A partial close keeps the closed part under the original ticket (``ClosedPart``,
comment ``to #new``) and reopens the rest under a new ticket (``OpenRemand``, comment
``from #old``), as MT4 does. Price moves trigger pending orders, SL, TP and stop out in
``stops`` (which closes through ``close_at_market``). Events: opening/placing →
``TradeChanged("Added")``; modifying → ``"Updated"``; closing or deleting → ``"Deleted"`` with
the closed record as ``snapshot`` (the trade leaves the open set, as with MT4's pumping), plus
``UserChanged("Updated")`` when the balance changed. Every event carries the record as
``snapshot``. Refused requests are written to the journal (``Errors``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from desktop.simulator.world.events import TradeChanged, UserChanged
from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, Position
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.margin import convert, position_margin
from desktop.simulator.world.mt4.rules import TradeRefused, check_pending_price, check_stops, check_volume, market_open
from desktop.simulator.world.mt4.trade_request import (
    Executed,
    InvalidRequest,
    TradeRequest,
    UnknownOrder,
    UnknownSymbol,
    check_close_volume,
    check_expiration,
    check_owner,
    command_number,
    profit_at,
)
from desktop.simulator.world.mt4.trades import COMMANDS as COMMANDS_BY_NUMBER
from desktop.simulator.world.mt4.trades import TradeRecord, market_price, snapshot

#: Executed transaction types → the engine method that runs them.
_ACTIONS = {
    "OpenMarket": "_open", "OpenInstant": "_open", "OpenRequest": "_open", "BrOpen": "_open",
    "PendingOpen": "_place",
    "CloseMarket": "_close", "CloseInstant": "_close", "CloseRequest": "_close", "BrClose": "_close",
    "Modify": "_modify", "BrModify": "_modify",
    "Delete": "_delete", "BrDelete": "_delete",
}  # fmt: skip
EXECUTED_TYPES = (*_ACTIONS, "BrBalance")
_REASON_FLAGS = ("Signal", "Expert", "Gateway", "Mobile", "Web", "API")


@dataclass(frozen=True)
class _Context:
    request: TradeRequest
    now: float
    client: bool


class TradeEngine:
    """Runs trade transactions against a ``Book`` (see the module docstring).

    Args:
        book: The accounts and their trades.
    """

    def __init__(self, book: Book) -> None:
        self._book = book

    def execute(self, request: TradeRequest, now: float) -> Executed:
        """Run one transaction.

        Args:
            request: The transaction.
            now: Unix time of the request.

        Returns:
            What was done.

        Raises:
            TradeRefused: The server refused it (nothing changed).
            UnknownLogin: No such account.
            UnknownSymbol: No such symbol.
            UnknownOrder: No such open trade or order.
            InvalidRequest: A required field is missing.
        """
        kind = request.kind
        context = _Context(request, now, client=not kind.startswith("Br"))
        name = _ACTIONS.get(kind)
        if name is None:
            raise TradeRefused("TradeDisable", f"{kind} is not simulated by this server.")
        action: Callable[[_Context], Executed] = getattr(self, name)
        try:
            return action(context)
        except TradeRefused as exc:
            self._book.journal.add(now, "Errors", f"'{request.login or request.order}': {kind} refused: {exc.message}")
            raise

    def close_at_market(self, account: Account, position: Position, now: float, comment: str) -> Executed:
        """Close a whole position at the market as the server itself (stop out, SL, TP; see ``stops``).

        Args:
            account: Its owner.
            position: An open market position of ``account``.
            now: Unix time of the close.
            comment: Comment the closed record gets (``[sl]``, ``[tp]``, ``so: …``).

        Returns:
            What was done.
        """
        request = TradeRequest("BrClose", COMMANDS_BY_NUMBER[position.cmd], "None", position.ticket, account.login,
                               "", position.volume, 0.0, 0.0, 0.0, 0, comment, 0)  # fmt: skip
        position.comment = comment
        price = market_price(self._book.prices, position)
        return self._settle(_Context(request, now, client=False), account, position, position.volume, price)

    # -- shared checks -------------------------------------------------------------------

    def _account(self, context: _Context, login: int) -> Account:
        account = self._book.get(login)
        if context.client and not account.enabled:
            raise TradeRefused("AccountDisabled", f"Account {login} is disabled.")
        if context.client and account.read_only:
            raise TradeRefused("TradeDisable", f"Account {login} is read-only.")
        return account

    def _symbol(self, name: str) -> int:
        if not name:
            raise InvalidRequest("symbol is required for this transaction.")
        index = self._book.prices.resolve(name)
        if index is None:
            raise UnknownSymbol(name)
        return index

    def _tradable(self, context: _Context, spec: SymbolSpec, opening: bool) -> None:
        mode = self._book.modes.get(spec.name)
        if spec.name in self._book.symbol_config.hidden:
            raise TradeRefused("TradeDisable", f"{spec.name} is hidden from the active symbols.")
        if mode == "No" or (mode == "Close" and opening):
            raise TradeRefused("TradeDisable", f"Trading {spec.name} is disabled (trade mode {mode}).")
        if context.client and not market_open(spec, context.now):
            raise TradeRefused("TradeMarketClosed", f"Market is closed for {spec.name}.")

    def _fill_price(self, context: _Context, spec: SymbolSpec, market: float) -> float:
        """Check the requested price of a market fill and return the fill price."""
        price = context.request.price
        if not context.client:
            if price < 0:
                raise TradeRefused("TradeBadPrices", f"Invalid price {price}.")
            return round(price, spec.digits) if price > 0 else market
        if not spec.is_forex:
            return market  # market execution: filled at the market whatever was asked
        if price <= 0:
            raise TradeRefused("TradeBadPrices", f"Invalid price {price} for {spec.name}.")
        if abs(price - market) > max(context.request.deviation, 0) * spec.point + spec.point / 2:
            raise TradeRefused("TradeRequote", f"Requote: {spec.name} is now {market}, asked {price}.")
        return market

    def _find(self, order: int) -> tuple[Account, Position]:
        if order < 1:
            raise InvalidRequest("order must be the ticket of an open trade (at least 1).")
        found = self._book.trades.find_open(order)
        if found is None:
            raise UnknownOrder(order)
        return found

    def _reason(self, context: _Context) -> str:
        if not context.client:
            return "Dealer"
        flags = {part.strip() for part in context.request.flags.split(",")}
        return next((name for name in _REASON_FLAGS if name in flags), "Client")

    def _publish(self, kind: str, record: TradeRecord) -> None:
        self._book.events.publish(TradeChanged(kind, record.order, record))  # type: ignore[arg-type]

    def _record(self, account: Account, position: Position) -> TradeRecord:
        return snapshot(self._book.prices, position, self._book.group_of(account).currency)

    # -- open ----------------------------------------------------------------------------

    def _open(self, context: _Context) -> Executed:
        request = context.request
        command = command_number(request.command)
        if command > 1 and not context.client and command < 6:
            return self._place(context)  # a dealer opens pending orders with BrOpen too
        if command > 1:
            raise TradeRefused("InvalidData", f"{request.kind} needs a buy/sell command, got {request.command}.")
        account, index, spec, (bid, ask) = self._opening(context)
        price = self._fill_price(context, spec, ask if command == 0 else bid)
        sl, tp = round(request.sl, spec.digits), round(request.tp, spec.digits)
        check_stops(spec, command == 0, bid if command == 0 else ask, sl, tp)
        self._check_money(account, index, request.volume)
        position = self._new_position(context, account, index, command, price)
        position.sl, position.tp = sl, tp
        account.positions.append(position)
        return self._opened(context, account, position)

    def _opening(self, context: _Context) -> tuple[Account, int, SymbolSpec, tuple[float, float]]:
        """Run the checks every new market or pending order passes.

        Login, account, symbol, trade mode and session, and volume; returns the account, the
        symbol's index and spec, and the current bid and ask.
        """
        request = context.request
        if request.login < 1:
            raise InvalidRequest("orderBy must be the login of the account (at least 1).")
        account = self._account(context, request.login)
        index = self._symbol(request.symbol)
        spec = self._book.prices.symbols[index]
        self._tradable(context, spec, opening=True)
        check_volume(spec, request.volume)
        bid, ask, _ = self._book.prices.quote(index)
        return account, index, spec, (bid, ask)

    def _check_money(self, account: Account, index: int, volume: int) -> None:
        group = self._book.group_of(account)
        need = position_margin(self._book.prices, index, volume / 100, account.leverage, group.currency)
        free = self._book.state(account).free
        if free - need < 0:
            raise TradeRefused("TradeNoMoney", f"Not enough money: margin {need:.2f} needed, free margin {free:.2f}.")

    def _new_position(self, context: _Context, account: Account, index: int, command: int, price: float) -> Position:
        request = context.request
        spec = self._book.prices.symbols[index]
        currency = self._book.group_of(account).currency
        return Position(
            ticket=self._book.next_ticket(), symbol=index, cmd=command, volume=request.volume, open_price=price,
            open_time=int(context.now), commission=-round(7.0 * request.volume / 100, 2) if spec.is_forex else 0.0,
            login=account.login, comment=request.comment, expiration=request.expiration,
            reason=self._reason(context), timestamp=int(context.now),
            margin_rate=round(convert(self._book.prices, 1.0, spec.margin_currency, currency), 6),
        )  # fmt: skip

    def _opened(self, context: _Context, account: Account, position: Position) -> Executed:
        self._book.open_index[position.ticket] = account.login
        record = self._record(account, position)
        spec = self._book.prices.symbols[position.symbol]
        self._book.journal.add(
            context.now, "Trades",
            f"'{account.login}': {_verb(context)}{record.command.lower()} {position.lots:.2f} {spec.name} at "
            f"{position.open_price:.{spec.digits}f} sl: {position.sl} tp: {position.tp} #{position.ticket}",
        )  # fmt: skip
        self._publish("Added", record)
        return Executed(position.ticket, account.login, record.command, spec.name, position.open_price, position.volume)

    def _place(self, context: _Context) -> Executed:
        request = context.request
        command = command_number(request.command)
        if not 2 <= command <= 5:
            raise TradeRefused("InvalidData", f"{request.kind} needs a limit or stop command, got {request.command}.")
        account, index, spec, (bid, ask) = self._opening(context)
        price = round(request.price, spec.digits)
        check_pending_price(spec, command, price, bid, ask)
        sl, tp = round(request.sl, spec.digits), round(request.tp, spec.digits)
        check_stops(spec, command % 2 == 0, price, sl, tp)
        check_expiration(request.expiration, context.now)
        order = self._new_position(context, account, index, command, price)
        order.sl, order.tp, order.commission = sl, tp, 0.0
        account.pending.append(order)
        return self._opened(context, account, order)

    # -- close, modify, delete -----------------------------------------------------------

    def _close(self, context: _Context) -> Executed:
        request = context.request
        account, position = self._find(request.order)
        if position.cmd > 1:
            raise TradeRefused("InvalidData", f"#{position.ticket} is a pending order: delete it instead.")
        check_owner(request, account)
        self._account(context, account.login)
        spec = self._book.prices.symbols[position.symbol]
        self._tradable(context, spec, opening=False)
        volume = request.volume or position.volume
        check_close_volume(spec, position, volume)
        price = self._fill_price(context, spec, market_price(self._book.prices, position))
        return self._settle(context, account, position, volume, price)

    def _settle(self, context: _Context, account: Account, position: Position, volume: int, price: float) -> Executed:
        currency = self._book.group_of(account).currency
        share = volume / position.volume
        part = dataclasses.replace(position, volume=volume, commission=round(position.commission * share, 2),
                                   storage=round(position.storage * share, 2))  # fmt: skip
        profit = round(profit_at(self._book.prices, part, price, currency), 2)
        rest = None
        if volume < position.volume:
            rest = self._remainder(context, position, volume)
        state = "ClosedPart" if rest is not None else "ClosedNormal"
        comment = f"to #{rest.ticket}" if rest is not None else position.comment
        now = int(context.now)
        record = dataclasses.replace(self._record(account, part), close_price=price, close_time=now, profit=profit,
                                     state=state, comment=comment, timestamp=now)  # fmt: skip
        account.positions.remove(position)
        del self._book.open_index[position.ticket]
        account.balance_cents += round((profit + part.commission + part.storage) * 100)
        self._book.record_closed(record)
        self._book.journal.add(context.now, "Trades", f"'{account.login}': {_verb(context)}close #{record.order} "
                               f"{record.command.lower()} {volume / 100:.2f} {record.symbol} at {price}")  # fmt: skip
        self._publish("Deleted", record)
        if rest is not None:
            account.positions.append(rest)
            self._opened(context, account, rest)
        self._book.events.publish(UserChanged("Updated", account.login))
        return Executed(position.ticket, account.login, record.command, record.symbol, price, volume)

    def _remainder(self, context: _Context, position: Position, volume: int) -> Position:
        share = (position.volume - volume) / position.volume
        return dataclasses.replace(
            position, ticket=self._book.next_ticket(), volume=position.volume - volume,
            commission=round(position.commission * share, 2), storage=round(position.storage * share, 2),
            comment=f"from #{position.ticket}", state="OpenRemand", timestamp=int(context.now),
        )  # fmt: skip

    def _modify(self, context: _Context) -> Executed:
        request = context.request
        account, position = self._find(request.order)
        check_owner(request, account)
        self._account(context, account.login)
        spec = self._book.prices.symbols[position.symbol]
        self._tradable(context, spec, opening=False)
        sl, tp = round(request.sl, spec.digits), round(request.tp, spec.digits)
        price = position.open_price
        if position.cmd > 1:
            bid, ask, _ = self._book.prices.quote(position.symbol)
            price = round(request.price, spec.digits) if request.price > 0 else price
            check_pending_price(spec, position.cmd, price, bid, ask)
            check_expiration(request.expiration, context.now)
        reference = price if position.cmd > 1 else market_price(self._book.prices, position)
        check_stops(spec, position.cmd % 2 == 0, reference, sl, tp)
        position.sl, position.tp, position.timestamp = sl, tp, int(context.now)
        if position.cmd > 1:
            position.open_price, position.expiration = price, request.expiration
        record = self._record(account, position)
        self._book.journal.add(context.now, "Trades", f"'{account.login}': {_verb(context)}modify #{position.ticket} "
                               f"sl: {sl} tp: {tp}")  # fmt: skip
        self._publish("Updated", record)
        return Executed(position.ticket, account.login, record.command, spec.name, price, position.volume)

    def _delete(self, context: _Context) -> Executed:
        account, order = self._find(context.request.order)
        if order.cmd < 2:
            raise TradeRefused("InvalidData", f"#{order.ticket} is a market position: close it instead.")
        check_owner(context.request, account)
        self._account(context, account.login)
        spec = self._book.prices.symbols[order.symbol]
        self._tradable(context, spec, opening=False)
        account.pending.remove(order)
        del self._book.open_index[order.ticket]
        record = dataclasses.replace(self._record(account, order), close_time=int(context.now), state="Deleted",
                                     timestamp=int(context.now))  # fmt: skip
        self._book.record_closed(record)
        self._book.journal.add(context.now, "Trades", f"'{account.login}': {_verb(context)}delete #{order.ticket}")
        self._publish("Deleted", record)
        return Executed(order.ticket, account.login, record.command, spec.name, order.open_price, order.volume)


def _verb(context: _Context) -> str:
    return "" if context.client else "dealer: "

"""Trade transaction requests and results, and the request-level checks of the trading model.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``trading`` (execution) and
``rest.v2.trading`` (which builds ``TradeRequest`` from the wire DTO).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, Position
from desktop.simulator.world.mt4.margin import Prices, convert
from desktop.simulator.world.mt4.rules import TradeRefused, check_volume


class UnknownSymbol(LookupError):
    """No symbol has the name."""


class UnknownOrder(LookupError):
    """No open trade or order has the ticket."""


class InvalidRequest(ValueError):
    """The request lacks a field the transaction needs (a ``Validation`` error)."""


@dataclass(frozen=True)
class TradeRequest:
    """A parsed ``MT4TradeTransaction`` (enum names normalised; ``expiration`` as Unix time, 0 = none)."""

    kind: str
    command: str
    flags: str
    order: int
    login: int
    symbol: str
    volume: int
    price: float
    sl: float
    tp: float
    deviation: int
    comment: str
    expiration: int


@dataclass(frozen=True)
class Executed:
    """What a transaction did: the ticket, its owner, command, symbol (catalogue name), price and volume used."""

    order: int
    login: int
    command: str
    symbol: str
    price: float
    volume: int


def command_number(name: str) -> int:
    """Return the native number of a ``TradeCommand`` name (``Buy`` = 0 … ``Credit`` = 7)."""
    names = ("Buy", "Sell", "BuyLimit", "SellLimit", "BuyStop", "SellStop", "Balance", "Credit")
    return names.index(name)


def check_owner(request: TradeRequest, account: Account) -> None:
    """Refuse an ``orderBy`` that is set but is not the trade's owner (``InvalidData``)."""
    if request.login and request.login != account.login:
        raise TradeRefused("InvalidData", f"#{request.order} belongs to {account.login}, not to {request.login}.")


def check_close_volume(spec: SymbolSpec, position: Position, volume: int) -> None:
    """Refuse closing more than the position, or leaving/closing a part below the volume limits."""
    if volume > position.volume:
        raise TradeRefused("TradeBadVolume", f"Cannot close {volume / 100:.2f} lots of #{position.ticket}.")
    if volume < position.volume:
        check_volume(spec, volume)
        check_volume(spec, position.volume - volume)


def check_expiration(expiration: int, now: float) -> None:
    """Refuse an expiration that is set and not in the future (``TradeExpirationDenied``)."""
    if expiration and expiration <= now:
        raise TradeRefused("TradeExpirationDenied", "The expiration lies in the past.")


def profit_at(prices: Prices, position: Position, price: float, currency: str) -> float:
    """Return the profit of a position closed at ``price``, in the deposit currency."""
    spec = prices.symbols[position.symbol]
    direction = 1.0 if position.cmd == 0 else -1.0
    raw = (price - position.open_price) * direction * spec.contract_size * position.lots
    return convert(prices, raw, spec.profit_currency, currency)

"""MT4 margin arithmetic: profit, margin, equity and margin level of an account at current prices.

Imports: stdlib and ``desktop.simulator.world.market.symbols``. Used by ``accounts`` (an account's money
at live prices) and ``generator`` (placing generated accounts near margin call).

Rules, as MT4 applies them with one simplification (hedged positions are not netted):

* profit of a position = (close - open) * contract size * lots, in the symbol's profit
  currency, where close is the bid for a buy and the ask for a sell (reversed sign for sells);
* Forex margin = lots * contract size / leverage in the base currency; CFD (leverage mode)
  margin = lots * contract size * mid / leverage in the profit currency;
* both are converted to the deposit currency through the USD pairs at mid prices;
* equity = balance + credit + floating profit; free = equity - margin;
  level = equity / margin * 100 (0 when there is no margin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop.simulator.world.market.symbols import SymbolSpec


class Prices(Protocol):
    """What margin arithmetic needs from a price source (``feed.PriceFeed`` fits)."""

    symbols: tuple[SymbolSpec, ...]

    def resolve(self, name: str) -> int | None:
        """Index of a symbol, or None."""
        ...

    def quote(self, index: int) -> tuple[float, float, float]:
        """Last ``(bid, ask, unix_time)``."""
        ...

    def mid(self, index: int) -> float:
        """Last mid price."""
        ...


@dataclass(frozen=True)
class MarginState:
    """An account's money at one moment, in the deposit currency.

    Attributes:
        balance: Balance.
        credit: Credit.
        profit: Floating profit of the open positions.
        equity: balance + credit + profit.
        margin: Margin held by the open positions.
        free: equity - margin.
        level: equity / margin * 100, or 0 without margin.
        volume: Sum of open volumes in MT4 units (100 = 1 lot).
    """

    balance: float
    credit: float
    profit: float
    equity: float
    margin: float
    free: float
    level: float
    volume: int


def usd_rate(prices: Prices, currency: str) -> float:
    """Return how many US dollars one unit of ``currency`` is worth.

    Args:
        prices: Price source.
        currency: ISO code.

    Returns:
        The rate at mid prices.

    Raises:
        KeyError: No USD pair quotes the currency.
    """
    if currency == "USD":
        return 1.0
    direct = prices.resolve(currency + "USD")
    if direct is not None:
        return prices.mid(direct)
    inverse = prices.resolve("USD" + currency)
    if inverse is not None:
        return 1.0 / prices.mid(inverse)
    raise KeyError(f"no USD pair for {currency}")


def convert(prices: Prices, amount: float, source: str, target: str) -> float:
    """Convert an amount between currencies at mid prices.

    Args:
        prices: Price source.
        amount: Amount in ``source``.
        source: Currency of the amount.
        target: Wanted currency.

    Returns:
        The amount in ``target``.
    """
    if source == target:
        return amount
    return amount * usd_rate(prices, source) / usd_rate(prices, target)


def position_profit(prices: Prices, index: int, cmd: int, lots: float, open_price: float) -> float:
    """Floating profit of one position, in the symbol's profit currency.

    Args:
        prices: Price source.
        index: Symbol index.
        cmd: 0 buy, 1 sell.
        lots: Volume in lots.
        open_price: Open price.

    Returns:
        The profit (negative for a loss).
    """
    bid, ask, _ = prices.quote(index)
    spec = prices.symbols[index]
    if cmd == 0:
        return (bid - open_price) * spec.contract_size * lots
    return (open_price - ask) * spec.contract_size * lots


def position_margin(prices: Prices, index: int, lots: float, leverage: int, deposit: str) -> float:
    """Margin one position holds, in the deposit currency.

    Args:
        prices: Price source.
        index: Symbol index.
        lots: Volume in lots.
        leverage: Account leverage (100 = 1:100).
        deposit: Deposit currency.

    Returns:
        The margin.
    """
    spec = prices.symbols[index]
    if spec.is_forex:
        raw = lots * spec.contract_size / leverage
    else:
        raw = lots * spec.contract_size * prices.mid(index) / leverage
    return convert(prices, raw, spec.margin_currency, deposit)


def level_of(equity: float, margin: float) -> float:
    """Margin level in percent, MT4 style (0 when no margin is held).

    Args:
        equity: Equity.
        margin: Margin.

    Returns:
        equity / margin * 100, or 0.
    """
    return equity / margin * 100.0 if margin > 0 else 0.0

"""The simulated MT4 server's symbol catalogue: static contract specifications.

Imports: stdlib only. Used by ``feed`` (prices), ``margin`` (profit and margin) and ``rest.v2.dto.mt4``
(``MT4SymbolConfig``). Prices are plausible late-2026 levels, not market data.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Security groups (``MT4SymbolConfig.type`` is the index into this tuple).
SECURITY_GROUPS = ("Forex", "Metals", "Indices", "Crypto", "Energies")


@dataclass(frozen=True)
class SymbolSpec:
    """One symbol's contract as the MT4 server configures it.

    Attributes:
        name: Symbol name (at most 12 characters).
        description: Human-readable description.
        digits: Decimal digits of a quote; one point is ``10 ** -digits``.
        spread: Fixed spread in points.
        contract_size: Units of the base asset per lot.
        margin_currency: Currency the margin is computed in.
        profit_currency: Currency profit is computed in (the quote currency).
        price: Initial mid price.
        sec_type: Index into ``SECURITY_GROUPS``.
        weight: Relative share of the tick flow (majors are busier).
        volatility: Relative standard deviation of the mid price per second.
        swap_long: Swap for long positions, in points.
        swap_short: Swap for short positions, in points.
        stops_level: Minimum SL/TP distance in points.
    """

    name: str
    description: str
    digits: int
    spread: int
    contract_size: float
    margin_currency: str
    profit_currency: str
    price: float
    sec_type: int
    weight: float
    volatility: float
    swap_long: float = -5.0
    swap_short: float = 1.0
    stops_level: int = 0

    @property
    def point(self) -> float:
        """Size of one point (the smallest price step)."""
        return float(10.0**-self.digits)

    @property
    def is_forex(self) -> bool:
        """True for currency pairs (Forex margin mode), False for CFDs."""
        return self.sec_type == 0

    @property
    def tick_value(self) -> float:
        """Value of one point for one lot, in the profit currency."""
        return self.contract_size * self.point


def _fx(name: str, price: float, spread: int, weight: float, vol: float = 3e-5) -> SymbolSpec:
    base, quote = name[:3], name[3:]
    digits = 3 if quote == "JPY" else 5
    return SymbolSpec(
        name=name,
        description=f"{_CCY[base]} vs {_CCY[quote]}",
        digits=digits,
        spread=spread,
        contract_size=100_000.0,
        margin_currency=base,
        profit_currency=quote,
        price=price,
        sec_type=0,
        weight=weight,
        volatility=vol,
        swap_long=-round(spread * 0.4, 1),
        swap_short=round(spread * 0.1, 1),
        stops_level=spread,
    )


def _cfd(
    name: str, description: str, digits: int, price: float, spread: int, contract: float, ccy: str, **kw: float
) -> SymbolSpec:
    sec_type = int(kw.pop("sec_type"))
    return SymbolSpec(
        name=name,
        description=description,
        digits=digits,
        spread=spread,
        contract_size=contract,
        margin_currency=ccy,
        profit_currency=ccy,
        price=price,
        sec_type=sec_type,
        weight=kw.get("weight", 2.0),
        volatility=kw.get("volatility", 5e-5),
        swap_long=kw.get("swap_long", -8.0),
        swap_short=kw.get("swap_short", 2.0),
        stops_level=spread,
    )


_CCY = {
    "EUR": "Euro",
    "USD": "US Dollar",
    "GBP": "Great Britain Pound",
    "JPY": "Japanese Yen",
    "CHF": "Swiss Franc",
    "AUD": "Australian Dollar",
    "CAD": "Canadian Dollar",
    "NZD": "New Zealand Dollar",
}

#: Every symbol the server knows, in catalogue order.
SYMBOLS: tuple[SymbolSpec, ...] = (
    _fx("EURUSD", 1.08520, 12, 14.0),
    _fx("GBPUSD", 1.27140, 15, 10.0),
    _fx("USDJPY", 151.480, 14, 10.0),
    _fx("USDCHF", 0.88460, 16, 5.0),
    _fx("AUDUSD", 0.65530, 14, 6.0),
    _fx("USDCAD", 1.36480, 18, 5.0),
    _fx("NZDUSD", 0.60470, 20, 4.0),
    _fx("EURGBP", 0.85350, 15, 3.0),
    _fx("EURJPY", 164.390, 20, 4.0),
    _fx("GBPJPY", 192.590, 28, 3.0),
    _fx("EURCHF", 0.95990, 20, 2.0),
    _fx("EURAUD", 1.65600, 25, 2.0),
    _fx("EURCAD", 1.48110, 28, 2.0),
    _fx("EURNZD", 1.79460, 35, 1.0),
    _fx("GBPCHF", 1.12470, 30, 1.0),
    _fx("GBPAUD", 1.94020, 35, 1.0),
    _fx("AUDJPY", 99.260, 22, 2.0),
    _fx("AUDNZD", 1.08370, 28, 1.0),
    _fx("CADJPY", 110.990, 25, 1.0),
    _fx("CHFJPY", 171.240, 30, 1.0),
    _fx("NZDJPY", 91.600, 30, 1.0),
    _cfd("XAUUSD", "Gold vs US Dollar", 2, 2651.40, 30, 100.0, "USD", sec_type=1, weight=8.0, volatility=6e-5),
    _cfd("XAGUSD", "Silver vs US Dollar", 3, 31.120, 30, 5000.0, "USD", sec_type=1, weight=3.0, volatility=9e-5),
    _cfd("US30", "Dow Jones Industrial Average", 1, 43520.0, 20, 1.0, "USD", sec_type=2, weight=4.0),
    _cfd("NAS100", "Nasdaq 100", 1, 20815.0, 15, 1.0, "USD", sec_type=2, weight=4.0, volatility=6e-5),
    _cfd("SPX500", "S&P 500", 1, 5952.0, 5, 1.0, "USD", sec_type=2, weight=3.0),
    _cfd("GER40", "DAX 40", 1, 19410.0, 12, 1.0, "EUR", sec_type=2, weight=3.0),
    _cfd("UK100", "FTSE 100", 1, 8105.0, 10, 1.0, "GBP", sec_type=2, weight=2.0),
    _cfd("JP225", "Nikkei 225", 0, 38520.0, 10, 1.0, "JPY", sec_type=2, weight=2.0),
    _cfd("BTCUSD", "Bitcoin vs US Dollar", 2, 91050.00, 3000, 1.0, "USD", sec_type=3, weight=4.0, volatility=1.5e-4),
    _cfd("ETHUSD", "Ethereum vs US Dollar", 2, 3105.50, 150, 1.0, "USD", sec_type=3, weight=3.0, volatility=1.8e-4),
    _cfd("USOIL", "WTI Crude Oil", 2, 69.55, 3, 1000.0, "USD", sec_type=4, weight=2.0, volatility=8e-5),
)


def symbol_index() -> dict[str, int]:
    """Map each symbol name to its position in ``SYMBOLS``.

    Returns:
        Name → index.
    """
    return {spec.name: i for i, spec in enumerate(SYMBOLS)}

"""Wire shape of ``MT5Symbol`` (the MT5 platform's view of the shared symbol catalogue).

Imports: stdlib and ``desktop.simulator`` (``mt5``, ``rules``, ``symbols``). Used by
``rest.v2.mt5``. Volumes are MT5 units (10 000 = 1 lot) derived from ``rules.volume_limits``;
sessions are ``rules.sessions`` in minutes from midnight (a whole day is 0-1440).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import EPOCH_TEXT
from desktop.simulator.world.market.symbols import SECURITY_GROUPS, SymbolSpec
from desktop.simulator.world.mt4.rules import Window, sessions, volume_limits
from desktop.simulator.world.mt5.platform import MT5_LOT

_SECTORS = ("Currency", "Commodities", "Indexes", "CurrencyCrypto", "Energy")
_ORDER_TYPES = ("Buy", "Sell", "BuyLimit", "SellLimit", "BuyStop", "SellStop", "BuyStopLimit", "SellStopLimit")


def _session(window: Window) -> dict[str, Any]:
    start = window.open_hour * 60 + window.open_minute
    end = window.close_hour * 60 + window.close_minute + 1
    return {"open": start, "openHours": start // 60, "openMinutes": start % 60, "close": end,
            "closeHours": end // 60, "closeMinutes": end % 60}  # fmt: skip


def _sessions(spec: SymbolSpec) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
    days = sessions(spec)
    return [[_session(w) for w in day.quote] for day in days], [[_session(w) for w in day.trade] for day in days]


def _identity(spec: SymbolSpec) -> dict[str, Any]:
    base = spec.margin_currency
    return {
        "symbol": spec.name, "path": f"{SECURITY_GROUPS[spec.sec_type]}\\{spec.name}", "isin": "",
        "description": spec.description, "international": spec.description, "basis": "", "source": "",
        "page": "", "currencyBase": base, "currencyBaseDigits": 2, "currencyProfit": spec.profit_currency,
        "currencyProfitDigits": 2, "currencyMargin": spec.margin_currency, "currencyMarginDigits": 2,
        "color": -16777216, "colorBackground": -1, "digits": spec.digits, "point": spec.point,
        "multiply": float(10**spec.digits), "tickFlags": "Realtime", "tickBookDepth": 0, "filterSoft": 100,
        "filterSoftTicks": 10, "filterHard": 500, "filterHardTicks": 10, "filterDiscard": 500,
        "filterSpreadMax": 0, "filterSpreadMin": 0,
    }  # fmt: skip


def _trading(spec: SymbolSpec) -> dict[str, Any]:
    limits = volume_limits(spec)
    scale = MT5_LOT // 100
    return {
        "tradeMode": "Full", "calcMode": "Forex" if spec.is_forex else "CfdLeverage",
        "execMode": "Instant" if spec.is_forex else "Market", "gtcMode": "GtC", "fillFlags": "All",
        "expirFlags": "All", "spread": spec.spread, "spreadBalance": 0, "spreadDiff": 0, "spreadDiffBalance": 0,
        "tickValue": spec.tick_value, "tickSize": spec.point, "contractSize": spec.contract_size,
        "stopsLevel": spec.stops_level, "freezeLevel": 0, "quotesTimeout": 0,
        "volumeMin": limits.minimum * scale, "volumeMax": limits.maximum * scale, "volumeStep": limits.step * scale,
        "volumeLimit": 0, "marginFlags": "None", "marginInitial": 0.0, "marginMaintenance": 0.0,
        "marginLong": 1.0, "marginShort": 1.0, "marginLimit": 0.0, "marginStop": 0.0, "marginStopLimit": 0.0,
        "swapMode": "ByPoints", "swapLong": spec.swap_long, "swapShort": spec.swap_short, "swap3Day": "Wednesday",
        "timeStart": EPOCH_TEXT, "timeExpiration": EPOCH_TEXT,
    }  # fmt: skip


def _execution(spec: SymbolSpec) -> dict[str, Any]:
    limits = volume_limits(spec)
    rates = dict.fromkeys(_ORDER_TYPES, 1.0)
    return {
        "reFlags": "None", "reTimeout": 7, "ieCheckMode": "Normal", "ieTimeout": 7, "ieSlipProfit": 2,
        "ieSlipLosing": 2, "ieVolumeMax": 0, "priceSettle": 0.0, "priceLimitMax": 0.0, "priceLimitMin": 0.0,
        "tradeFlags": "Default", "orderFlags": "All", "marginRateInitial": rates, "marginRateMaintenance": dict(rates),
        "optionsMode": "EuropeanCall", "priceStrike": 0.0, "marginRateLiquidity": 0.0, "faceValue": 0.0,
        "accruedInterest": 0.0, "spliceType": "None", "spliceTimeType": "Expiration", "spliceTimeDays": 0,
        "marginHedged": spec.contract_size / 2 if spec.is_forex else 0.0, "marginRateCurrency": 0.0,
        "filterGap": 0, "filterGapTicks": 0, "chartMode": "BidPrice", "ieFlags": "None",
        "volumeMinExt": limits.minimum * 1_000_000, "volumeMaxExt": limits.maximum * 1_000_000,
        "volumeStepExt": limits.step * 1_000_000, "volumeLimitExt": 0, "ieVolumeMaxExt": 0,
        "category": SECURITY_GROUPS[spec.sec_type], "exchange": "", "cfi": "", "sector": _SECTORS[spec.sec_type],
        "industry": "Undefined", "country": "", "subscriptionsDelay": 0, "swapYearDays": 360, "swapFlags": "None",
        "swapRateSunday": 0.0, "swapRateMonday": 1.0, "swapRateTuesday": 1.0, "swapRateWednesday": 3.0,
        "swapRateThursday": 1.0, "swapRateFriday": 1.0, "swapRateSaturday": 0.0,
    }  # fmt: skip


def mt5_symbol(spec: SymbolSpec) -> dict[str, Any]:
    """Build an ``MT5Symbol``.

    Args:
        spec: The symbol.

    Returns:
        The DTO (every property of the schema).
    """
    quote, trade = _sessions(spec)
    return {**_identity(spec), **_trading(spec), "sessionQuote": quote, "sessionTrade": trade, **_execution(spec)}

"""The MT5 platform's group and symbol configuration changes (``PATCH GroupRecord`` / ``SymbolRecord``).

Imports: stdlib and ``desktop.simulator.world.mt4.records``. Used by ``mt5.platform`` (``Mt5Book.config``)
and the ``rest.v2`` MT5 operations.

The seeded records come from the groups and the shared symbol catalogue; a patch lays its
writable fields over the current record and the result is kept per name, so ``GroupGet`` and
``SymbolGet`` report it. Writable group fields: the company texts, ``marginCall``,
``marginStopOut``, ``marginSOMode``, ``marginFreeMode``, the demo, news, mail, reports, OTP and
history modes, the limits, ``tradeInterestRate``, ``tradeVirtualCredit``, ``tradeFlags`` and
``permissionsFlags``. Writable symbol fields: ``description``, ``international``, the trade,
execution, GTC and swap modes, ``swap3Day``, ``swapLong``, ``swapShort``, ``stopsLevel``,
``freezeLevel``. Other keys are ignored. The MT5 platform quotes the shared feed, so
its spread and contract cannot change here; its margin monitor keeps the seeded levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.simulator.world.mt4.records import Shape, overlay

_GROUP_ENUMS = {
    "newsMode": ("Disabled", "Headers", "Full"), "mailMode": ("Disabled", "Full"),
    "reportsMode": ("Disabled", "Full", "EODOnly", "EOMOnly"),
    "marginFreeMode": ("NotUsePL", "UsePL", "Profit", "Loss"),
    "marginSOMode": ("Percent", "Money"), "authOTPMode": ("Disabled", "TotpSha256", "TotpSha256Web"),
    "limitHistory": ("All", "Months1", "Months3", "Months6", "Year1", "Year2", "Year3"),
}  # fmt: skip
_GROUP_FLAGS = {
    "tradeFlags": ("None", "Swaps", "Trailing", "Experts", "Expiration", "SignalsAll", "Default", "SignalsOwn",
                   "SOCompensation", "SOFullyHedged", "FifoClose", "HedgeProhibit", "DealCost", "SOCompensationCredit",
                   "All"),
    "permissionsFlags": ("None", "CertConfirm", "EnableConnection", "ResetPassword", "ForcedOtpUsage", "RiskWarning",
                         "RegulationProtect", "NotifyDeals", "NotifyOrders", "NotifyBalances", "NotifyAll", "All"),
}  # fmt: skip
_GROUP_WRITABLE = frozenset({
    "company", "companyPage", "companyEmail", "companySupportPage", "companySupportEmail", "marginCall",
    "marginStopOut", "demoLeverage", "demoDeposit", "limitOrders", "limitSymbols", "limitPositions",
    "tradeInterestRate", "tradeVirtualCredit", "demoInactivityPeriod", *_GROUP_ENUMS, *_GROUP_FLAGS,
})  # fmt: skip
_SYMBOL_ENUMS = {
    "tradeMode": ("Disabled", "LongOnly", "ShortOnly", "CloseOnly", "Full"),
    "execMode": ("Request", "Instant", "Market", "Exchange"), "gtcMode": ("GtC", "Daily", "DailyNoStops"),
    "swapMode": ("Disabled", "ByPoints", "BySymbolCurrency", "ByMarginCurrency", "ByGroupCurrency",
                 "ByInterestCurrent", "ByInterestOpen", "ReopenByClosePrice", "ReopenByBid", "ByProfitCurrency"),
    "swap3Day": ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Disabled"),
}  # fmt: skip
_SYMBOL_WRITABLE = frozenset({"description", "international", "swapLong", "swapShort", "stopsLevel", "freezeLevel",
                              *_SYMBOL_ENUMS})  # fmt: skip
GROUP_SHAPE = Shape(enums=_GROUP_ENUMS, flags=_GROUP_FLAGS)
SYMBOL_SHAPE = Shape(enums=_SYMBOL_ENUMS)


class InvalidConfig(ValueError):
    """A value the MT5 server refuses (``MT5Error``/``InvalidData``)."""


def _check_group(record: Mapping[str, Any]) -> None:
    if not 0 <= record["marginStopOut"] <= record["marginCall"]:
        raise InvalidConfig("marginStopOut must be between 0 and marginCall.")
    negative = [key for key in ("demoLeverage", "demoDeposit", "limitOrders", "limitSymbols", "limitPositions",
                                "demoInactivityPeriod") if record[key] < 0]  # fmt: skip
    if negative:
        raise InvalidConfig(f"{negative[0]} must not be negative.")


def _check_symbol(record: Mapping[str, Any]) -> None:
    if record["stopsLevel"] < 0 or record["freezeLevel"] < 0:
        raise InvalidConfig("stopsLevel and freezeLevel must not be negative.")
    if not record["description"] or len(record["description"]) > 64:
        raise InvalidConfig("description must be 1 to 64 characters.")


class Mt5Config:
    """The changed fields of MT5 groups and symbols, by name."""

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, Any]] = {}
        self._symbols: dict[str, dict[str, Any]] = {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mt5Config):
            return NotImplemented
        return (self._groups, self._symbols) == (other._groups, other._symbols)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def group(self, name: str, seeded: Mapping[str, Any]) -> dict[str, Any]:
        """Return a group's record: the seeded one with its changes."""
        return {**seeded, **self._groups.get(name, {})}

    def symbol(self, name: str, seeded: Mapping[str, Any]) -> dict[str, Any]:
        """Return a symbol's record: the seeded one with its changes."""
        return {**seeded, **self._symbols.get(name, {})}

    def patch_group(self, name: str, seeded: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a merge patch to a group.

        Raises:
            BadValue: Wrong JSON type or unknown enum name.
            InvalidConfig: A value the server refuses (nothing changed).
        """
        return self._patch(self._groups, name, self.group(name, seeded), patch, _GROUP_WRITABLE, GROUP_SHAPE)

    def patch_symbol(self, name: str, seeded: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a merge patch to a symbol.

        Raises:
            BadValue: Wrong JSON type or unknown enum name.
            InvalidConfig: A value the server refuses (nothing changed).
        """
        return self._patch(self._symbols, name, self.symbol(name, seeded), patch, _SYMBOL_WRITABLE, SYMBOL_SHAPE)

    @staticmethod
    def _patch(store: dict[str, dict[str, Any]], name: str, current: dict[str, Any], patch: Mapping[str, Any],
               writable: frozenset[str], shape: Shape) -> dict[str, Any]:  # fmt: skip
        after = overlay(current, {key: value for key, value in patch.items() if key in writable}, shape)
        (_check_group if shape is GROUP_SHAPE else _check_symbol)(after)
        store.setdefault(name, {}).update({key: after[key] for key in writable if key in after})
        return after

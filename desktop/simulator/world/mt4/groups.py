"""The MT4 server's group configuration as live state: settings, security entries and margins per group.

Imports: stdlib, ``desktop.simulator.config`` and ``desktop.simulator.world`` (``mt4.accounts``,
``mt4.records``, ``market.symbols``). Margin overrides (``SecMargins``) are not configured: ``secMarginsTotal`` is 0 and
``GroupSecMarginsGet`` answers an empty list. Used by ``book`` (``Book.groups``; ``group_of`` reads the
margin call and stop-out levels, currency and default leverage from here) and the ``rest.v2``
group operations.

Each group keeps its ``MT4Group`` record (field names as the WebAPI's). A change replaces the
record and derives the ``Group`` the money rules use: ``marginCall`` and ``marginStopout``
become its levels, ``defaultLeverage`` the leverage new accounts get. The deposit currency
cannot change (the simulated server would have to convert every account's money): a change
of ``currency`` is refused with ``InvalidData``, as are levels outside 0-1000 %, a stop-out
above the margin call, a leverage outside 1-1000 and negative counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from desktop.simulator.config import ORGANIZATION_NAME
from desktop.simulator.world.market.symbols import SYMBOLS
from desktop.simulator.world.mt4.accounts import GROUPS, Group
from desktop.simulator.world.mt4.records import Shape, overlay
from desktop.simulator.world.mt4.rules import VolumeLimits, volume_limits

#: Rights of every seeded group (``GroupRights`` flags, ", "-joined).
GROUP_RIGHTS = "Signals, Trailing, Advisor, Expiration"
GROUP_SHAPE = Shape(
    enums={
        "otpMode": ("Disabled", "TOTP_SHA256"),
        "marginMode": ("DontUse", "UseAll", "UseProfit", "UseLoss"),
        "newsMode": ("No", "Topics", "Full"),
        "marginControllingType": ("Percent", "Currency"),
    },
    flags={"groupRights": ("Signals", "Trailing", "Advisor", "Expiration", "SignalAll", "SignalsOwn",
                           "RiskWarning", "ForcedOTPUsage")},
    read_only=frozenset({"group", "secMarginsTotal"}),
)  # fmt: skip
#: Number of security-group entries of every group (``ConGroup.secgroups``).
SEC_GROUPS = 32
_NON_NEGATIVE = ("timeout", "copies", "reports", "maxSecurities", "maxPositions", "archivePeriod",
                 "archiveMaxBalance", "archivePendingPeriod", "defaultDeposit", "credit", "interestRate")  # fmt: skip


class InvalidGroup(ValueError):
    """A change the trade server refuses (``MT4Error``/``InvalidData``)."""


def seed_record(group: Group) -> dict[str, Any]:
    """Return the seeded ``MT4Group`` record of a group.

    Args:
        group: The seeded group.

    Returns:
        Field → value, in the spec's order.
    """
    return {
        "group": group.name, "enable": 1, "timeout": 60, "otpMode": "Disabled", "company": ORGANIZATION_NAME,
        "signature": f"{ORGANIZATION_NAME}, regulated dealing desk", "supportPage": "https://example.com/support",
        "supportEmail": "support@example.com", "copies": 0, "reports": 0 if group.demo else 1,
        "defaultLeverage": group.leverages[0], "defaultDeposit": group.balance_median if group.demo else 0.0,
        "maxSecurities": 4096, "secMarginsTotal": 0, "currency": group.currency, "credit": 0.0,
        "marginCall": round(group.margin_call), "marginMode": "UseAll", "marginStopout": round(group.stop_out),
        "interestRate": 0.0, "useSwap": 1, "newsMode": "Full", "groupRights": GROUP_RIGHTS, "checkIEPrices": 0,
        "maxPositions": 0, "closeReopen": 0, "hedgeProhibited": 0, "closeFIFO": 0, "hedgeLargeLeg": 0,
        "marginControllingType": "Percent", "archivePeriod": 0 if group.demo else 90,
        "archiveMaxBalance": 0, "stopoutSkipHedged": 0, "archivePendingPeriod": 0,
    }  # fmt: skip


def _check(before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    if after["currency"] != before["currency"]:
        raise InvalidGroup("The deposit currency of a group with accounts cannot be changed.")
    if not 0 <= after["marginStopout"] <= after["marginCall"] <= 1000:
        raise InvalidGroup("marginStopout and marginCall must satisfy 0 <= stop out <= margin call <= 1000.")
    if not 1 <= after["defaultLeverage"] <= 1000:
        raise InvalidGroup("defaultLeverage must be between 1 and 1000.")
    negative = [key for key in _NON_NEGATIVE if after[key] < 0]
    if negative:
        raise InvalidGroup(f"{negative[0]} must not be negative.")


class GroupTable:
    """Every group's live configuration."""

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._groups: dict[str, Group] = {}
        self.reset()

    def reset(self) -> None:
        """Restore the seeded configuration of every group."""
        self._records = {group.name: seed_record(group) for group in GROUPS}
        self._groups = {group.name: group for group in GROUPS}

    def names(self) -> list[str]:
        """Return every group name, in configuration order."""
        return list(self._records)

    def get(self, name: str) -> Group:
        """Return the money rules of a group (exact name).

        Raises:
            KeyError: No such group.
        """
        return self._groups[name]

    def record(self, name: str) -> dict[str, Any]:
        """Return a copy of a group's ``MT4Group`` record (exact name).

        Raises:
            KeyError: No such group.
        """
        return dict(self._records[name])

    def update(self, name: str, change: Mapping[str, Any]) -> dict[str, Any]:
        """Lay a change over a group's record and apply it.

        Args:
            name: Group name (exact).
            change: Decoded JSON object (full ``MT4GroupUpdate`` or a merge patch).

        Returns:
            The new record.

        Raises:
            KeyError: No such group.
            BadValue: Wrong JSON type of a field.
            InvalidGroup: A value the server refuses (nothing changed).
        """
        before = self._records[name]
        after = overlay(before, change, GROUP_SHAPE)
        _check(before, after)
        group = self._groups[name]
        others = tuple(lev for lev in group.leverages if lev != after["defaultLeverage"])
        self._groups[name] = dataclasses.replace(
            group,
            margin_call=float(after["marginCall"]),
            stop_out=float(after["marginStopout"]),
            leverages=(after["defaultLeverage"], *others),
        )
        self._records[name] = after
        return dict(after)


def sec_groups(group: Group) -> list[dict[str, Any]]:
    """Return the 32 ``MT4GroupSec`` entries of a group (the unused ones are placeholders).

    Args:
        group: The group.

    Returns:
        One entry per security group index; the catalogue's groups are shown and traded with
        the volume limits the trading rules apply (MT4 units, 100 = 1 lot).
    """
    entries = []
    for index in range(SEC_GROUPS):
        spec = next((spec for spec in SYMBOLS if spec.sec_type == index), None)
        limits = None if spec is None else volume_limits(spec)
        entries.append(_sec_entry(limits, group.demo))
    return entries


def _sec_entry(limits: VolumeLimits | None, demo: bool) -> dict[str, Any]:
    flag = 0 if limits is None else 1
    return {
        "show": flag, "trade": flag, "dealingMode": "Auto" if demo else "Manual", "standardCommission": 0.0,
        "commissionType": "Money", "commissionLotsMode": "PerLot", "agentCommission": 0.0,
        "agentCommissionMode": "Money", "spreadDiff": 0, "lotMin": 0 if limits is None else limits.minimum,
        "lotMax": 0 if limits is None else limits.maximum, "lotStep": 0 if limits is None else limits.step,
        "ieDeviation": 0, "confirmation": 0, "tradeRights": "None", "ieQuickMode": 0, "autoCloseOutMode": "None",
        "commissionTaxes": 0.0, "commissionAgentLots": "PerLot", "freeMarginMode": 0,
    }  # fmt: skip


def sec_margins(group: Group) -> list[dict[str, Any]]:
    """Return the ``MT4GroupMargin`` overrides of a group.

    Args:
        group: The group.

    Returns:
        None are configured: every symbol uses its own swaps and margin divider.
    """
    return []

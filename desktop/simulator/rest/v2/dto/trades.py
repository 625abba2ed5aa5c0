"""Wire shapes of trades, groups, sessions, server settings and the journal (MT4 v2 DTOs).

Imports: stdlib and ``desktop.simulator`` model modules. Used by the ``rest_*`` handlers.
Every function returns exactly the properties of the spec schema it is named after
(``additionalProperties: false``), enum fields as names; "not set" date-times are the
Unix epoch (package decision list).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.config import ORGANIZATION_NAME
from desktop.simulator.wire import iso_utc
from desktop.simulator.world.mt4.accounts import Group
from desktop.simulator.world.mt4.journal import JournalEntry
from desktop.simulator.world.mt4.trades import TradeRecord

#: What ``ManagerCommon`` reports about the simulated trade server.
SERVER_NAME = "DealerDesk-Demo"
SERVER_BUILD = 1420
SERVER_VERSION = 4
#: Rights of every simulated group (``GroupRights`` flags, ", "-joined).
GROUP_RIGHTS = "Signals, Trailing, Advisor, Expiration"


def mt4_trade(record: TradeRecord) -> dict[str, Any]:
    """Build an ``MT4Trade``.

    Args:
        record: The trade (open ones valued at the moment of the snapshot).

    Returns:
        The DTO.
    """
    return {
        "order": record.order,
        "login": record.login,
        "symbol": record.symbol,
        "digits": record.digits,
        "tradeCommand": record.command,
        "volume": record.volume,
        "volumeLots": record.volume / 100,
        "tradeRecordState": record.state,
        "openPrice": record.open_price,
        "sl": record.sl,
        "tp": record.tp,
        "openTime": iso_utc(record.open_time),
        "closeTime": iso_utc(record.close_time),
        "closePrice": record.close_price,
        "commission": record.commission,
        "commissionAgent": 0.0,
        "storage": record.storage,
        "profit": record.profit,
        "taxes": record.taxes,
        "magic": record.magic,
        "comment": record.comment,
        "expiration": iso_utc(record.expiration),
        "tradeRecordReason": record.reason,
        "activationType": record.activation,
        "timeStamp": iso_utc(record.timestamp),
        "marginRate": record.margin_rate,
    }


def mt4_online(login: int, group: str) -> dict[str, Any]:
    """Build an ``MT4Online`` (the IP is deliberately not part of it).

    Args:
        login: The account.
        group: Its group.

    Returns:
        The DTO.
    """
    return {"login": login, "group": group}


def mt4_group(group: Group) -> dict[str, Any]:
    """Build an ``MT4Group``.

    Args:
        group: The group.

    Returns:
        The DTO.
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


def mt4_common(time_zone: int = 0) -> dict[str, Any]:
    """Build an ``MT4Common`` (``ManagerCommon``).

    Args:
        time_zone: Server time zone in hours (the simulator runs on UTC).

    Returns:
        The DTO.
    """
    return {
        "name": SERVER_NAME,
        "owner": ORGANIZATION_NAME,
        "build": SERVER_BUILD,
        "version": SERVER_VERSION,
        "timeZone": time_zone,
    }


def mt4_server_log(entry: JournalEntry) -> dict[str, Any]:
    """Build an ``MT4ServerLog``.

    Args:
        entry: The journal entry.

    Returns:
        The DTO.
    """
    return {"code": entry.code, "time": entry.time_text, "ip": entry.ip, "message": entry.message}

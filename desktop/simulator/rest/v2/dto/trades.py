"""Wire shapes of trades, sessions and the journal (MT4 v2 DTOs).

Imports: stdlib and ``desktop.simulator`` model modules. Used by the ``rest_*`` handlers.
Every function returns exactly the properties of the spec schema it is named after
(``additionalProperties: false``), enum fields as names; "not set" date-times are the
Unix epoch (package decision list).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import iso_utc
from desktop.simulator.world.mt4.journal import JournalEntry
from desktop.simulator.world.mt4.trades import TradeRecord


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


def mt4_server_log(entry: JournalEntry) -> dict[str, Any]:
    """Build an ``MT4ServerLog``.

    Args:
        entry: The journal entry.

    Returns:
        The DTO.
    """
    return {"code": entry.code, "time": entry.time_text, "ip": entry.ip, "message": entry.message}

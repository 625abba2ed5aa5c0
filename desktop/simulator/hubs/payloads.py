"""Wire shapes of the hub stream items (contract §3.2, §3.3): camelCase dicts with exactly the published fields.

Imports: stdlib and ``desktop.simulator`` model modules (``accounts``, ``margin``, ``rules``,
``symbols``, ``trades``, ``wire``). Used by ``hubs.streams``.

Decisions (contract §7.8, §7.11):

* ``kind`` is the enum *name* (``"Added"``/``"Updated"``/``"Deleted"``), as the TypeScript SDK
  types it and as the v2 service's ``UseStringEnumConverter`` writes enums; ``cmd``,
  ``controllingType``, ``levelType`` and ``tradeMode`` are the native MT4 numbers, because the
  payload classes declare them as ``int``.
* Money is rounded to cents, levels to 2 decimals, prices to the symbol's digits;
  ``volumeLots`` = MT4 volume / 100. Date-times are ISO-8601 UTC with ``Z``; "not set" is
  the epoch (as in REST). ``updated`` of a margin item is MT4 unix time (int).
* Trades are the trading model's ``TradeRecord``: an open trade's ``closePrice`` is the
  price it would close at now (bid for buys, ask for sells) and ``profit`` its floating
  profit in the deposit currency, as MT4 keeps them; ``closeTime`` is the epoch until it
  is closed. ``tradeMode`` is the symbol's current mode (``No`` 0, ``Close`` 1, ``Full`` 2).
* Users: ``enabled`` = enable flag 0x01, ``readOnly`` = 0x04; passwords, OTP secrets, MQID and
  reserved blobs are never sent. A deleted user or symbol whose record is gone is sent with
  its key and empty/zero fields.
* MT5 ``MT5MarginCallPayload``: ``type`` is ``"MarginCall"`` or ``"StopOut"`` (the level whose
  threshold was crossed), ``direction`` is ``"Enter"`` or ``"Leave"``. Crossing two
  thresholds at once gives two items (Ok → StopOut: MarginCall/Enter, StopOut/Enter).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import EPOCH_TEXT, iso_utc, money
from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, Group, level_type
from desktop.simulator.world.mt4.margin import MarginState
from desktop.simulator.world.mt4.rules import TRADE_MODES
from desktop.simulator.world.mt4.trades import TradeRecord

#: ``MarginLevelType`` names → native ``MARGINLEVEL_*`` numbers.
LEVEL_NUMBERS = {"Ok": 0, "MarginCall": 1, "StopOut": 2}
#: Native numbers → the MT5 payload's ``type`` of the threshold at that level.
MT5_TYPES = {1: "MarginCall", 2: "StopOut"}
#: ``MARGIN_TYPE_PERCENT``: every simulated group controls margin in percent.
CONTROLLING_PERCENT = 0


def level_number(state: MarginState, group: Group) -> int:
    """Classify a margin state as the native ``MARGINLEVEL_*`` number.

    Args:
        state: The account's money.
        group: Its group (thresholds).

    Returns:
        0 Ok, 1 MarginCall, 2 StopOut.
    """
    return LEVEL_NUMBERS[level_type(state, group)]


def margin_call(account: Account, group: Group, state: MarginState, now: float) -> dict[str, Any]:
    """Build a ``MarginCallPayload``.

    Args:
        account: The account.
        group: Its group.
        state: Its money at current prices.
        now: Unix time of the valuation.

    Returns:
        The payload.
    """
    return {
        "login": account.login,
        "group": account.group,
        "leverage": account.leverage,
        "updated": int(now),
        "balance": money(state.balance),
        "equity": money(state.equity),
        "volumeLots": state.volume / 100,
        "margin": money(state.margin),
        "free": money(state.free),
        "level": round(state.level, 2),
        "controllingType": CONTROLLING_PERCENT,
        "levelType": level_number(state, group),
    }


def user_update(kind: str, login: int, account: Account | None) -> dict[str, Any]:
    """Build a ``UserUpdatePayload`` (never with secrets).

    Args:
        kind: ``Added``, ``Updated`` or ``Deleted``.
        login: The account's login.
        account: Its record, or None when it is gone.

    Returns:
        The payload.
    """
    if account is None:
        return {
            "kind": kind, "login": login, "group": "", "name": "", "country": "", "leverage": 0,
            "balance": 0.0, "credit": 0.0, "enabled": False, "readOnly": False, "regDate": EPOCH_TEXT,
            "lastDate": EPOCH_TEXT, "email": "", "phone": "", "comment": "",
        }  # fmt: skip
    return {
        "kind": kind,
        "login": login,
        "group": account.group,
        "name": account.name,
        "country": account.country,
        "leverage": account.leverage,
        "balance": account.balance_cents / 100,
        "credit": account.credit_cents / 100,
        "enabled": bool(account.enable_flags & 0x01),
        "readOnly": bool(account.enable_flags & 0x04),
        "regDate": iso_utc(account.registered),
        "lastDate": iso_utc(account.last_date),
        "email": account.email,
        "phone": account.phone,
        "comment": account.comment,
    }


def symbol_update(kind: str, name: str, spec: SymbolSpec | None, trade_mode: str = "Full") -> dict[str, Any]:
    """Build a ``SymbolUpdatePayload``.

    Args:
        kind: ``Added``, ``Updated`` or ``Deleted``.
        name: Symbol name.
        spec: Its current configuration, or None when it is gone.
        trade_mode: Its ``TradeMode`` name (``No``, ``Close``, ``Full``).

    Returns:
        The payload.
    """
    if spec is None:
        return {
            "kind": kind, "symbol": name, "description": "", "currency": "", "digits": 0, "tradeMode": 0,
            "spread": 0, "stopsLevel": 0, "freezeLevel": 0, "contractSize": 0.0, "tickValue": 0.0,
            "tickSize": 0.0, "marginInitial": 0.0, "marginMaintenance": 0.0,
        }  # fmt: skip
    return {
        "kind": kind,
        "symbol": spec.name,
        "description": spec.description,
        "currency": spec.profit_currency,
        "digits": spec.digits,
        "tradeMode": TRADE_MODES.index(trade_mode),
        "spread": spec.spread,
        "stopsLevel": spec.stops_level,
        "freezeLevel": 0,
        "contractSize": float(spec.contract_size),
        "tickValue": spec.tick_value,
        "tickSize": spec.point,
        "marginInitial": 0.0,
        "marginMaintenance": 0.0,
    }


def trade_update(kind: str, record: TradeRecord) -> dict[str, Any]:
    """Build a ``TradeUpdatePayload`` from a trade record (``trades.TradeRecord``).

    Args:
        kind: ``Added``, ``Updated`` or ``Deleted``.
        record: The trade as the trading model reports it (open ones valued at current prices).

    Returns:
        The payload.
    """
    digits = record.digits
    return {
        "kind": kind,
        "order": record.order,
        "login": record.login,
        "symbol": record.symbol,
        "cmd": record.cmd,
        "volumeLots": record.volume / 100,
        "openPrice": round(record.open_price, digits),
        "openTime": _time(record.open_time),
        "sl": record.sl,
        "tp": record.tp,
        "closePrice": round(record.close_price, digits),
        "closeTime": _time(record.close_time),
        "commission": money(record.commission),
        "storage": money(record.storage),
        "profit": money(record.profit),
        "taxes": money(record.taxes),
        "comment": record.comment,
    }


def _time(unix_time: int) -> str:
    return iso_utc(unix_time) if unix_time > 0 else EPOCH_TEXT


def mt5_margin_calls(login: int, old: int, new: int) -> list[dict[str, Any]]:
    """Build the ``MT5MarginCallPayload`` items of a level change.

    Args:
        login: The account.
        old: Previous native level (0 Ok, 1 MarginCall, 2 StopOut).
        new: Current native level.

    Returns:
        One item per threshold crossed, in crossing order (none when the level kind is unchanged).
    """
    if new > old:
        return [{"login": login, "type": MT5_TYPES[lvl], "direction": "Enter"} for lvl in range(old + 1, new + 1)]
    return [{"login": login, "type": MT5_TYPES[lvl], "direction": "Leave"} for lvl in range(old, new, -1)]

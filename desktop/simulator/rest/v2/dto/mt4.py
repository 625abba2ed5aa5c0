"""Wire shapes of the v2 DTOs the simulator serves (camelCase, enum names, exactly the spec's fields).

Imports: stdlib and ``desktop.simulator`` model modules. Used by the ``rest_*`` handlers.
Each function returns a plain dict with exactly the properties of the spec schema it is
named after (all DTOs there are ``additionalProperties: false``).
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.wire import EPOCH_TEXT, iso_utc, money
from desktop.simulator.world.market.symbols import SymbolSpec
from desktop.simulator.world.mt4.accounts import Account, Group, level_type
from desktop.simulator.world.mt4.margin import MarginState


def mt4_user(account: Account) -> dict[str, Any]:
    """Build an ``MT4User``.

    Args:
        account: The account.

    Returns:
        The DTO.
    """
    return {
        "login": account.login,
        "group": account.group,
        "name": account.name,
        "registrationDate": iso_utc(account.registered),
        "lastDate": iso_utc(account.last_date),
        "externalId": account.external_id,
        "status": account.status,
        "country": account.country,
        "city": account.city,
        "state": account.state,
        "zipCode": account.zip_code,
        "address": account.address,
        "leadSource": account.lead_source,
        "phone": account.phone,
        "email": account.email,
        "comment": account.comment,
        "leverage": account.leverage,
        "agentAccount": account.agent_account,
        "lastIP": account.last_ip,
        "balance": account.balance_cents / 100,
        "credit": account.credit_cents / 100,
        "prevMonthBalance": account.prev_month_balance_cents / 100,
        "prevBalance": account.prev_balance_cents / 100,
        "prevMonthEquity": account.prev_month_equity_cents / 100,
        "prevEquity": account.prev_equity_cents / 100,
        "interestRate": account.interest_rate,
        "taxes": account.taxes,
        "enableFlags": account.enable_flags,
        "sendReports": account.send_reports,
        "mqid": account.mqid,
        "userColor": account.user_color,
    }


def mt4_margin_level(account: Account, group: Group, state: MarginState, now: float) -> dict[str, Any]:
    """Build an ``MT4MarginLevel``.

    Args:
        account: The account.
        group: Its group.
        state: Its money at current prices.
        now: Unix time of the computation (``updated``).

    Returns:
        The DTO.
    """
    return {
        "login": account.login,
        "group": account.group,
        "leverage": account.leverage,
        "updated": int(now),
        "balance": money(state.balance),
        "equity": money(state.equity),
        "volume": state.volume,
        "margin": money(state.margin),
        "free": money(state.free),
        "level": round(state.level, 2),
        "controllingType": "Percent",
        "levelType": level_type(state, group),
    }


def mt4_tick_info(spec: SymbolSpec, bid: float, ask: float, unix_time: float) -> dict[str, Any]:
    """Build an ``MT4TickInfo``.

    Args:
        spec: The symbol.
        bid: Last bid.
        ask: Last ask.
        unix_time: Time of the tick.

    Returns:
        The DTO.
    """
    return {"symbol": spec.name, "time": iso_utc(unix_time), "bid": bid, "ask": ask}


def mt4_symbol_config(spec: SymbolSpec, trade_mode: str = "Full") -> dict[str, Any]:
    """Build an ``MT4SymbolConfig``.

    Args:
        spec: The symbol.
        trade_mode: Its current ``TradeMode`` name.

    Returns:
        The DTO (properties in the spec's order).
    """
    return {**_symbol_quoting(spec, trade_mode), **_symbol_trading(spec)}


def _symbol_quoting(spec: SymbolSpec, trade_mode: str) -> dict[str, Any]:
    return {
        "symbol": spec.name,
        "description": spec.description,
        "source": "",
        "currency": spec.profit_currency,
        "type": spec.sec_type,
        "digits": spec.digits,
        "tradeMode": trade_mode,
        "backgroundColor": 16777215,
        "count": 0,
        "countOriginal": 0,
        "realtime": 1,
        "starting": EPOCH_TEXT,
        "expiration": EPOCH_TEXT,
        "profitCalculationMode": "Forex" if spec.is_forex else "CFD",
        "filter": 0,
        "filterCounter": 0,
        "filterLimit": 0.0,
        "filterSmoothing": 0,
        "logging": 0,
        "spread": spec.spread,
        "spreadBalance": 0,
        "symbolExecMode": "Instant" if spec.is_forex else "Market",
    }


def _symbol_trading(spec: SymbolSpec) -> dict[str, Any]:
    tick_value = spec.tick_value
    return {
        "swapEnable": 1,
        "swapType": "Points",
        "swapLong": spec.swap_long,
        "swapShort": spec.swap_short,
        "swapRollover3Days": 3,
        "contractSize": spec.contract_size,
        "tickValue": tick_value,
        "tickSize": spec.point,
        "stopsLevel": spec.stops_level,
        "gtcMode": "GTC",
        "marginCalculationMode": "Forex" if spec.is_forex else "CFDLeverage",
        "marginInitial": 0.0,
        "marginMaintenance": 0.0,
        "marginHedged": spec.contract_size / 2 if spec.is_forex else 0.0,
        "marginDivider": 1.0,
        "percentage": 100.0,
        "point": spec.point,
        "multiply": float(10**spec.digits),
        "bidTickValue": tick_value,
        "askTickValue": tick_value,
        "longOnly": 0,
        "instantMaxVolume": 0,
        "marginCurrency": spec.margin_currency,
        "freezeLevel": 0,
        "marginHedgedStrong": 0,
        "valueDate": EPOCH_TEXT,
        "quotesDelay": 0,
        "swapOpenPrice": 0,
        "swapVariationMargin": 0,
    }

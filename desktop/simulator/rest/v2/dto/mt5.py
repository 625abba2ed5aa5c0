"""Wire shapes of the MT5 v2 DTOs: users, groups, the manager, positions, orders and deals.

Imports: stdlib and ``desktop.simulator`` model modules. Used by ``rest.v2.mt5``. Each function
returns exactly the properties of the spec schema it is named after; MT5 date-times that
are not set are ``null`` ([SPEC-PY] "null when not set (unix 0)"); ``*Msc`` fields carry
the same instant as their second-resolution twins; flags are ", "-joined names.
"""

from __future__ import annotations

from typing import Any

from desktop.simulator.config import ORGANIZATION_NAME
from desktop.simulator.wire import iso_utc, iso_utc_ms, money
from desktop.simulator.world.mt4.margin import Prices, convert
from desktop.simulator.world.mt5.platform import (
    MT5_LOT,
    MT5_MANAGER_LOGIN,
    USER_RIGHTS,
    Mt5Deal,
    Mt5Group,
    Mt5Order,
    Mt5Position,
    Mt5User,
    format_flags,
)

_EXT = 10_000  # volumeExt units per MT5 volume unit (10^8 per lot)
MANAGER_RIGHTS = (
    "Admin", "Manager", "AccRead", "AccDetails", "AccManager", "AccOnline", "TradesRead", "TradesManager",
    "TradesDealer", "Quotes", "RiskManager", "Reports", "SrvJournals", "SrvReports", "Charts", "Market",
)  # fmt: skip


def _time(unix: int) -> str | None:
    return iso_utc(unix) if unix > 0 else None


def _time_ms(unix: int) -> str | None:
    return iso_utc_ms(unix) if unix > 0 else None


def mt5_user(user: Mt5User, equity: float) -> dict[str, Any]:
    """Build an ``MT5User``.

    Args:
        user: The account.
        equity: Its equity now (for the previous-day/month equity fields of a seeded book).

    Returns:
        The DTO.
    """
    return {
        "login": user.login, "group": user.group, "name": user.name, "company": user.company,
        "country": user.country, "city": user.city, "state": user.state, "zipCode": user.zip_code,
        "phone": user.phone, "eMail": user.email, "comment": user.comment, "color": user.color,
        "leverage": user.leverage, "account": user.account, "language": user.language, "address": user.address,
        "id": user.id_document, "status": user.status, "agent": user.agent, "leadCampaign": user.lead_campaign,
        "leadSource": user.lead_source, "clientID": user.client_id, "firstName": user.first_name,
        "lastName": user.last_name, "middleName": user.middle_name, "rights": format_flags(user.rights, USER_RIGHTS),
        "certSerialNumber": 0, "registration": _time(user.registration), "lastAccess": _time(user.last_access),
        "lastPassChange": _time(user.last_pass_change), "lastIP": user.last_ip, "balance": user.balance_cents / 100,
        "credit": user.credit_cents / 100, "interestRate": 0.0, "commissionDaily": 0.0, "commissionMonthly": 0.0,
        "commissionAgentDaily": 0.0, "commissionAgentMonthly": 0.0,
        "balancePrevDay": user.prev_day_balance_cents / 100, "balancePrevMonth": user.prev_month_balance_cents / 100,
        "equityPrevDay": money(equity), "equityPrevMonth": money(equity),
    }  # fmt: skip


def mt5_manager() -> dict[str, Any]:
    """Build the ``MT5ConManager`` of the simulator's manager account.

    Returns:
        The DTO.
    """
    return {
        "login": MT5_MANAGER_LOGIN,
        "mailbox": "Dealer Desk",
        "server": 1,
        "limitLogs": "All",
        "limitReports": "All",
        "right": list(MANAGER_RIGHTS),
    }


def mt5_group(group: Mt5Group) -> dict[str, Any]:
    """Build an ``MT5ConGroup``.

    Args:
        group: The group.

    Returns:
        The DTO.
    """
    return {
        "group": group.name, "server": 1, "permissionsFlags": "None", "authMode": "Standard", "authPasswordMin": 8,
        "company": ORGANIZATION_NAME, "companyPage": "https://example.com", "companyEmail": "office@example.com",
        "companySupportPage": "https://example.com/support", "companySupportEmail": "support@example.com",
        "companyCatalog": "", "currency": group.currency, "currencyDigits": 2,
        "reportsMode": "Disabled" if group.demo else "Full", "reportsFlags": "None", "reportsSMTP": "",
        "reportsSMTPLogin": "", "reportsSMTPPass": "", "newsMode": "Full", "newsCategory": "", "newsLang": [],
        "mailMode": "Full", "tradeFlags": "Default", "tradeInterestRate": 0.0, "tradeVirtualCredit": 0.0,
        "marginFreeMode": "UsePL", "marginSOMode": "Percent", "marginCall": group.margin_call,
        "marginStopOut": group.stop_out, "demoLeverage": group.leverage if group.demo else 0,
        "demoDeposit": 10_000.0 if group.demo else 0.0, "limitHistory": "All", "limitOrders": 0, "limitSymbols": 0,
        "commissions": {}, "marginFreeProfitMode": 0, "marginMode": "RetailHedged", "authOTPMode": "Disabled",
        "tradeTransferMode": "TransferModeDisabled", "marginFlags": "None", "limitPositions": 0,
        "reportsEmail": "", "companyDepositPage": "", "companyWithdrawalPage": "", "demoInactivityPeriod": 0,
    }  # fmt: skip


def mt5_position(prices: Prices, position: Mt5Position, currency: str) -> dict[str, Any]:
    """Build an ``MT5Position`` valued at the current prices.

    Args:
        prices: Price source.
        position: The position.
        currency: The owner's deposit currency.

    Returns:
        The DTO.
    """
    spec = prices.symbols[position.symbol]
    bid, ask, _ = prices.quote(position.symbol)
    current = bid if position.action == 0 else ask
    sign = 1.0 if position.action == 0 else -1.0
    raw = (current - position.price_open) * sign * spec.contract_size * position.volume / MT5_LOT
    return {
        "login": position.login, "symbol": spec.name, "action": ("Buy", "Sell")[position.action],
        "digits": spec.digits, "digitsCurrency": 2, "contractSize": spec.contract_size, "position": position.position,
        "externalId": "", "timeCreate": _time(position.time_create), "timeUpdate": _time(position.time_create),
        "timeCreateMsc": _time_ms(position.time_create), "timeUpdateMsc": _time_ms(position.time_create),
        "priceOpen": position.price_open, "priceCurrent": current, "priceSL": position.sl, "priceTP": position.tp,
        "volume": position.volume, "volumeExt": position.volume * _EXT,
        "profit": money(convert(prices, raw, spec.profit_currency, currency)), "storage": position.storage,
        "rateProfit": round(convert(prices, 1.0, spec.profit_currency, currency), 6),
        "rateMargin": round(convert(prices, 1.0, spec.margin_currency, currency), 6), "expertId": 0,
        "expertPositionId": 0, "comment": position.comment, "dealer": 0, "activationMode": "None",
        "activationTime": None, "activationPrice": 0.0, "activationFlags": "None", "modificationFlags": "None",
        "reason": position.reason,
    }  # fmt: skip


def mt5_order(prices: Prices, order: Mt5Order) -> dict[str, Any]:
    """Build an ``MT5Order``.

    Args:
        prices: Price source (current price of the symbol).
        order: The order.

    Returns:
        The DTO.
    """
    spec = prices.symbols[order.symbol]
    bid, ask, _ = prices.quote(order.symbol)
    return {
        "order": order.order, "externalID": "", "login": order.login, "dealer": 0, "partyID": 0, "symbol": spec.name,
        "digits": spec.digits, "digitsCurrency": 2, "contractSize": spec.contract_size, "state": order.state,
        "reason": order.reason, "timeSetup": _time(order.time_setup), "timeExpiration": None,
        "timeDone": _time(order.time_done), "type": order.type, "typeFill": "Return", "typeTime": "GtC",
        "priceOrder": order.price_order, "priceTrigger": 0.0, "priceCurrent": ask if order.type.startswith("Buy")
        else bid, "priceSL": order.sl, "priceTP": order.tp, "volumeInitial": order.volume_initial,
        "volumeCurrent": order.volume_current, "expertID": 0, "positionID": order.position_id,
        "comment": order.comment, "activationMode": 0, "activationTime": None, "activationPrice": 0.0,
        "activationFlags": "None", "timeSetupMsc": _time_ms(order.time_setup),
        "timeDoneMsc": _time_ms(order.time_done), "rateMargin": 1.0, "positionByID": 0, "modificationFlags": 0,
        "volumeInitialExt": order.volume_initial * _EXT, "volumeCurrentExt": order.volume_current * _EXT,
    }  # fmt: skip


def mt5_deal(prices: Prices, deal: Mt5Deal) -> dict[str, Any]:
    """Build an ``MT5Deal``.

    Args:
        prices: Price source (symbol specifications).
        deal: The deal.

    Returns:
        The DTO.
    """
    spec = prices.symbols[deal.symbol] if deal.symbol is not None else None
    closed = deal.volume if deal.entry == "Out" else 0
    return {
        "deal": deal.deal, "externalID": "", "login": deal.login, "dealer": 0, "partyID": 0, "order": deal.order,
        "action": deal.action, "entry": deal.entry, "digits": spec.digits if spec else 0, "digitsCurrency": 2,
        "contractSize": spec.contract_size if spec else 0.0, "time": _time(deal.time),
        "symbol": spec.name if spec else "", "price": deal.price, "priceSL": 0.0, "priceTP": 0.0,
        "volume": deal.volume, "volumeExt": deal.volume * _EXT, "volumeClosed": closed,
        "volumeClosedExt": closed * _EXT, "profit": deal.profit,
        "value": round(deal.price * deal.volume / MT5_LOT * (spec.contract_size if spec else 0.0), 2),
        "storage": deal.storage, "commission": deal.commission, "obsoleteValue": 0.0, "fee": 0.0,
        "rateProfit": 1.0, "rateMargin": 1.0 if spec else 0.0, "expertID": 0, "positionID": deal.position_id,
        "comment": deal.comment, "profitRaw": deal.profit, "pricePosition": deal.price if spec else 0.0,
        "tickValue": spec.tick_value if spec else 0.0, "tickSize": spec.point if spec else 0.0, "flags": 0,
        "timeMsc": _time_ms(deal.time), "reason": deal.reason, "gateway": "", "priceGateway": 0.0,
        "marketBid": deal.price if spec else 0.0, "marketAsk": deal.price if spec else 0.0, "marketLast": 0.0,
        "modificationFlags": "None",
    }  # fmt: skip

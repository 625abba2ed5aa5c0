"""The legacy v1 REST routes the vendor's RESTful documentation page walks a user through.

Imports: stdlib, aiohttp, orjson and ``desktop.simulator`` (``book``, ``accounts``, ``config``,
``wire``); the book publishes the resulting events. Registered by ``server.build_router``.

The page's flow: token → ``GET /API/Organizations`` → ``GET /API/TradePlatforms`` →
``GET /API/MT4/{tradePlatform}/UsersGet`` → ``GET /api/MT4/{tradePlatform}/UserRecordGet/{login}``
→ ``POST /api/MT4/{tradePlatform}/TradeTransaction`` with the partial body
``{"tradeTransactionType":"BrBalance","tradeCommand":"Balance","orderBy":1000,"price":100}`` →
``POST /api/MT4/{tradePlatform}/UserRecordNew`` with only ``group`` and ``name``. Paths match
case-insensitively, as ASP.NET routes do.

v1 response shapes are not published (contract §2.6, §7.2); the ones chosen here:

* Envelope: the legacy one seen in an older vendor SDK fixture, HTTP 200 in every case:
  ``{"isError", "errorCode", "errorDescription", "managerAPICode", "activityId", "payload"}``
  with ``activityId`` a GUID. ``errorCode`` takes the v2 code names (``NotFound``, ``MT4Error``,
  ``Validation``), ``managerAPICode`` the MT4 ``ResultCode`` name.
* Payloads: the wrapper's *native* records, camelCased from the MT4 Manager API header (v1
  "exposes the native structs in full", §4.4): a ``UserRecord`` has ``enable``,
  ``enableChangePassword``, ``enableReadOnly``, ``passwordInvestor``, ``zipcode``, ``regdate``
  / ``lastdate`` as MT4 unix times, ``prevmonthbalance`` … Secrets are returned empty.
* ``TradeTransaction`` answers the native ``TradeTransInfo`` echoed with the ticket in
  ``order``; ``UserRecordNew`` answers the created ``UserRecord`` (login = next free one,
  leverage 100, the group must exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from desktop.simulator.auth.tenancy import owns
from desktop.simulator.config import PLATFORM_ID
from desktop.simulator.wire import to_cents
from desktop.simulator.world.mt4.accounts import Account, group_by_name
from desktop.simulator.world.mt4.book import NotEnoughMoney, UnknownLogin

PREFIX = "/api/MT4/{tradePlatform}/"
MAX_COMMENT = 32
_BALANCE_COMMANDS = {"balance": False, "6": False, "credit": True, "7": True}


class V1Failure(Exception):
    """A v1 error, rendered into the legacy envelope."""

    def __init__(self, code: str, message: str, manager_code: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.manager_code = code, message, manager_code


def envelope(payload: Any = None, failure: V1Failure | None = None) -> web.Response:
    """The legacy envelope around ``payload`` or ``failure``."""
    body = {
        "isError": failure is not None,
        "errorCode": failure.code if failure else None,
        "errorDescription": failure.message if failure else None,
        "managerAPICode": failure.manager_code if failure else None,
        "activityId": str(uuid.uuid4()),
        "payload": None if failure else payload,
    }
    return web.Response(body=orjson.dumps(body), content_type="application/json")


def user_record(account: Account) -> dict[str, Any]:
    """The native MT4 ``UserRecord`` of ``account`` (camelCased header names; secrets empty)."""
    flags = account.enable_flags
    return {
        "login": account.login, "group": account.group, "password": "", "enable": flags & 1,
        "enableChangePassword": (flags >> 1) & 1, "enableReadOnly": (flags >> 2) & 1, "enableOtp": (flags >> 3) & 1,
        "passwordInvestor": "", "passwordPhone": "", "name": account.name, "country": account.country,
        "city": account.city, "state": account.state, "zipcode": account.zip_code, "address": account.address,
        "leadSource": account.lead_source, "phone": account.phone, "email": account.email,
        "comment": account.comment, "id": account.external_id, "status": account.status,
        "regdate": account.registered, "lastdate": account.last_date, "leverage": account.leverage,
        "agentAccount": account.agent_account, "timestamp": account.last_date, "lastIp": account.last_ip,
        "balance": account.balance_cents / 100, "prevmonthbalance": account.prev_month_balance_cents / 100,
        "prevbalance": account.prev_balance_cents / 100, "credit": account.credit_cents / 100,
        "interestrate": account.interest_rate, "taxes": account.taxes,
        "prevmonthequity": account.prev_month_equity_cents / 100, "prevequity": account.prev_equity_cents / 100,
        "otpSecret": "", "sendReports": account.send_reports, "mqid": account.mqid, "userColor": account.user_color,
    }  # fmt: skip


Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[web.Response]]


class V1Routes:
    """The v1 handlers over one simulator's state (``control``: a ``SimControl``)."""

    def __init__(self, control: Any) -> None:
        self._control = control

    def register(self, router: Any, bearer: Any) -> None:
        """Add the v1 routes to ``router`` behind bearer authentication."""
        for method, action, handler in (
            ("GET", "UsersGet", self.users_get),
            ("GET", "UserRecordGet/{login}", self.user_record_get),
            ("POST", "TradeTransaction", self.trade_transaction),
            ("POST", "UserRecordNew", self.user_record_new),
        ):
            router.add(method, PREFIX + action, _guarded(handler), bearer)

    async def users_get(self, _request: web.Request, params: dict[str, str]) -> Any:
        """Every account, in login order."""
        page, _more = self._control.book.page_after(0, None)
        return [user_record(account) for account in page]

    async def user_record_get(self, _request: web.Request, params: dict[str, str]) -> Any:
        """One account."""
        return user_record(self._account(_int(params["login"], "login")))

    async def trade_transaction(self, request: web.Request, params: dict[str, str]) -> Any:
        """A balance or credit operation (``BrBalance``); other types are not simulated."""
        body = await _json(request)
        if str(body.get("tradeTransactionType", "")).strip().lower() not in ("brbalance", "83"):
            raise V1Failure("MT4Error", "Only BrBalance is simulated on the v1 API.", "TradeDisable")
        credit = _BALANCE_COMMANDS.get(str(body.get("tradeCommand", "")).strip().lower())
        if credit is None:
            raise V1Failure("MT4Error", "BrBalance needs tradeCommand Balance or Credit.", "InvalidData")
        login, amount, comment = _int(body.get("orderBy"), "orderBy"), body.get("price"), str(body.get("comment") or "")
        if not isinstance(amount, int | float) or isinstance(amount, bool) or to_cents(amount) == 0:
            raise V1Failure("Validation", "price (the amount) must be a non-zero number.")
        if len(comment) > MAX_COMMENT:
            raise V1Failure("Validation", f"comment is longer than {MAX_COMMENT} characters.")
        self._account(login)
        try:
            op = self._control.book.apply_balance(login, to_cents(amount), credit, comment, self._control.clock())
        except NotEnoughMoney as exc:
            raise V1Failure("MT4Error", str(exc) or "Not enough money.", "TradeNoMoney") from None
        return {**_trans_info(body), "order": op.ticket, "orderby": login, "price": amount, "comment": comment}

    async def user_record_new(self, request: web.Request, params: dict[str, str]) -> Any:
        """Create an account from at least ``group`` and ``name``; the login is the next free one."""
        body = await _json(request)
        group, name = str(body.get("group") or ""), str(body.get("name") or "")
        if not group or not name:
            raise V1Failure("Validation", "group and name are required.")
        try:
            group_by_name(group)
        except (KeyError, ValueError, LookupError):
            raise V1Failure("MT4Error", f"Group '{group}' does not exist.", "InvalidData") from None
        login = max(self._control.book.accounts, default=0) + 1
        return user_record(self._control.add_account(login, group, name))

    def _account(self, login: int) -> Account:
        try:
            account: Account = self._control.book.get(login)
        except UnknownLogin:
            raise V1Failure("NotFound", f"Account {login} not found.") from None
        return account


def _guarded(handler: Callable[[web.Request, dict[str, str]], Awaitable[Any]]) -> Handler:
    async def run(request: web.Request, params: dict[str, str], claims: Any) -> web.Response:
        try:
            _platform(params, claims)  # before the body is read or any state is touched
            return envelope(await handler(request, params))
        except V1Failure as failure:
            return envelope(failure=failure)

    return run


def _platform(params: dict[str, str], claims: Any) -> None:
    """Refuse a platform that is not this server's MT4 one or not the caller's organisation's."""
    platform = params.get("tradePlatform", "").strip().lower()
    organization = getattr(claims, "organization", None)
    if platform != PLATFORM_ID or organization is None or not owns(organization, platform):
        raise V1Failure("Forbidden", "No access to this trade platform.")


def _int(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise V1Failure("Validation", f"{name} must be a number.") from None
    if number < 1:
        raise V1Failure("Validation", f"{name} must be at least 1.")
    return number


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raise V1Failure("Validation", "The body is not JSON.") from None
    if not isinstance(body, dict):
        raise V1Failure("Validation", "The body must be a JSON object.")
    return body


def _trans_info(body: dict[str, Any]) -> dict[str, Any]:
    """The native ``TradeTransInfo`` fields, defaulted like the C struct."""
    return {
        "type": body.get("tradeTransactionType"), "flags": 0, "cmd": body.get("tradeCommand"), "order": 0,
        "orderby": 0, "symbol": "", "volume": 0, "price": 0.0, "sl": 0.0, "tp": 0.0, "ieDeviation": 0,
        "comment": "", "expiration": 0, "crc": 0,
    }  # fmt: skip

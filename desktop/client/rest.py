"""WebApi: the workstation's REST calls, made through the vendor's async SDK (mywebapi-sdk).

The SDK does OIDC discovery, token caching, the resend after a 401, the v2 envelope,
``ApiError`` and the ``Idempotency-Key`` header; this class picks the operations the
workstation needs, decodes their payloads with :mod:`desktop.client.wire` and translates
failures with :mod:`desktop.client.errors`.

Imports: httpx, cplugin_webapi_sdk, desktop.client, desktop.config, desktop.domain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
from cplugin_webapi_sdk import CPluginWebApiAsyncClient, unwrap, unwrap_with_meta
from cplugin_webapi_sdk._generated.api.mt4_v_2_groups import (
    get_api_v_2_mt4_trade_platform_groups_get as groups_get,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_history import (
    get_api_v_2_mt4_trade_platform_trades_user_history_login as trades_user_history,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_margins import (
    get_api_v_2_mt4_trade_platform_margin_level_request_login as margin_level_request,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_margins import (
    get_api_v_2_mt4_trade_platform_margins_get as margins_get,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_prices import (
    get_api_v_2_mt4_trade_platform_tick_info_last as tick_info_last,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_trades import (
    post_api_v_2_mt4_trade_platform_trade_transaction as trade_transaction,
)
from cplugin_webapi_sdk._generated.api.mt4_v_2_users import (
    get_api_v_2_mt4_trade_platform_user_record_request_login as user_record_request,
)
from cplugin_webapi_sdk._generated.models.mt4_trade_transaction import MT4TradeTransaction

from desktop.client import history_wire, wire
from desktop.client.errors import translated
from desktop.client.row_memo import RowMemo
from desktop.client.set_aside import SetAside
from desktop.config import Credentials
from desktop.domain.errors import InvalidInput
from desktop.domain.models import (
    Account,
    BalanceOperation,
    GroupLevels,
    MarginSnapshot,
    Quote,
    SymbolSpec,
    TradePlatform,
)
from desktop.domain.operations import HistoryRecord

USERS_PAGE = 1000
READ_DEADLINE_MAX_S = 60.0
"""The longest deadline a read is given after a slow server made it time out."""
TRADE_TIMEOUT_S = 5.0
"""Server deadline of a balance operation: the WebAPI's default for trade operations."""


class WebApi:
    """REST access to one trade platform of the CPlugin Cloud WebAPI."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        request_timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        set_aside: SetAside | None = None,
    ) -> None:
        self.set_aside = set_aside or SetAside()
        """Rows of list answers that could not be read: counted and left out, never guessed."""
        self._api_url = credentials.api_url.rstrip("/")
        self._read_timeout = request_timeout_s
        self._sdk = CPluginWebApiAsyncClient(
            env="custom",
            api_base_url=self._api_url,
            authority=credentials.auth_url,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            transport=transport,
        )
        self._platform: UUID | None = None
        self._margin_rows = RowMemo(
            "MarginsGet", self.set_aside, wire.margin_snapshot, key="login", fields=wire.MARGIN_SNAPSHOT_FIELDS
        )

    def stretch_read_deadline(self) -> float:
        """Double the deadline of every read from now on (up to a minute); return it.

        For a server slower than the configured deadline: a read that times out never ran
        (contract §2.1), so asking again with a longer deadline is safe.
        """
        self._read_timeout = min(self._read_timeout * 2, READ_DEADLINE_MAX_S)
        return self._read_timeout

    def use_platform(self, platform_id: str) -> None:
        """Direct every following call to the trade platform ``platform_id`` (a GUID)."""
        try:
            self._platform = UUID(platform_id)
        except ValueError:
            raise InvalidInput(f"'{platform_id}' is not a trade platform id (a GUID).") from None

    def hub_url(self) -> str:
        """URL of the MT4 v2 SignalR hub bound to the chosen platform."""
        return f"{self._api_url}/hubs/mt4/v2?tradePlatform={self._tp()}"

    async def access_token(self) -> str:
        """A valid bearer token for the hub, fetched or reused by the SDK's token cache."""
        async with translated("Sign-in"):
            # The SDK's public current_token() is synchronous (it would block the loop on a
            # refresh); its auth object's async getter shares the same cache and lock.
            token: str = await self._sdk._auth._get_token_async(force=False)
        return token

    async def trade_platforms(self) -> list[TradePlatform]:
        """Every trade platform the credentials can reach."""
        async with translated("Listing trade platforms"):
            rows = await self._sdk.list_trade_platforms()
        return self.set_aside.decode_rows("TradePlatforms", rows, wire.trade_platform)

    async def server_time(self) -> datetime:
        """The trade server's clock."""
        async with translated("Reading the server time"):
            text = await self._sdk.mt4.get_server_time(self._tp(), request_timeout=self._read_timeout)
        return datetime.fromtimestamp(wire.parse_time(text), tz=UTC)

    async def symbols(self) -> list[SymbolSpec]:
        """Every symbol configured on the trade server."""
        async with translated("Loading symbols"):
            rows = await self._sdk.mt4.list_symbol_configs(self._tp(), request_timeout=self._read_timeout)
        return self.set_aside.decode_rows("SymbolConfigs", rows, wire.symbol_spec)

    async def last_ticks(self) -> list[Quote]:
        """The last known quote of every symbol."""
        rows = await self._call("Loading last prices", tick_info_last)
        return self.set_aside.decode_rows("TickInfoLast", rows, wire.tick_info)

    async def accounts(self) -> list[Account]:
        """Every account (paged ``UsersRequest``) joined with its margin figures (``MarginsGet``).

        The two reads run side by side, each bounded by its deadline; a failure of either is raised.
        """
        results: list[Any] = await asyncio.gather(self._all_users(), self.margins(), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        users: list[Any] = results[0]
        snapshots = {s.login: s for s in results[1]}
        return self.set_aside.decode_rows(
            "UsersRequest", users, lambda user: wire.account(user, snapshots.get(wire.user_login(user)))
        )

    async def _all_users(self) -> list[Any]:
        users: list[Any] = []
        async with translated("Loading accounts"):
            async for page in self._sdk.paged(self._users_page):
                users.extend(page)
        return users

    async def margins(self) -> list[MarginSnapshot]:
        """Current margin figures of every account.

        A row unchanged since the previous call gives back the same snapshot object as then
        (see :class:`RowMemo`), so a caller can skip it by identity.
        """
        rows = await self._call("Loading margins", margins_get)
        return await self._margin_rows.decode_rows(rows)

    async def group_levels(self) -> list[GroupLevels]:
        """Every group's margin-call and stop-out levels (``GroupsGet``)."""
        rows = await self._call("Loading groups", groups_get)
        return self.set_aside.decode_rows("GroupsGet", rows, wire.group_levels)

    async def account(self, login: int) -> Account:
        """One account read live from the trade server, with its margin.

        Raises:
            DecodeError: the server's record of the account cannot be read (nothing is guessed).
        """
        user = await self._call(f"Reading account {login}", user_record_request, login=login)
        level = await self._call(f"Reading the margin of {login}", margin_level_request, login=login)
        return wire.account(user, wire.margin_snapshot(level))

    async def balance(self, operation: BalanceOperation) -> tuple[int, str | None]:
        """Send a balance or credit operation; return the server's ticket and activity id.

        The operation's idempotency key goes out as ``Idempotency-Key``: a repeat with the
        same key is answered with the first result and applies nothing.
        """
        body = MT4TradeTransaction.from_dict(
            {
                "tradeTransactionType": "BrBalance",
                "tradeCommand": operation.kind.trade_command,
                "orderBy": operation.login,
                "price": float(operation.signed_amount),
                "comment": operation.comment,
            }
        )
        what = f"{operation.kind.label} of {operation.amount:,.2f} on account {operation.login}"
        async with translated(what):
            raw = await self._sdk.mt4.raw(
                trade_transaction,
                idempotency_key=operation.idempotency_key,
                request_timeout=TRADE_TIMEOUT_S,
                trade_platform=self._tp(),
                body=body,
            )
            data, meta = unwrap_with_meta(raw)
        return int(data.get("order") or 0), meta.activity_id if meta else None

    async def send_write(self, endpoint: str, body: Mapping[str, Any], key: str) -> tuple[int, str | None]:
        """Send one write of the write pipeline with ``Idempotency-Key: key``; return ticket and activity id.

        Only ``TradeTransaction`` exists so far; the body goes out exactly as given.
        """
        if endpoint != "TradeTransaction":
            raise InvalidInput(f"No write endpoint {endpoint!r}.")
        payload = MT4TradeTransaction.from_dict(dict(body))
        async with translated(f"Sending {endpoint}"):
            raw = await self._sdk.mt4.raw(
                trade_transaction,
                idempotency_key=key,
                request_timeout=TRADE_TIMEOUT_S,
                trade_platform=self._tp(),
                body=payload,
            )
            data, meta = unwrap_with_meta(raw)
        return int(data.get("order") or 0), meta.activity_id if meta else None

    async def account_history(self, login: int, start: datetime, end: datetime) -> tuple[list[HistoryRecord], int]:
        """``TradesUserHistory``: the account's closed records, and how many rows could not be read."""
        rows = await self._call(
            f"Reading the history of {login}", trades_user_history, login=login, from_time=start, to_time=end
        )
        return history_wire.history_records(rows)

    async def aclose(self) -> None:
        """Close the SDK's HTTP client."""
        await self._sdk.aclose()

    async def _users_page(self, cursor: str | None) -> Any:
        return await self._sdk.mt4.users_request(
            self._tp(), cursor=cursor, limit=USERS_PAGE, request_timeout=self._read_timeout
        )

    async def _call(self, what: str, op_module: Any, **params: Any) -> Any:
        async with translated(what):
            raw = await self._sdk.mt4.raw(
                op_module, request_timeout=self._read_timeout, trade_platform=self._tp(), **params
            )
            return unwrap(raw)

    def _tp(self) -> UUID:
        if self._platform is None:
            raise RuntimeError("use_platform() must be called first")
        return self._platform

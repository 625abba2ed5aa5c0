"""LegacyApi: the v1 REST routes (``/api/MT4/{tradePlatform}/…``) the vendor's RESTful page documents.

v1 answers a legacy envelope ``{isError, errorCode, errorDescription, managerAPICode,
activityId, payload}`` around the MT4 Manager API's native records (a ``UserRecord`` with
``enable``, ``regdate`` …) instead of v2's ``{data, error, meta}`` and curated DTOs. The
account and money fields the workstation reads have the same names in both, so
:mod:`desktop.client.wire` decodes either; this module unwraps the envelope and sends the
documented calls, authenticated by the SDK's own OAuth2 client-credentials flow.

Imports: httpx, cplugin_webapi_sdk, desktop.client, desktop.config, desktop.domain.
"""

from __future__ import annotations

from typing import Any

import httpx
from cplugin_webapi_sdk import ClientCredentialsAuth

from desktop.client import wire
from desktop.client.errors import translated
from desktop.client.set_aside import SetAside
from desktop.config import Credentials
from desktop.domain.errors import ApiFailure
from desktop.domain.models import Account, BalanceOperation


def unwrap_legacy(body: Any) -> Any:
    """The ``payload`` of a v1 envelope, or its error as :class:`ApiFailure`.

    Raises:
        ApiFailure: ``isError`` is true (code, managerAPICode and activityId kept), or the
            body is not a v1 envelope at all (code ``InvalidResponse``).
    """
    if not isinstance(body, dict) or "isError" not in body:
        raise ApiFailure("InvalidResponse", "The answer is not a v1 WebAPI envelope.")
    if body["isError"]:
        raise ApiFailure(
            str(body.get("errorCode") or "Internal"),
            str(body.get("errorDescription") or "The WebAPI reported an error."),
            manager_code=body.get("managerAPICode"),
            activity_id=body.get("activityId"),
        )
    return body.get("payload")


class LegacyApi:
    """The documented v1 calls for one trade platform."""

    def __init__(
        self, credentials: Credentials, platform_id: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        auth = ClientCredentialsAuth(
            client_id=credentials.client_id, client_secret=credentials.client_secret, identity_url=credentials.auth_url
        )
        self.set_aside = SetAside()
        """Rows of list answers that could not be read: counted and left out, never guessed."""
        self._http = httpx.AsyncClient(
            base_url=credentials.api_url.rstrip("/") + f"/api/MT4/{platform_id}/",
            auth=auth,
            timeout=30.0,
            transport=transport,
        )

    async def accounts(self) -> list[Account]:
        """Every account (``UsersGet``), without margin figures (v1 gives none with it)."""
        rows = await self._get("Loading accounts (v1)", "UsersGet")
        return self.set_aside.decode_rows("UsersGet", rows, lambda row: wire.account(row, None))

    async def account(self, login: int) -> Account:
        """One account (``UserRecordGet/{login}``)."""
        return wire.account(await self._get(f"Reading account {login} (v1)", f"UserRecordGet/{login}"), None)

    async def balance(self, operation: BalanceOperation) -> tuple[int, str | None]:
        """A balance or credit operation (``TradeTransaction``, ``BrBalance``); ticket and activity id.

        v1 documents no idempotency: the key is sent as ``Idempotency-Key`` all the same, but a
        v1 server may ignore it, so nothing here ever resends an operation.
        """
        body = {
            "tradeTransactionType": "BrBalance",
            "tradeCommand": operation.kind.trade_command,
            "orderBy": operation.login,
            "price": float(operation.signed_amount),
            "comment": operation.comment,
        }
        what = f"{operation.kind.label} of {operation.amount:,.2f} on account {operation.login} (v1)"
        async with translated(what):
            response = await self._http.post(
                "TradeTransaction", json=body, headers={"Idempotency-Key": operation.idempotency_key}
            )
            response.raise_for_status()
            envelope = response.json()
        payload = unwrap_legacy(envelope)
        return int(payload.get("order") or 0), envelope.get("activityId")

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def _get(self, what: str, path: str) -> Any:
        async with translated(what):
            response = await self._http.get(path)
            response.raise_for_status()
            return unwrap_legacy(response.json())

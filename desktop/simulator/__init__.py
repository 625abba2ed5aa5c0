"""Local simulator of the CPlugin Cloud WebAPI (token service, MT4 v2 REST, ``/hubs/mt4/v2``).

Imports: stdlib, aiohttp, orjson, numpy, PyJWT/cryptography and ``desktop.simulator.*``
only — never other ``desktop`` layers, pysignalr, the vendor SDK or Qt (import-linter
"Simulator stands alone"). Used by tests, ``desktop.app`` demo mode and developers.

Start it with ``python -m desktop.simulator --port 0`` (prints ``Listening on http://…``),
``await start(SimConfig(...))`` on a running loop, or ``with SimulatorThread(cfg) as sim:``
from synchronous code. The base URL is at once API base, OAuth authority and hub host.
The one platform is ``PLATFORM_ID``; the demo client is ``demo-dealer`` / ``demo-secret``.
State is reached through ``RunningSimulator.control`` (``SimControl``).

Module map: ``config`` (settings, constants) · ``symbols``/``feed`` (catalogue, seeded
price path) · ``margin``/``accounts``/``generator``/``book`` (accounts and money) ·
``auth`` (JWT, token endpoint, bearer checks) · ``routing`` (case-insensitive routes) ·
``envelope``/``idempotency``/``operation``/``rest_v2`` (v2 pipeline) · ``rest_accounts``,
``rest_market``, ``rest_trading``, ``platforms``, ``dto`` (endpoints and wire shapes) ·
``hub_protocol``/``hub_connection``/``hub_methods``/``hub`` (SignalR) · ``pump`` (real-time
feed) · ``control`` (state handle) · ``server`` (assembly, ``start``, ``SimulatorThread``) ·
``bench`` (push-rate benchmark).

Decisions where the contract (webapi-contract.md §7) is silent or ambiguous:

* Unknown platform GUID in a v2 path → envelope ``Forbidden`` (a malformed one →
  ``Validation``); on the hub → Close message with error, ``allowReconnect: false``.
* ``meta.paging`` is sent on every answer of a paged operation (``UsersRequest``), also
  when ``?limit`` is omitted (then ``{"nextCursor": null, "hasMore": false}``); never on
  other operations (§7.12). Cursor = base64 of the last login of the page.
* Date-times are UTC with ``Z``; "not set" is ``1970-01-01T00:00:00Z`` (§7.14). The error
  envelope of ``ServerTime`` carries ``0001-01-01T00:00:00Z`` as ``data``, because the
  spec's ``DateTimeApiResponse.data`` is not nullable (.NET sends ``default(DateTime)``).
* ``activityId`` is a 32-hex W3C trace id. Scopes: none requested = ``webapi``;
  ``webapi``, ``webapi.read``, ``webapi.write``, ``openid``, ``profile`` accepted in any
  case, others → ``invalid_scope`` (§7.4). Tokens carry ``scope`` as a JSON array.
* Idempotency: per client; the first answer (success or endpoint error) is replayed byte
  for byte with its headers for 60 s; same key + different request → ``Validation`` (§7.17).
* ``UserRecordGet`` (pump) and ``UserRecordRequest`` (live) read the same state.
  ``MarginLevelGet`` → ``NotFound`` for accounts without open positions and ``MarginsGet``
  lists only accounts with positions (pump semantics per spec); ``MarginLevelRequest``
  answers for any account.
* ``TradeTransaction`` executes ``BrBalance`` (Balance/Credit); other valid types answer
  ``MT4Error``/``TradeDisable``. Withdrawals need free margin and balance, credit-outs need
  free margin and credit; otherwise ``MT4Error``/``TradeNoMoney`` and nothing changes.
  Amounts are rounded half up to cents; money is kept in integer cents. Unknown JSON
  properties in a body are ignored (System.Text.Json's default).
* Only the implemented v2 operations exist; any other path answers HTTP 404, a known path
  with another method 405 (the real service serves ~170 operations).
* Hub: ``StreamTicks()`` without argument streams every symbol (§7.9) and needs no prior
  ``SubscribeToTicks`` (§7.10). A new subscription or stream starts with the current quote
  of its symbol(s), so a screen can paint before the next tick. Errors are worded like
  ASP.NET Core without detailed errors; a stream cancelled by the client gets no
  Completion. ``OnConnectionStatus`` is ``{"connected": true}`` (§7.7).
* Only the WebSockets transport is offered (no SSE / long polling).
"""

from __future__ import annotations

from desktop.simulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    HUB_PATH,
    ORGANIZATION_ID,
    PLATFORM_ID,
    SimConfig,
)
from desktop.simulator.control import SimControl
from desktop.simulator.server import RunningSimulator, SimulatorThread, start

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "HUB_PATH",
    "ORGANIZATION_ID",
    "PLATFORM_ID",
    "RunningSimulator",
    "SimConfig",
    "SimControl",
    "SimulatorThread",
    "start",
]

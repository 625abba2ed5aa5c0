"""Local simulator of the CPlugin Cloud WebAPI (token service, MT4 v2 REST, ``/hubs/mt4/v2``).

Imports: stdlib, aiohttp, orjson, numpy, PyJWT/cryptography and ``desktop.simulator.*``
only — never other ``desktop`` layers, pysignalr, the vendor SDK or Qt (import-linter
"Simulator stands alone"). Used by tests, ``desktop.app`` demo mode and developers.

Start it with ``python -m desktop.simulator --port 0`` (prints ``Listening on http://…``),
``await start(SimConfig(...))`` on a running loop, or ``with SimulatorThread(cfg) as sim:``
from synchronous code. The base URL is at once API base, OAuth authority and hub host.
The MT4 platform is ``PLATFORM_ID``, the MT5 platform ``mt5.MT5_PLATFORM_ID``; the demo
client is ``demo-dealer`` / ``demo-secret``.
State is reached through ``RunningSimulator.control`` (``SimControl``).

Module map: ``config`` (settings, constants) · ``symbols``/``feed`` (catalogue, seeded
price path) · ``margin``/``accounts``/``generator``/``book`` (accounts and money) ·
``auth`` (JWT, token endpoint, bearer checks) · ``routing`` (case-insensitive routes) ·
``envelope``/``idempotency``/``operation``/``rest_v2`` (v2 pipeline) · ``rest_accounts``,
``rest_users``, ``rest_trades``, ``rest_trading``, ``rest_market``, ``rest_charts``,
``rest_server``, ``rest_mt5``, ``params``, ``platforms``, ``dto``/``dto_trades``/
``dto_market``/``dto_mt5``/``dto_mt5_symbol`` (endpoints and wire shapes) · ``trades``
(trade records, read API) · ``trading``/``trade_request``/``rules`` (execution and the
server's checks) · ``users`` (account writes) · ``history``/``journal``/``online``
(seeded history, journal, sessions) · ``tick_history``/``charts`` (price history) ·
``mt5``/``mt5_generator`` (the MT5 platform) ·
``hub_protocol``/``hub_negotiate``/``hub_connection``/``hub_dispatch``/``hub_platforms``/
``hub_methods``/``hub_mt5``/``hub_v1``/``hub_streams``/``hub_payloads``/``hub`` (SignalR),
``margin_monitor`` · ``pump`` (real-time
feed) · ``execution`` (deadlines, outcomes) · ``faults``/``disruptions``/``market``/
``restart`` (faults on demand) · ``scenario_types``/``scenario_runner``/``scenarios``
(seeded fault timelines) · ``control_api``/``control_routes`` (``/_sim/``) · ``control``
(state handle) · ``server`` (assembly, ``start``, ``SimulatorThread``) · ``bench``
(push-rate benchmark).

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
* Balance/credit (``BrBalance``): withdrawals need free margin and balance, credit-outs
  free margin and credit, otherwise ``MT4Error``/``TradeNoMoney`` and nothing changes.
  Amounts are rounded half up to cents; money is kept in integer cents. Unknown JSON
  properties in a body are ignored (System.Text.Json's default).
* ``TradeTransaction`` (``trading``) executes ``OpenMarket``/``OpenInstant``/``OpenRequest``,
  ``PendingOpen``, ``CloseMarket``/``CloseInstant``/``CloseRequest``, ``Modify``, ``Delete``,
  ``BrOpen``, ``BrClose``, ``BrModify``, ``BrDelete`` and ``BrBalance``; the other valid
  types answer ``MT4Error``/``TradeDisable``. Opens need ``orderBy`` ≥ 1 (§7.15: the server
  cannot guess the account; else ``Validation``); closes, modifications and deletions
  need ``order`` (``orderBy`` may be 0, else it must be the owner: ``InvalidData``). Fills
  are at the current bid/ask; the answer echoes the request with the ticket, owner, the
  trade's command, the catalogue symbol and the price and volume used.
* Trading checks, in order, each with its ``managerCode``: account disabled
  (``AccountDisabled``) or read-only (``TradeDisable``); symbol trade mode ``No``/``Close``
  (``TradeDisable``; ``Full`` unless changed with ``book.modes.set``, which publishes
  ``SymbolChanged``); session closed (``TradeMarketClosed``); volume (``TradeBadVolume``);
  price (``TradeBadPrices``/``TradeRequote``); pending price side (``TradeBadPrices``);
  SL/TP (``TradeBadStops``); margin (``TradeNoMoney``); expiration in the past
  (``TradeExpirationDenied``). ``Br*`` (dealer) transactions skip the account-state,
  session and deviation checks (price 0 = market). Unknown login, symbol or ticket →
  ``NotFound``, as everywhere else in v2; closing a pending order or deleting a market
  position → ``InvalidData``.
* Sessions (server time = UTC): quotes 24/7 for every symbol; trading Monday 00:00 to
  Friday 23:59 for everything but crypto, which trades every day (``SymbolSessionsGet``
  reports exactly this, windows ``00:00-23:59``).
* Volume limits by security group (MT4 units): Forex 1-10000 step 1, Metals 1-5000,
  Indices 10-10000 step 10, Crypto 1-1000, Energies 1-5000. Instant-execution symbols
  (Forex) need a price > 0 within ``ieDeviation`` points of the current ask/bid (else
  ``TradeBadPrices``/``TradeRequote``); market-execution symbols fill at the market
  whatever the price. SL/TP must be beyond the stops level (and at least one point) on the
  proper side of the close price (pending: of the order price). Margin check: free margin
  minus the new position's margin must not be negative (no hedge netting); pending orders
  need no margin. Pending orders, SL and TP are never triggered by price moves.
* Trade events: open/place → ``TradeChanged("Added")``; modify → ``"Updated"``; close or
  delete → ``"Deleted"`` (the trade leaves the open set, as with MT4 pumping) with the
  closed record as ``snapshot``; every ``TradeChanged`` carries its ``trades.TradeRecord``
  as ``snapshot``. A close also publishes ``UserChanged("Updated")`` (balance). A partial
  close keeps the closed part under the old ticket (``ClosedPart``, comment ``to #new``)
  and reopens the rest under a new ticket (``OpenRemand``, comment ``from #old``: ``Added``).
* Users: ``UserRecordNew`` with login 0 takes one above the highest login ever used
  (deleted logins are never reused); leverage 0 takes the group's default; balance 0 and
  empty passwords (``UserPasswordCheck`` then always fails). Seeded accounts' passwords
  are ``Pw<login>`` (investor ``Inv<login>``); a password has 4-15 characters; a wrong one
  → ``MT4Error``/``InvalidData``. In bodies, a value of the wrong JSON type is
  ``Validation``, a well-typed value the server refuses (unknown group, leverage < 1, text
  over the native length, ``enableFlags`` > 15) is ``MT4Error``/``InvalidData``; merge-patch
  ``null`` clears a text field; ``UserRecordUpdate`` gives absent fields their .NET
  defaults (also balance/credit, written without ledger or history). ``UsersGroupOp`` is
  all or nothing: an unknown login → ``NotFound``; ``Delete`` of an account with open
  trades or orders → ``InvalidData``. ``UserChanged`` is published for every account
  creation, change (not password changes) and deletion; a deleted account's last state
  stays readable through ``book.last_known``.
* Operations answering ``bool`` (``BooleanApiResponse.data`` is not nullable) send
  ``data: false`` in error envelopes.
* Trade reads: ``TradesGet``/``TradesRequest`` list open positions and pending orders,
  cursor-paged by ticket (cursor = base64 of the last ticket); ``TradeRecordGet`` also
  finds closed records, ``TradesGet/{ticket}`` only open ones; ``TradesGetByLogin`` with an
  unknown login or another group → empty list; ``TradesGetBySymbol`` and ``SymbolInfoGet``
  need ``?symbol`` (``Validation``; an unknown one → ``NotFound``); ``UserRecordsRequest``
  answers in request order, duplicates once, unknown logins omitted. Seeded accounts have a
  history (initial deposit, credit, closed trades) that adds up to their balance.
* Query date-times without an offset are UTC. Price history (``tick_history``,
  ``charts``): 200 days of seeded ticks ending exactly at the feed's first quote, then the
  live ticks (recorded in ``SimControl.advance``; a quote changed elsewhere is recorded at
  the next query); bars are bid aggregates of the ticks (so the newest bar closes at the
  current bid), weeks start on Sunday, months on the 1st; ``ChartRequest`` needs ``period``
  (name in any case or minutes); at most 100 000 bars/ticks per answer, earliest first;
  ``TicksRequest`` ``flags`` do not filter (every tick is ``All``). ``JournalRequest``
  needs ``from``; the journal holds logins, trades, balance operations, account changes
  and refusals. ``OnlineGet`` is never ``NoConnect``; ~12 % of accounts are online.
* MT5: a second platform (``MT5_PLATFORM_ID``) with its own seeded book (40 users with
  int64 logins from 3 000 000 001, positions, orders, deals) on the same symbols and
  feed; its GUID on an MT4 path, or the MT4 GUID on an MT5 path → ``Forbidden``. Group
  masks: comma-separated, ``*`` wildcard, ``!`` excludes, case-insensitive. Refused values
  → ``MT5Error`` with ``managerCode`` ``InvalidData`` (``ResultCode`` has no MT5 names).
  Unset MT5 date-times are ``null``; ``OrderByGroup`` lists placed orders only.
* Flag values are the ", "-joined names of the set bits per [SPEC-PY] (``"Enabled,
  Password"``, ``None``, ``Bit<n>``), though the vendored spec lists single names; the test
  validator accepts that form for the flag enums only.
* Only the implemented v2 operations exist; any other path answers HTTP 404, a known path
  with another method 405 (the real service serves ~170 operations).
* Hub: ``StreamTicks()`` without argument streams every symbol (§7.9) and needs no prior
  ``SubscribeToTicks`` (§7.10). A new subscription or stream starts with the current quote
  of its symbol(s), so a screen can paint before the next tick. Errors are worded like
  ASP.NET Core without detailed errors; a stream cancelled by the client gets no
  Completion. ``OnConnectionStatus`` is ``{"connected": true}`` (§7.7).
* Only the WebSockets transport is offered (no SSE / long polling).
* Hubs ``/hubs/mt4/v2``, ``/hubs/mt5/v2`` and ``/hubs/mt4/v1`` share transport, negotiate
  and auth. An MT4 GUID on the MT5 hub (or vice versa), an unknown GUID or a token of
  another organisation → Close with error, ``allowReconnect: false``. Client timeout →
  ``{"type":7,"error":"Connection closed with an error.","allowReconnect":true}`` (ASP.NET
  Core's generic text); a client's Close is answered with ``{"type":7}``; an unparsable
  message → the generic error with ``allowReconnect: false``.
* Hub stream payloads (``hub_payloads``): ``kind`` is the enum name (§7.8); ``cmd``,
  ``controllingType``, ``levelType``, ``tradeMode`` are native numbers. Users, trades and
  symbols streams are change feeds (start empty); ``StreamMarginCallUpdates`` starts with
  the accounts in margin call/stop out. Events come from ``SimControl.events``; the margin
  monitor (``margin_monitor``, every 0.5 s) reports level-kind changes and level moves while
  in call; stop out does not close positions.
* MT5 ``MT5MarginCallPayload`` (§7.11): ``type`` ``MarginCall``/``StopOut``, ``direction``
  ``Enter``/``Leave``, one item per threshold crossed; pushed as ``OnMarginCall`` to every
  MT5 connection and as items of ``StreamMarginCallUpdates`` (which starts empty).
* v1 hub (§7.3): ``Connect`` → true (false while the pump is down), ``Ping`` → true, ticks
  ``onTick(tradePlatform, {"Symbol","Bid","Ask"})`` exactly as published (no time field);
  ``Connect`` is not required before subscribing; no margin/trade/user methods.
* Deadlines (§2.1, §5): ``X-Request-Timeout`` / ``requestTimeout`` must be a number from 1
  to 300 (else ``Validation``, the one v2 answer without ``X-Request-Timeout-Applied``);
  every other v2 answer carries the applied deadline (requested, else the class default:
  trade 5, read 10, change 15, history 30, maintenance 60 — ``operation.TIMEOUT_*``). Only
  injected latency makes an operation late: a read then answers ``Timeout`` / ``timeout`` at
  the deadline and runs nothing; a write answers ``OutcomeUnknown`` / ``unknown`` at the
  deadline and is applied (or dropped, per the rule) when the latency is over. A write is
  any non-GET operation unless ``Operation.writes`` says otherwise.
* Idempotency (§6, ``idempotency``): a key is RUNNING (repeat → ``OutcomeUnknown`` /
  ``in-progress``, also after the client was answered ``unknown``), ANSWERED (replayed byte
  for byte with the first answer's headers) or TAKEN (outcome never known; repeat →
  ``OutcomeUnknown`` / ``unknown``). Kept 60 s after an answer given in time, 3600 s after an
  ``unknown`` operation finished (``SimConfig.outcome_ttl``), TAKEN for 3600 s. Released at
  once (the repeat runs) after a read ``Timeout``, a write that turned out not applied, or
  ``Busy`` (which never takes the key). Windows run on the store's injectable ``clock``.
* ``Busy`` / ``not-started`` is answered before anything runs: when ``faults.queue_limit``
  operations are in flight, while ``faults.busy`` is set, or for ``faults.busy_next``.
* Tokens carry ``org_id`` and ``trade_platforms``; a second client ``other-org`` /
  ``other-secret`` belongs to another organisation, and its tokens get ``Forbidden`` on every
  v2 call (after the deadline check, before the key). Expiry is checked on the issuer's
  clock; ``faults.short_tokens(N)`` issues tokens that die after N s while ``expires_in``
  still announces the configured lifetime (so clients meet the 401 path), and
  ``faults.expire_tokens()`` expires every token issued so far.
* Faults (``faults``, ``disruptions``, ``market``): chosen by counters, never by chance. An
  injected "outcome unknown" write answers after its ``delay`` (default 0, capped by the
  deadline) rather than always waiting for the deadline, to keep tests fast. Latency rules
  act on v2 operations; a rule with a non-empty path fragment also delays other routes
  (token endpoint, hubs). Proxy errors are nginx-style HTML pages (502/503/504) answered
  before authentication; ``fail_next`` keeps its plain-text bodies.
* Control surface ``/_sim/…`` (``control_api``): only with ``Authorization: SimControl
  <token>`` (printed at startup as ``Control token: …`` after the ``Listening on`` line, or
  ``--control-token``); otherwise a bare 404 like any unknown path. Never in the request log.
* Scenarios (``scenarios``): the scenario clock is the feed's tick count divided by the tick
  rate (wall time only with ``tick_rate=0``), and the pump cuts batches where a step is due,
  so the same seed and scenarios give the same price path and effects under any load.
  Market faults never consume or skip random draws (a stalled symbol's draws are discarded),
  so all other symbols keep the calm path. A margin-call wave only moves prices; stop out
  does not close positions.
* Server restart: the listening socket is closed (connections refused), every hub and HTTP
  connection is cut, then the same address is bound again and everything but ``/_sim/``
  answers HTML 503 with ``Retry-After: 1`` for a while; all state is kept.
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
from desktop.simulator.control.state import SimControl
from desktop.simulator.server.app import RunningSimulator, SimulatorThread, start
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "HUB_PATH",
    "MT5_PLATFORM_ID",
    "ORGANIZATION_ID",
    "PLATFORM_ID",
    "RunningSimulator",
    "SimConfig",
    "SimControl",
    "SimulatorThread",
    "start",
]

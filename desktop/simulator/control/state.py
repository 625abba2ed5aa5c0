"""The simulator's runtime state behind one inspectable, drivable handle (``SimControl``).

Imports: stdlib and ``desktop.simulator`` state modules. Used by ``server`` (which builds one
per instance), by every endpoint, and by tests and the app's demo mode through
``RunningSimulator.control``.

Tests read ``accounts``, ``book.ledger``, ``requests`` and ``hub.connections`` and drive the
server with ``advance`` (ticks on demand; set ``tick_rate=0`` for a silent feed),
``mint_token``, ``set_balance``, ``add_account``, ``fail_next`` (inject HTTP failures),
``trades`` (read API of trades, see ``trades.py``), ``charts`` (tick history), ``mt5`` (the
MT5 platform's book),
``drop_hub_connections`` and ``reset``; faults and scenarios through ``faults``
(``faults.py``), ``market`` (``market.py``) and ``scenarios`` (``scenario_runner.py``).
All of it lives on the simulator's event loop thread: from another thread use
``SimulatorThread.call``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from desktop.simulator.auth.tokens import TokenIssuer
from desktop.simulator.config import FIRST_LOGIN, SimConfig
from desktop.simulator.faults.injector import Faults
from desktop.simulator.faults.market import Market
from desktop.simulator.faults.scenarios.catalogue import CATALOGUE
from desktop.simulator.faults.scenarios.runner import ScenarioRunner
from desktop.simulator.hubs.registry import HubRegistry
from desktop.simulator.rest.pipeline.idempotency import IdempotencyStore
from desktop.simulator.wire import to_cents
from desktop.simulator.world.events import EventBus
from desktop.simulator.world.market.charts import Charts
from desktop.simulator.world.market.feed import PriceFeed, TickBatch
from desktop.simulator.world.mt4.accounts import Account, group_by_name
from desktop.simulator.world.mt4.book import Book
from desktop.simulator.world.mt4.margin import MarginState
from desktop.simulator.world.mt4.stops import StopEnforcer
from desktop.simulator.world.mt4.trades import TradeDesk
from desktop.simulator.world.mt5.generator import generate_mt5
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID

_LOG_LIMIT = 10_000


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request the simulator answered.

    Attributes:
        method: HTTP method.
        path: Path as sent.
        query: Raw query string.
        headers: Request headers (``Authorization`` values shortened).
        body: Raw body bytes.
        status: HTTP status answered.
        at: Unix time it arrived.
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float


class RequestLog:
    """The most recent requests (bounded)."""

    def __init__(self) -> None:
        self._items: deque[LoggedRequest] = deque(maxlen=_LOG_LIMIT)

    def append(self, item: LoggedRequest) -> None:
        """Record a request.

        Args:
            item: The request.
        """
        self._items.append(item)

    def all(self) -> list[LoggedRequest]:
        """Return the logged requests, oldest first.

        Returns:
            A copy of the log.
        """
        return list(self._items)

    def matching(self, fragment: str) -> list[LoggedRequest]:
        """Return requests whose path contains ``fragment`` (ignoring case).

        Args:
            fragment: Text to look for.

        Returns:
            The matching requests, oldest first.
        """
        low = fragment.lower()
        return [item for item in self._items if low in item.path.lower()]

    def clear(self) -> None:
        """Forget every request."""
        self._items.clear()


class SimControl:
    """Runtime state of one simulator, and the handle tests use to inspect and drive it.

    Args:
        config: Settings.
        clock: Unix-time source.
    """

    def __init__(self, config: SimConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.feed = PriceFeed(config.seed, config.tick_rate, clock())
        self.events = EventBus()
        self.charts = Charts(config.seed, self.feed)  # tick history and bars (charts.py)
        self.book = Book(config.seed, config.accounts, FIRST_LOGIN, self.feed, self.events, clock)
        # pending orders, SL/TP and stop out at the prices after each batch (world.mt4.stops)
        self.stops = StopEnforcer(self.book, max(16, int(config.tick_rate)))
        self.stops.settle(clock())  # the seeded book as a server holds it: nothing left below stop out
        self.mt5 = generate_mt5(config.seed)  # the MT5 platform's book (mt5.py)
        self.issuer = TokenIssuer(config, clock)
        self.idempotency = IdempotencyStore(config.idempotency_ttl, outcome_ttl=config.outcome_ttl)
        self.requests = RequestLog()
        self.hub = HubRegistry(self.feed, config, self)
        self.hub.platforms.register(MT5_PLATFORM_ID, "MT5")
        self.hub.streams.mt5 = self.mt5
        self._failures: list[tuple[str, int]] = []
        self.faults = Faults(self)  # HTTP/hub/token faults and /_sim/ token (faults.py)
        self.market = Market(self)  # stalled symbol, spread, gap, margin-call wave (market.py)
        self.scenarios = ScenarioRunner(self, CATALOGUE)  # timelines (scenarios.py)

    @property
    def trades(self) -> TradeDesk:
        """Read API of open trades, orders and history (``trades.TradeDesk``)."""
        return self.book.trades

    @property
    def accounts(self) -> dict[int, Account]:
        """Accounts by login (live objects; do not mutate from another thread)."""
        return self.book.accounts

    def state_of(self, login: int) -> MarginState:
        """Value an account at the current prices.

        Args:
            login: The account.

        Returns:
            Its balance, equity, margin, free margin and level.
        """
        return self.book.state(self.book.get(login))

    def advance(self, count: int) -> TickBatch:
        """Generate ``count`` ticks now and push them to hub clients.

        Args:
            count: Number of ticks (at least 1).

        Returns:
            The generated ticks.
        """
        batch = self.feed.next_batch(count, self.clock())
        self.charts.record(batch)
        self.hub.publish(batch)
        self.stops.after(batch.indices, len(batch), batch.time)
        return batch

    def mint_token(self, lifetime: int | None = None, issuer: str | None = None, client_id: str | None = None) -> str:
        """Issue an access token without the token endpoint (e.g. an expired one).

        Args:
            lifetime: Seconds until expiry; below minus the clock skew (300 s) gives a token
                the server refuses as expired.
            issuer: ``iss`` claim (default: the server's; any other is refused).
            client_id: Registered client (default: the configured one; ``"other-org"`` gives
                a token of another organisation, refused with ``Forbidden`` on v2 calls).

        Returns:
            The JWT.
        """
        return self.issuer.issue(issuer, lifetime=lifetime, client_id=client_id)

    def set_balance(self, login: int, amount: Decimal | float | str) -> None:
        """Overwrite an account's balance (no ledger entry).

        Args:
            login: The account.
            amount: New balance in deposit currency.
        """
        self.book.set_balance(login, to_cents(amount))

    def add_account(self, login: int, group: str, name: str, balance: Decimal | float | str = 0) -> Account:
        """Insert a new account without positions.

        Args:
            login: Its login (must be free).
            group: An existing group name.
            name: Holder's name.
            balance: Initial balance.

        Returns:
            The new account.
        """
        group_by_name(group)
        now = int(self.clock())
        account = Account(
            login=login, group=group, name=name, email="", country="", city="", state="", zip_code="",
            address="", phone="", lead_source="", external_id="", status="", comment="", leverage=100,
            agent_account=0, last_ip=0, registered=now, last_date=now, balance_cents=to_cents(balance),
        )  # fmt: skip
        self.book.add(account)
        return account

    def fail_next(self, path_fragment: str, status: int, times: int = 1) -> None:
        """Make the next requests whose path contains ``path_fragment`` fail with an HTTP status.

        The failure is answered before authentication and routing, with a plain-text body
        (like a proxy's 502/503 page), and nothing is executed.

        Args:
            path_fragment: Text to look for in the path (case-insensitive).
            status: HTTP status to answer, e.g. 401, 503.
            times: How many matching requests fail.
        """
        self._failures += [(path_fragment.lower(), status)] * times

    def take_failure(self, path: str) -> int | None:
        """Consume the first injected failure matching a path (used by the server).

        Args:
            path: Request path.

        Returns:
            The status to answer, or None to serve the request normally.
        """
        low = path.lower()
        for i, (fragment, status) in enumerate(self._failures):
            if fragment in low:
                del self._failures[i]
                return status
        return None

    async def drop_hub_connections(self, close_message: bool = False) -> int:
        """Close every hub connection, as a server restart or network cut would.

        Args:
            close_message: Send a SignalR Close message (``allowReconnect: true``) first;
                otherwise the WebSocket is just closed.

        Returns:
            How many connections were closed.
        """
        return await self.hub.drop_all(close_message)

    def reset(self) -> None:
        """Restore the seeded accounts; forget idempotency keys, injected failures and the request log.

        Also stops every scenario and removes every fault (spreads restored, symbols
        resumed). Prices and hub connections are left as they are.
        """
        self.book.reset()
        self.stops.clear()
        self.stops.settle(self.clock())
        self.mt5.load(generate_mt5(self.config.seed))
        self.idempotency.clear()
        self.requests.clear()
        self._failures.clear()
        self.scenarios.stop_all()
        self.faults.reset()
        self.market.restore()

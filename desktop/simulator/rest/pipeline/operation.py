"""What a v2 operation handler receives and declares, and the parsing of common parameters.

Imports: stdlib and ``desktop.simulator.rest.pipeline.envelope``. Used by the ``rest_*``
modules (handlers) and ``rest.pipeline.v2`` (pipeline).

Parameter rules: ``login`` is an int32 ≥ 1, ``symbol`` is 1-12 characters, ``limit`` is
1-5000, ``cursor`` is the opaque base64 text of the last login of the previous page.
Anything else is a ``Validation`` error, as model binding failures are in v2.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Coroutine

    from desktop.simulator.rest.pipeline.idempotency import IdempotencyStore
    from desktop.simulator.world.market.charts import Charts
    from desktop.simulator.world.market.feed import PriceFeed, TickBatch
    from desktop.simulator.world.mt4.book import Book
    from desktop.simulator.world.mt4.trades import TradeDesk
    from desktop.simulator.world.mt5.platform import Mt5Book

_INT32_MAX = 2**31 - 1
MAX_LIMIT = 5000
#: Default server deadlines per operation class (seconds, contract §2.1).
TIMEOUT_TRADE = 5.0
TIMEOUT_READ = 10.0
TIMEOUT_CHANGE = 15.0
TIMEOUT_HISTORY = 30.0
TIMEOUT_MAINTENANCE = 60.0


class FaultGate(Protocol):
    """What the pipeline asks of the fault plan (``faults.injector.Faults`` fits)."""

    inflight: int

    def latency_for(self, path: str, is_write: bool) -> Latency | None:
        """Return the delay rule for a path, if any."""
        ...

    def take_outcome_unknown(self, path: str) -> UnknownOutcome | None:
        """Take the next unknown-outcome fault of a path, if any."""
        ...

    def take_busy(self, path: str) -> bool:
        """Tell whether the platform answers busy to this call."""
        ...

    def corrupt(self, path: str, data: Any) -> Any:
        """The answer's ``data`` as the corrupt-rows fault leaves it (unchanged when none is armed)."""
        ...

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run a background task owned by the fault plan."""
        ...


class Latency(Protocol):
    """A delay rule (``faults.injector.LatencyRule`` fits)."""

    @property
    def seconds(self) -> float:
        """Added latency."""
        ...

    @property
    def writes_apply(self) -> bool:
        """Whether a write still executes when it answers late."""
        ...


class UnknownOutcome(Protocol):
    """A write whose outcome is made unknown (``faults.injector.UnknownWrite`` fits)."""

    @property
    def variant(self) -> str:
        """``applied``, ``not-applied`` or ``undetermined``."""
        ...

    @property
    def delay(self) -> float:
        """Seconds before the answer."""
        ...


class TickSink(Protocol):
    """Where a requote tick made by a configuration change goes (``hubs.registry.HubRegistry`` fits)."""

    def publish(self, batch: TickBatch) -> None:
        """Push a tick batch to the hub streams."""
        ...


class RestState(Protocol):
    """What REST handlers and the pipeline use of the simulator (``SimControl`` fits)."""

    book: Book

    @property
    def trades(self) -> TradeDesk:
        """Read API of trades."""
        ...

    mt5: Mt5Book

    feed: PriceFeed

    charts: Charts

    @property
    def hub(self) -> TickSink:
        """The hub streams (for requote ticks)."""
        ...

    idempotency: IdempotencyStore

    @property
    def faults(self) -> FaultGate:
        """The fault plan."""
        ...

    clock: Callable[[], float]


@dataclass(frozen=True)
class V2Request:
    """One call of a v2 operation.

    Attributes:
        params: Path parameters (raw text), ``tradePlatform`` included.
        query: Query parameters.
        body: Raw request body.
        control: Simulator state.
        now: Unix time of the call.
        client: OAuth2 client id of the caller (the manager it acts as).
    """

    params: dict[str, str]
    query: Mapping[str, str]
    body: bytes
    control: RestState
    now: float
    client: str = ""


@dataclass(frozen=True)
class Operation:
    """A v2 operation the simulator implements.

    Attributes:
        method: HTTP method.
        action: Path after ``/api/v2/MT4/{tradePlatform}/``, with ``{param}`` captures.
        run: Handler; returns the payload or raises ``ApiFailure``.
        timeout: Default deadline (``X-Request-Timeout-Applied`` when none is requested).
        error_data: ``data`` of error envelopes (None except for value-typed payloads).
        writes: Whether it changes state (a late answer is then ``OutcomeUnknown``, not
            ``Timeout``); None = every method but GET.
    """

    method: str
    action: str
    run: Callable[[V2Request], Payload]
    timeout: float = TIMEOUT_READ
    error_data: Any = None
    writes: bool | None = None

    @property
    def is_write(self) -> bool:
        """Whether the operation changes state."""
        return self.method.upper() != "GET" if self.writes is None else self.writes


def login_param(raw: str) -> int:
    """Parse a ``login`` path parameter.

    Args:
        raw: Path segment.

    Returns:
        The login.

    Raises:
        ApiFailure: Not an int32 of at least 1.
    """
    try:
        login = int(raw)
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not a valid login.") from None
    if not 1 <= login <= _INT32_MAX:
        raise ApiFailure.validation(f"login must be between 1 and {_INT32_MAX}, got {login}.")
    return login


def symbol_param(raw: str) -> str:
    """Check a ``symbol`` path parameter.

    Args:
        raw: Path segment.

    Returns:
        The symbol text.

    Raises:
        ApiFailure: Empty or longer than 12 characters.
    """
    if not raw or len(raw) > 12:
        raise ApiFailure.validation(f"symbol must be 1 to 12 characters, got '{raw}'.")
    return raw


def limit_param(query: Mapping[str, str]) -> int | None:
    """Parse the ``limit`` query parameter.

    Args:
        query: Query parameters.

    Returns:
        Page size, or None for everything in one page.

    Raises:
        ApiFailure: Not an integer from 1 to 5000.
    """
    raw = query.get("limit")
    if raw is None or raw == "":
        return None
    try:
        limit = int(raw)
    except ValueError:
        raise ApiFailure.validation(f"The value '{raw}' is not valid for limit.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiFailure.validation(f"limit must be between 1 and {MAX_LIMIT}, got {limit}.")
    return limit


def encode_cursor(last_login: int) -> str:
    """Make the opaque cursor that continues after a login.

    Args:
        last_login: Last login of the page.

    Returns:
        Base64 text.
    """
    return base64.b64encode(str(last_login).encode()).decode()


def cursor_param(query: Mapping[str, str]) -> int:
    """Decode the ``cursor`` query parameter.

    Args:
        query: Query parameters.

    Returns:
        The login the page starts after (0 without a cursor).

    Raises:
        ApiFailure: Not a cursor this server issued.
    """
    raw = query.get("cursor")
    if raw is None or raw == "":
        return 0
    try:
        text = base64.b64decode(raw, validate=True).decode("ascii")
        value = int(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiFailure.validation("cursor is not a valid paging cursor.") from None
    if value < 0 or not text.isdigit():
        raise ApiFailure.validation("cursor is not a valid paging cursor.")
    return value

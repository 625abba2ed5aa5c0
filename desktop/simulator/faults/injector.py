"""Faults injected on demand: latency, outcome-unknown writes, Busy, proxy errors, tokens, hub drops, restart.

Imports: stdlib and ``desktop.simulator`` (``faults.disruptions``, ``rest.pipeline.execution``). One ``Faults``
per simulator lives at ``SimControl.faults``; it is reached from tests (in-process), from
the ``/_sim/`` routes (``control.api``) and from scenarios. Hub drops, Close with an error,
the server restart and background tasks come from its base class ``Disruptions``.

Every rule matches a request path by a case-insensitive fragment ("" = every path).
Decisions are deterministic: counters, never random draws, so a scenario replays the same.
All state lives on the simulator's event loop; from another thread use
``SimulatorThread.call``. ``reset`` removes every fault (``SimControl.reset`` calls it).
"""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass
from typing import Any

from desktop.simulator.faults.corruption import Corruption
from desktop.simulator.faults.disruptions import Disruptions, FaultHost
from desktop.simulator.rest.pipeline.execution import VARIANTS

#: Statuses a "proxy" in front of the API can answer with an HTML page.
PROXY_STATUSES = (502, 503, 504)


@dataclass(frozen=True)
class LatencyRule:
    """Extra time before v2 operations on matching paths answer.

    Attributes:
        fragment: Path fragment, lower case.
        seconds: Added latency.
        writes_apply: For a write that runs past its deadline: applied when the latency is
            over (True) or dropped (False).
        reads_only: Only reads are delayed.
    """

    fragment: str
    seconds: float
    writes_apply: bool = True
    reads_only: bool = False


@dataclass(frozen=True)
class UnknownWrite:
    """One write to answer ``OutcomeUnknown``.

    Attributes:
        fragment: Path fragment, lower case.
        variant: ``applied``, ``not-applied`` or ``undetermined``.
        delay: Seconds before answering (capped by the deadline).
    """

    fragment: str
    variant: str
    delay: float = 0.0


@dataclass(frozen=True)
class EveryNth:
    """A repeating rule: every ``every``-th matching request gets the next value of ``values``."""

    every: int
    values: tuple[Any, ...]
    delay: float = 0.0


def _check_every(every: int, values: tuple[Any, ...]) -> None:
    if every < 1 or not values:
        raise ValueError("every must be at least 1 and values must not be empty")


class Faults(Disruptions):
    """The injectable faults of one simulator (hub drops, restart and tasks: ``Disruptions``).

    Attributes:
        control_token: Secret of the ``/_sim/`` routes.
        inflight: v2 operations running now (the platform queue).
        queue_limit: Operations allowed at once before ``Busy`` (None = unlimited).
        busy: Every v2 call answers ``Busy`` while True.

    Args:
        control: The simulator.
    """

    def __init__(self, control: FaultHost) -> None:
        super().__init__(control)
        self.control_token = control.config.control_token or secrets.token_urlsafe(24)
        self.inflight = 0
        self.queue_limit: int | None = None
        self.busy = False
        self._latency: dict[str, LatencyRule] = {}
        self._unknown: deque[UnknownWrite] = deque()
        self._unknown_every: EveryNth | None = None
        self._busy_next: deque[str] = deque()
        self._proxy: deque[tuple[str, int]] = deque()
        self._proxy_every: EveryNth | None = None
        self._counts = {"writes": 0, "api": 0}
        self.corruption = Corruption()
        """Corrupt-row rules (``faults.corruption``): list answers that break the schema on purpose."""

    # -- latency -------------------------------------------------------------------------

    def add_latency(
        self, path_fragment: str, seconds: float, *, writes_apply: bool = True, reads_only: bool = False
    ) -> None:
        """Delay v2 operations on matching paths (replaces a rule for the same fragment).

        Args:
            path_fragment: Path fragment ("" = every v2 operation).
            seconds: Added latency; at or beyond the deadline a read answers ``Timeout`` and a
                write ``OutcomeUnknown``.
            writes_apply: Whether a write past its deadline is applied when the latency is over.
            reads_only: Delay only reads.
        """
        if seconds < 0:
            raise ValueError("latency must not be negative")
        fragment = path_fragment.lower()
        self._latency[fragment] = LatencyRule(fragment, seconds, writes_apply, reads_only)

    def clear_latency(self) -> None:
        """Remove every latency rule."""
        self._latency.clear()

    def latency_for(self, path: str, is_write: bool) -> LatencyRule | None:
        """Return the largest latency rule matching a call.

        Args:
            path: Request path.
            is_write: Whether the operation writes.

        Returns:
            The rule, or None.
        """
        low = path.lower()
        found = [r for r in self._latency.values() if r.fragment in low and not (is_write and r.reads_only)]
        return max(found, key=lambda rule: rule.seconds) if found else None

    # -- outcome unknown -----------------------------------------------------------------

    def outcome_unknown_next(
        self, count: int = 1, variant: str = "applied", *, path_fragment: str = "", delay: float = 0.0
    ) -> None:
        """Answer the next ``count`` matching writes ``OutcomeUnknown`` / ``unknown``.

        Args:
            count: How many writes.
            variant: ``applied`` (executed anyway), ``not-applied`` or ``undetermined``.
            path_fragment: Path fragment ("" = every write).
            delay: Seconds before answering (capped by the deadline).
        """
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
        self._unknown.extend([UnknownWrite(path_fragment.lower(), variant, delay)] * count)

    def outcome_unknown_every(
        self, every: int, variants: tuple[str, ...] = ("applied", "not-applied"), delay: float = 0.0
    ) -> None:
        """Answer every ``every``-th write ``OutcomeUnknown``, cycling through ``variants``.

        Args:
            every: Period in writes (3 = the 3rd, 6th, … write).
            variants: Variants used in turn.
            delay: Seconds before answering (capped by the deadline).
        """
        _check_every(every, variants)
        if any(v not in VARIANTS for v in variants):
            raise ValueError(f"variants must be among {', '.join(VARIANTS)}")
        self._unknown_every = EveryNth(every, variants, delay)

    def clear_outcome_unknown(self) -> None:
        """Remove the pending and the repeating outcome-unknown faults."""
        self._unknown.clear()
        self._unknown_every = None
        self._counts["writes"] = 0

    def take_outcome_unknown(self, path: str) -> UnknownWrite | None:
        """Consume the outcome-unknown fault for a write, if one applies (used by ``rest.pipeline.execution``).

        Args:
            path: Request path of the write.

        Returns:
            The fault, or None to run the write normally.
        """
        low = path.lower()
        for i, fault in enumerate(self._unknown):
            if fault.fragment in low:
                del self._unknown[i]
                return fault
        rule = self._unknown_every
        if rule is None:
            return None
        self._counts["writes"] += 1
        n = self._counts["writes"]
        if n % rule.every:
            return None
        return UnknownWrite("", rule.values[(n // rule.every - 1) % len(rule.values)], rule.delay)

    # -- busy ----------------------------------------------------------------------------

    def busy_next(self, count: int = 1, path_fragment: str = "") -> None:
        """Answer the next ``count`` matching v2 calls ``Busy`` / ``not-started``.

        Args:
            count: How many calls.
            path_fragment: Path fragment ("" = every v2 call).
        """
        self._busy_next.extend([path_fragment.lower()] * count)

    def take_busy(self, path: str) -> bool:
        """Decide whether a v2 call is refused as ``Busy`` (used by ``rest.pipeline.execution``).

        Args:
            path: Request path.

        Returns:
            True to refuse it without running it.
        """
        if self.busy or (self.queue_limit is not None and self.inflight >= self.queue_limit):
            return True
        low = path.lower()
        for i, fragment in enumerate(self._busy_next):
            if fragment in low:
                del self._busy_next[i]
                return True
        return False

    def corrupt(self, path: str, data: Any) -> Any:
        """The answer's ``data`` as the armed corrupt-row rules leave it."""
        return self.corruption.apply(path, data)

    # -- proxy ---------------------------------------------------------------------------

    def proxy_error_next(self, status: int = 502, count: int = 1, path_fragment: str = "") -> None:
        """Answer the next ``count`` matching requests with a proxy's HTML error page.

        Args:
            status: 502, 503 or 504.
            count: How many requests.
            path_fragment: Path fragment ("" = every request but ``/_sim/``).
        """
        if status not in PROXY_STATUSES:
            raise ValueError(f"status must be one of {PROXY_STATUSES}")
        self._proxy.extend([(path_fragment.lower(), status)] * count)

    def proxy_errors_every(self, every: int, statuses: tuple[int, ...] = (502, 504)) -> None:
        """Answer every ``every``-th ``/api/`` request with a proxy error page, cycling ``statuses``.

        Args:
            every: Period in requests.
            statuses: Statuses used in turn.
        """
        _check_every(every, statuses)
        if any(s not in PROXY_STATUSES for s in statuses):
            raise ValueError(f"statuses must be among {PROXY_STATUSES}")
        self._proxy_every = EveryNth(every, statuses)

    def clear_proxy_errors(self) -> None:
        """Remove the pending and the repeating proxy errors."""
        self._proxy.clear()
        self._proxy_every = None
        self._counts["api"] = 0

    def take_proxy_error(self, path: str) -> int | None:
        """Decide whether the "proxy" answers a request itself (used before authentication).

        Args:
            path: Request path.

        Returns:
            The status of the HTML error page, or None to pass the request on.
        """
        low = path.lower()
        for i, (fragment, status) in enumerate(self._proxy):
            if fragment in low:
                del self._proxy[i]
                return status
        rule = self._proxy_every
        if rule is None or not low.startswith("/api/"):
            return None
        self._counts["api"] += 1
        n = self._counts["api"]
        return None if n % rule.every else int(rule.values[(n // rule.every - 1) % len(rule.values)])

    # -- tokens --------------------------------------------------------------------------

    def short_tokens(self, seconds: int | None) -> None:
        """Make new tokens expire after ``seconds`` while ``expires_in`` still announces the usual lifetime.

        Args:
            seconds: Real lifetime of tokens issued from now on; None restores the normal one.
        """
        if seconds is not None and seconds < 1:
            raise ValueError("token lifetime must be at least 1 second")
        self._control.issuer.short_lifetime = seconds

    def expire_tokens(self) -> None:
        """Expire every token issued so far (the next request with one answers HTTP 401)."""
        self._control.issuer.expire_all()

    def reset(self) -> None:
        """Remove every fault and cancel background tasks (late writes, hub drops, restarts).

        Tokens expired by ``expire_tokens`` become valid again; a restart under way listens
        again at once.
        """
        self.cancel_tasks()
        self.queue_limit = None
        self.busy = False
        self.clear_latency()
        self.clear_outcome_unknown()
        self._busy_next.clear()
        self.clear_proxy_errors()
        self.corruption.clear()
        self._control.issuer.short_lifetime = None
        self._control.issuer.generation = 0

    def describe(self) -> dict[str, Any]:
        """Summarise the active faults (for ``GET /_sim/status``).

        Returns:
            A JSON-ready dictionary.
        """
        return {
            "latency": {rule.fragment: rule.seconds for rule in self._latency.values()},
            "outcomeUnknownNext": len(self._unknown),
            "outcomeUnknownEvery": None if self._unknown_every is None else self._unknown_every.every,
            "busy": self.busy,
            "busyNext": len(self._busy_next),
            "queueLimit": self.queue_limit,
            "inflight": self.inflight,
            "proxyErrorsNext": len(self._proxy),
            "proxyErrorsEvery": None if self._proxy_every is None else self._proxy_every.every,
            "shortTokens": self._control.issuer.short_lifetime,
            "unavailable": self.unavailable,
            "corruptRows": self.corruption.describe(),
        }

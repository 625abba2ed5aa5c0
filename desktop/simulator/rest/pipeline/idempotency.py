"""``Idempotency-Key`` handling: key validation, request fingerprints and the key store.

Imports: stdlib, orjson and ``desktop.simulator.rest.pipeline.envelope``. Used by ``rest.pipeline.v2`` and
``rest.pipeline.execution`` (the deadline-aware pipeline).

Rules (contract §2.1, §6 and §7.17 resolved):

* a key is 1-255 printable ASCII characters; anything else is a ``Validation`` error;
* keys are scoped per OAuth2 client; the same key with a different request (method, path,
  query or JSON body; the ``requestTimeout`` parameter and headers do not count) is a
  ``Validation`` error;
* a key has one of three states. ``RUNNING``: its operation has not finished (also after
  the client was answered ``OutcomeUnknown``); a repeat answers ``OutcomeUnknown`` with
  ``X-Request-Outcome: in-progress`` and runs nothing. ``ANSWERED``: the final answer
  (success or endpoint error) is replayed byte for byte with its headers. ``TAKEN``: the
  outcome can never be known; a repeat answers ``OutcomeUnknown`` / ``unknown``;
* windows, on the store's injectable monotonic ``clock``: an answer given in time is kept
  ``ttl`` seconds (``SimConfig.idempotency_ttl``, 60) after it was given; the final answer
  of an operation that was answered ``OutcomeUnknown`` is kept ``outcome_ttl`` seconds
  (``SimConfig.outcome_ttl``, 3600) after the operation finished; a ``TAKEN`` key stays
  taken ``outcome_ttl`` seconds after the ``OutcomeUnknown`` answer;
* a key is released (forgotten at once, so a repeat executes the operation) when its
  operation did not change anything: a read that answered ``Timeout``, a write that turned
  out not applied, or a call refused with ``Busy`` (which never takes the key).
"""

from __future__ import annotations

import enum
import hashlib
import heapq
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import orjson

from desktop.simulator.rest.pipeline.envelope import REQUEST_TIMEOUT_QUERY, ApiFailure

IDEMPOTENCY_HEADER = "Idempotency-Key"
_MAX_KEY = 255
_MAX_ENTRIES = 100_000


class KeyReused(Exception):
    """The key was already used for a different request."""


class KeyState(enum.Enum):
    """Where the operation of a key stands."""

    RUNNING = "running"
    ANSWERED = "answered"
    TAKEN = "taken"


@dataclass
class StoredAnswer:
    """What the store holds for one key.

    Attributes:
        fingerprint: Digest of the request that took the key.
        state: Running, answered or taken.
        body: Final envelope bytes (ANSWERED only).
        headers: Response headers to send again (ANSWERED only).
        stored_at: Monotonic time of the last state change.
        expires_at: Monotonic time the key is forgotten (infinite while RUNNING).
        serial: Version of the entry (stale heap items are skipped).
    """

    fingerprint: bytes
    state: KeyState
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stored_at: float = 0.0
    expires_at: float = math.inf
    serial: int = 0


def validate_key(raw: str | None) -> str | None:
    """Check an ``Idempotency-Key`` header value.

    Args:
        raw: Header value, or None when absent.

    Returns:
        The key, or None when absent.

    Raises:
        ApiFailure: Empty, longer than 255 or not printable ASCII (``Validation``).
    """
    if raw is None:
        return None
    if not raw.strip() or len(raw) > _MAX_KEY or not all(" " <= ch <= "~" for ch in raw):
        raise ApiFailure.validation("Idempotency-Key must be 1-255 printable ASCII characters")
    return raw


def fingerprint(method: str, path: str, query: Iterable[tuple[str, str]], body: bytes) -> bytes:
    """Digest what makes two requests "the same" for idempotency.

    Args:
        method: HTTP method.
        path: Request path (compared case-insensitively, like the routes).
        query: Query items; ``requestTimeout`` is ignored.
        body: Raw body; JSON bodies are compared by value, not by bytes.

    Returns:
        A SHA-256 digest.
    """
    items = sorted((k, v) for k, v in query if k.lower() != REQUEST_TIMEOUT_QUERY.lower())
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS) if body else b""
    except orjson.JSONDecodeError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper(), path.lower().rstrip("/"), repr(items)):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(canonical)
    return digest.digest()


class IdempotencyStore:
    """Key states under (client, key), each forgotten when its window ends.

    Attributes:
        ttl: Seconds an answer given in time is kept.
        outcome_ttl: Seconds a key is kept after an ``OutcomeUnknown`` operation finished.
        clock: Monotonic time source (replace it in tests to skip an hour).

    Args:
        ttl: See above.
        clock: See above.
        outcome_ttl: See above.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, outcome_ttl: float = 3600.0) -> None:
        self.ttl = ttl
        self.outcome_ttl = outcome_ttl
        self.clock = clock
        self._entries: dict[tuple[str, str], StoredAnswer] = {}
        self._deadlines: list[tuple[float, int, str, str]] = []
        self._serial = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, client: str, key: str, request_print: bytes) -> StoredAnswer | None:
        """Find the entry of a key.

        Args:
            client: OAuth2 client id (keys are per client).
            key: The idempotency key.
            request_print: Fingerprint of the current request.

        Returns:
            The entry, or None when the key is free (new, released or expired).

        Raises:
            KeyReused: The key belongs to a different request.
        """
        self._expire()
        stored = self._entries.get((client, key))
        if stored is None:
            return None
        if stored.fingerprint != request_print:
            raise KeyReused(key)
        return stored

    def reserve(self, client: str, key: str, request_print: bytes) -> None:
        """Take a free key for an operation that starts now (state RUNNING).

        Args:
            client: OAuth2 client id.
            key: The idempotency key.
            request_print: Fingerprint of the request.
        """
        self._put(client, key, StoredAnswer(request_print, KeyState.RUNNING), math.inf)

    def store(
        self, client: str, key: str, request_print: bytes, body: bytes, headers: dict[str, str], *, late: bool = False
    ) -> None:
        """Keep the final answer of a key for replay.

        Args:
            client: OAuth2 client id.
            key: The idempotency key.
            request_print: Fingerprint of the request.
            body: Envelope bytes.
            headers: Headers to replay.
            late: The client was answered ``OutcomeUnknown`` first (keep ``outcome_ttl``).
        """
        entry = StoredAnswer(request_print, KeyState.ANSWERED, body, dict(headers))
        self._put(client, key, entry, self.outcome_ttl if late else self.ttl)

    def take(self, client: str, key: str, request_print: bytes) -> None:
        """Mark a key whose outcome will never be known (kept taken ``outcome_ttl`` seconds).

        Args:
            client: OAuth2 client id.
            key: The idempotency key.
            request_print: Fingerprint of the request.
        """
        self._put(client, key, StoredAnswer(request_print, KeyState.TAKEN), self.outcome_ttl)

    def release(self, client: str, key: str) -> None:
        """Forget a key at once (its operation changed nothing).

        Args:
            client: OAuth2 client id.
            key: The idempotency key.
        """
        self._entries.pop((client, key), None)

    def clear(self) -> None:
        """Forget every key."""
        self._entries.clear()
        self._deadlines.clear()

    def _put(self, client: str, key: str, entry: StoredAnswer, ttl: float) -> None:
        now = self.clock()
        self._serial += 1
        entry.serial, entry.stored_at, entry.expires_at = self._serial, now, now + ttl
        self._entries[(client, key)] = entry
        if math.isfinite(entry.expires_at):
            heapq.heappush(self._deadlines, (entry.expires_at, entry.serial, client, key))
        while len(self._entries) > _MAX_ENTRIES and self._deadlines:
            self._pop_deadline()

    def _expire(self) -> None:
        now = self.clock()
        while self._deadlines and self._deadlines[0][0] <= now:
            self._pop_deadline()

    def _pop_deadline(self) -> None:
        _, serial, client, key = heapq.heappop(self._deadlines)
        entry = self._entries.get((client, key))
        if entry is not None and entry.serial == serial:
            del self._entries[(client, key)]

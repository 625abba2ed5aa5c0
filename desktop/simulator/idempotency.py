"""``Idempotency-Key`` handling: key validation, request fingerprints and the answer store.

Imports: stdlib, orjson and ``desktop.simulator.envelope``. Used by ``rest_v2``.

Rules (contract §2.1, §6 and §7.17 resolved):

* a key is 1-255 printable ASCII characters; anything else is a ``Validation`` error;
* keys are scoped per OAuth2 client; the first answer (success or endpoint error) is stored
  with its headers and replayed byte for byte, without running the operation again;
* the same key with a different request (method, path, query or JSON body; the
  ``requestTimeout`` parameter and headers do not count) is a ``Validation`` error;
* answers are kept for ``SimConfig.idempotency_ttl`` seconds (default 60) after they
  were stored. Operations here finish at once, so ``in-progress`` never arises.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import orjson

from desktop.simulator.envelope import REQUEST_TIMEOUT_QUERY, ApiFailure

IDEMPOTENCY_HEADER = "Idempotency-Key"
_MAX_KEY = 255
_MAX_ENTRIES = 100_000


class KeyReused(Exception):
    """The key was already used for a different request."""


@dataclass(frozen=True)
class StoredAnswer:
    """An answer kept for replay.

    Attributes:
        fingerprint: Digest of the request that produced it.
        body: Envelope bytes.
        headers: Response headers to send again.
        stored_at: Monotonic time it was stored.
    """

    fingerprint: bytes
    body: bytes
    headers: dict[str, str]
    stored_at: float


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
    """Answers stored under (client, key), expiring after ``ttl`` seconds.

    Args:
        ttl: Seconds an answer is kept.
        clock: Monotonic time source.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._answers: OrderedDict[tuple[str, str], StoredAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def lookup(self, client: str, key: str, request_print: bytes) -> StoredAnswer | None:
        """Find the stored answer for a key.

        Args:
            client: OAuth2 client id (keys are per client).
            key: The idempotency key.
            request_print: Fingerprint of the current request.

        Returns:
            The stored answer, or None when the key is new (or expired).

        Raises:
            KeyReused: The key belongs to a different request.
        """
        self._expire()
        stored = self._answers.get((client, key))
        if stored is None:
            return None
        if stored.fingerprint != request_print:
            raise KeyReused(key)
        return stored

    def store(self, client: str, key: str, request_print: bytes, body: bytes, headers: dict[str, str]) -> None:
        """Keep an answer for replay.

        Args:
            client: OAuth2 client id.
            key: The idempotency key.
            request_print: Fingerprint of the request.
            body: Envelope bytes.
            headers: Headers to replay.
        """
        self._answers[(client, key)] = StoredAnswer(request_print, body, dict(headers), self._clock())
        while len(self._answers) > _MAX_ENTRIES:
            self._answers.popitem(last=False)

    def clear(self) -> None:
        """Forget every key."""
        self._answers.clear()

    def _expire(self) -> None:
        limit = self._clock() - self._ttl
        while self._answers:
            oldest = next(iter(self._answers.values()))
            if oldest.stored_at > limit:
                break
            self._answers.popitem(last=False)

"""Secrets never reach the log: a filter on the root handlers rewrites every record.

What is replaced, in the formatted message (the arguments are merged into it first), the
exception text and the stack text of every record, at every level and from every logger
(the app's and httpx, httpcore, websockets, pysignalr, aiohttp alike):

* JSON Web Tokens (``eyJ…`` in three or five base64url parts, or any three long ones);
* ``Bearer <token>``, ``SimControl <token>`` and whatever follows ``Authorization:``;
* the values of ``access_token``, ``refresh_token``, ``id_token`` and ``client_secret`` in
  query strings, form bodies, JSON and Python reprs;
* each secret string registered with :func:`register_secret` (the client secret, the demo
  simulator's control token), wherever it appears.

The filter sits on handlers, not loggers: a logger's filter never sees its children's records,
a handler's sees every record it is about to write. :func:`install` puts it on the root
logger's handlers (call it after ``logging.basicConfig``).

Imports: the standard library only.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "<redacted>"
MIN_SECRET_LEN = 4
"""Shorter strings are not registered: replacing them everywhere would shred the log."""

_B64 = r"[A-Za-z0-9_-]"
_KEYS = r"access_token|refresh_token|id_token|client_secret"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JSON or a Python dict: "client_secret": "…" / 'access_token': '…'
    (re.compile(rf"""(?P<k>(["'])(?:{_KEYS})\2\s*:\s*)(["'])(?:\\.|(?!\3).)*\3"""), rf"\g<k>\3{MASK}\3"),
    # A query string, a form body or a repr: client_secret=… / access_token='…'
    (re.compile(rf"""(?P<k>\b(?:{_KEYS})=)(?:'[^']*'|"[^"]*"|[^&\s'"]+)"""), rf"\g<k>{MASK}"),
    # A header, whatever its scheme: Authorization: Basic …, (b'authorization', b'Bearer …')
    (re.compile(r"""(?P<k>(?i:authorization)['"]?\s*[:,=]\s*b?['"]?)[^\s'"]+(?:\s+[^\s'",)]+)?"""), rf"\g<k>{MASK}"),
    (re.compile(r"\b(?P<k>[Bb]earer|SimControl)\s+[^\s'\",;)]+"), r"\g<k> ***"),
    (re.compile(rf"eyJ{_B64}*\.{_B64}*\.{_B64}*(?:\.{_B64}+){{0,2}}"), MASK),
    (re.compile(rf"{_B64}{{16,}}\.{_B64}{{16,}}\.{_B64}{{16,}}"), MASK),
)


class Redactor(logging.Filter):
    """Rewrites records so that no token or registered secret is written; never drops one."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self._formatter = logging.Formatter()

    def register(self, secret: str | None) -> None:
        """Replace ``secret`` literally from now on (``None``, empty and very short ones are ignored)."""
        if secret is None or len(secret) < MIN_SECRET_LEN:
            return
        with self._lock:
            if secret not in self._secrets:
                # Longest first, so a secret containing another is replaced whole.
                self._secrets = tuple(sorted((*self._secrets, secret), key=len, reverse=True))

    def redact(self, text: str) -> str:
        """``text`` with every known secret and every token-shaped string replaced."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Merge the arguments into the message and redact it, the exception and the stack."""
        record.msg = self.redact(_message(record))
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse a cached exc_text: fill it here so only the redacted one is written.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record must still be written, and redacted
        return f"{record.msg!s} {record.args!r}"


REDACTOR = Redactor()
"""The process's redactor: :func:`install` attaches it, :func:`register_secret` feeds it."""


def register_secret(secret: str | None) -> None:
    """Never write ``secret`` to the log (see :meth:`Redactor.register`)."""
    REDACTOR.register(secret)


def redact(text: str) -> str:
    """``text`` as the log would show it: for messages written elsewhere (stderr, dialogs)."""
    return REDACTOR.redact(text)


def install(logger: logging.Logger | None = None, redactor: Redactor = REDACTOR) -> None:
    """Attach ``redactor`` to every handler of ``logger`` (default: the root logger), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if redactor not in handler.filters:
            handler.addFilter(redactor)

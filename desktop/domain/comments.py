"""Trade comments: what MT4 really stores, and the operation reference carried inside them.

What the trade server keeps. MT4's ``TradeRecord.comment`` and ``TradeTransInfo.comment``
are ``char[32]``: a NUL-terminated string in the server's single-byte ANSI code page, so at
most **31 bytes** survive. The WebAPI converts the JSON text to that code page; a character
outside it is replaced or dropped, and which code page a server uses is not published. The
only text that is stored exactly as reviewed, on every server, is printable ASCII. So a
comment is limited to :data:`COMMENT_STORED_CHARS` printable ASCII characters, and anything
else is refused with a message instead of being changed behind the operator's back.

The reference. Every write carries a short reference derived from its idempotency key
(:func:`reference_for`): ``DD`` and eight Crockford base-32 characters of the key's SHA-256,
e.g. ``DD7K3M9X2Q``. It is written at the end of the comment, after one space
(:func:`comment_with_reference`), so the operation is recognisable in the server's own
history (``TradesUserHistory``) long after the server has forgotten the idempotency key.
The operator's own text keeps :data:`OPERATOR_COMMENT_MAX` characters, which leaves room
for the reference inside the 31 stored characters. 40 bits make two operations of one
account with the same reference vanishingly unlikely, and a history record only counts as
the operation when the account, the command and the amount match too.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import hashlib

from desktop.domain.errors import InvalidInput

COMMENT_STORED_CHARS = 31
"""Characters of a trade comment MT4 stores: ``char[32]`` less the terminating NUL."""

REFERENCE_PREFIX = "DD"
REFERENCE_CHARS = len(REFERENCE_PREFIX) + 8
"""Length of a reference such as ``DD7K3M9X2Q``."""

OPERATOR_COMMENT_MAX = COMMENT_STORED_CHARS - REFERENCE_CHARS - 1
"""What is left for the operator's own text: 20 characters (one space separates the reference)."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_for(key: str) -> str:
    """The short reference of the operation with idempotency key ``key`` (always the same)."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:5], "big")
    chars = [_CROCKFORD[(number >> shift) & 31] for shift in range(35, -1, -5)]
    return REFERENCE_PREFIX + "".join(chars)


def check_operator_comment(text: str) -> str:
    """Return the operator's comment, trimmed, or say why MT4 would not store it as typed.

    Raises:
        InvalidInput: longer than :data:`OPERATOR_COMMENT_MAX`, or a character that is not
            printable ASCII (accents, other scripts, emoji, control characters).
    """
    comment = text.strip()
    odd = sorted({ch for ch in comment if not " " <= ch <= "~"})
    if odd:
        shown = ", ".join(repr(ch) for ch in odd[:3])
        raise InvalidInput(
            f"The comment has characters MT4 cannot store exactly ({shown}): use Latin letters, digits and punctuation."
        )
    if len(comment) > OPERATOR_COMMENT_MAX:
        raise InvalidInput(
            f"The comment has {len(comment)} characters; {OPERATOR_COMMENT_MAX} fit beside the operation's reference."
        )
    return comment


def comment_with_reference(text: str, reference: str) -> str:
    """The comment exactly as sent: the operator's text, a space and the reference."""
    comment = f"{text} {reference}" if text else reference
    if len(comment) > COMMENT_STORED_CHARS:
        raise InvalidInput(f"The comment with its reference is {len(comment)} characters; MT4 stores 31.")
    return comment


def operator_text(comment: str, reference: str) -> str:
    """The operator's part of a comment that ends with ``reference``."""
    if comment == reference:
        return ""
    suffix = " " + reference
    return comment[: -len(suffix)] if comment.endswith(suffix) else comment


def carries_reference(comment: str, reference: str) -> bool:
    """True when a stored comment ends with ``reference`` as its own word."""
    stored = comment.rstrip()
    return stored == reference or stored.endswith(" " + reference)

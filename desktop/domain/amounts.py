"""Parsing and checking of money amounts and comments typed by an operator.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from desktop.domain.errors import InvalidInput

COMMENT_MAX_CHARS = 32
"""MT4 keeps 32 characters of a trade comment (TradeRecord.comment[32])."""

DEFAULT_MAX_AMOUNT = Decimal("1000000.00")


def parse_amount(text: str, maximum: Decimal = DEFAULT_MAX_AMOUNT) -> Decimal:
    """Turn what the operator typed into a positive amount with at most two decimals.

    Accepts ``1234.5``, ``1,234.50`` and ``1 234.50``; rejects empty text, zero, negative
    numbers, NaN and infinities, more than two decimals and anything above ``maximum``.

    Raises:
        InvalidInput: with a message that says what is wrong.
    """
    cleaned = text.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise InvalidInput("Enter an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"'{text.strip()}' is not a number.") from None
    if not value.is_finite():
        raise InvalidInput(f"'{text.strip()}' is not a number.")
    if value <= 0:
        raise InvalidInput("The amount must be greater than zero; choose the direction with the operation.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInput("Use at most two decimals (cents).")
    if value > maximum:
        raise InvalidInput(f"The amount is above the limit of {maximum:,.2f} for one operation.")
    return value.quantize(Decimal("0.01"))


def check_comment(text: str) -> str:
    """Return the trimmed comment, or raise if MT4 would cut it.

    Raises:
        InvalidInput: when the comment is longer than 32 characters or not printable.
    """
    comment = text.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise InvalidInput(f"The comment has {len(comment)} characters; MT4 keeps {COMMENT_MAX_CHARS}.")
    if not comment.isprintable():
        raise InvalidInput("The comment has characters that cannot be stored.")
    return comment

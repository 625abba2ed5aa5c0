"""Parsing of money amounts and account logins typed by an operator.

One grammar, strict on purpose: a typed amount either means exactly one value or is
refused with a message that says how to write it. ``1,50`` is not guessed to be one and a
half (nor a hundred and fifty): it is refused, because the two readings differ a
hundredfold.

An amount is ASCII digits, optionally grouped in thousands by ``,`` in valid groups of
three (``1,234,567``), optionally followed by ``.`` and one or two decimals. Nothing else:
no exponent, no underscore, no other script's digits, no sign (the direction is the
operation's), no spaces inside.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import re
from decimal import Decimal

from desktop.domain.errors import InvalidInput

DEFAULT_MAX_AMOUNT = Decimal("1000000.00")

LOGIN_MAX = 2_147_483_647
"""The largest MT4 login: logins are signed 32-bit integers on the trade server."""

_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def parse_amount(text: str, maximum: Decimal = DEFAULT_MAX_AMOUNT) -> Decimal:
    """Turn what the operator typed into a positive amount with two decimals.

    Accepts ``1234.5``, ``1234.50`` and ``1,234.50``. Refuses, each with its reason: empty
    text, ``1,50`` ("use . for decimals"), misplaced separators, signs, exponents,
    underscores, spaces inside, digits of other scripts, more than two decimals, zero, and
    anything above ``maximum``.

    Raises:
        InvalidInput: with a message that says what is wrong.
    """
    value = parse_decimal(text)
    if value <= 0:
        raise InvalidInput("The amount must be greater than zero.")
    if value > maximum:
        raise InvalidInput(f"The amount is above the limit of {maximum:,.2f} for one operation.")
    return value


def parse_decimal(text: str) -> Decimal:
    """What the operator typed, read by the amount grammar alone: zero allowed, no limit.

    The one reading of typed figures that :func:`parse_amount` narrows to an operation's
    amount, and that filter bounds use as it is.

    Raises:
        InvalidInput: empty text, or text that is not one amount (with its reason).
    """
    typed = text.strip()
    if not typed:
        raise InvalidInput("Enter an amount.")
    if _AMOUNT.fullmatch(typed) is None:
        raise InvalidInput(_amount_problem(typed))
    return Decimal(typed.replace(",", "")).quantize(Decimal("0.01"))


def _amount_problem(typed: str) -> str:
    """Why ``typed`` is not an amount, in the operator's terms."""
    if any(not ch.isascii() for ch in typed):
        return f"'{typed}' has characters other than the digits 0-9: type the amount with 0-9 and '.'."
    if typed[0] in "+-":
        return "Type the amount without a sign; the operation says which way the money goes."
    if _DECIMAL_COMMA.fullmatch(typed):
        whole, cents = typed.split(",")
        return f"'{typed}': use . for decimals ({whole}.{cents.ljust(2, '0')}); ',' only separates thousands."
    if "e" in typed.lower() and any(ch.isdigit() for ch in typed):
        return f"'{typed}': write the amount in full, without an exponent."
    if "_" in typed or " " in typed or "\t" in typed:
        return f"'{typed}': remove the spaces and underscores between digits."
    fraction = typed.partition(".")[2]
    if _DIGITS.fullmatch(fraction) and len(fraction) > 2 and typed.count(".") == 1:
        return "Use at most two decimals (cents)."
    if "," in typed:
        return f"'{typed}': ',' separates thousands in groups of three (1,234,567.00), and '.' starts the decimals."
    return f"'{typed}' is not an amount: type digits, with '.' before the cents (1234.50)."


def parse_login(text: str) -> int:
    """An account login typed by the operator: a positive integer within MT4's range, never cut.

    Raises:
        InvalidInput: empty, not ASCII digits, zero, or above :data:`LOGIN_MAX`.
    """
    typed = text.strip()
    if not typed:
        raise InvalidInput("Enter the account login.")
    if _DIGITS.fullmatch(typed) is None:
        raise InvalidInput(f"'{typed}' is not a login: a login is a whole number, digits 0-9 only.")
    login = int(typed)
    if login < 1:
        raise InvalidInput("A login is 1 or more.")
    if login > LOGIN_MAX:
        raise InvalidInput(f"{typed} is above the largest MT4 login ({LOGIN_MAX}).")
    return login

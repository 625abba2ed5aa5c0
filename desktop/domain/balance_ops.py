"""The balance operation type: deposit, withdrawal, credit in and credit out as an :class:`Operation`.

MT4 carries all four as one ``TradeTransaction`` (``BrBalance``) with command ``Balance``
or ``Credit``; ``price`` is the signed amount. The server's history record of it has the
same command and the signed amount as ``profit``.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.comments import comment_with_reference, reference_for
from desktop.domain.margin_impact import margin_impact
from desktop.domain.models import Account, BalanceKind, BalanceOperation, GroupLevels
from desktop.domain.operations import Expectation, Operation, Review

ENDPOINT = "TradeTransaction"


def balance_type(kind: BalanceKind) -> str:
    """The operation type name, e.g. ``balance.credit_in``."""
    return f"balance.{kind.value}"


def balance_write(balance: BalanceOperation, *, supersedes: str | None = None) -> Operation:
    """The write that carries ``balance``: its exact ``TradeTransaction`` body and expectation.

    ``balance.comment`` is the operator's own text (already checked); the reference of the
    key is appended to it.
    """
    kind = balance.kind
    signed = balance.signed_amount
    body = {
        "tradeTransactionType": "BrBalance",
        "tradeCommand": kind.trade_command,
        "orderBy": balance.login,
        "price": float(signed),
        "comment": comment_with_reference(balance.comment, reference_for(balance.idempotency_key)),
    }
    return Operation(
        key=balance.idempotency_key,
        type=balance_type(kind),
        login=balance.login,
        endpoint=ENDPOINT,
        body=body,
        summary=f"{kind.label} {signed:+,.2f} on {balance.login}",
        expect=Expectation(balance.login, kind.trade_command, signed),
        supersedes=supersedes,
    )


def balance_kind(operation: Operation) -> BalanceKind:
    """The kind of a balance operation, from its type name.

    Raises:
        ValueError: ``operation`` is not a balance operation.
    """
    prefix, _, name = operation.type.partition(".")
    if prefix != "balance":
        raise ValueError(f"{operation.type} is not a balance operation")
    return BalanceKind(name)


def balance_review(operation: Operation, account: Account | None, levels: GroupLevels | None = None) -> Review:
    """Before and after of the figures a balance operation moves, with the warnings the operator must see.

    ``levels`` are the account's group's margin-call and stop-out levels, when known.
    """
    kind = balance_kind(operation)
    credit = kind.trade_command == "Credit"
    figure = "Credit" if credit else "Balance"
    if account is None:
        return Review(operation, figure, None, None, (unlisted_login_text(operation.login),))
    signed = operation.expect.amount or Decimal(0)
    before = account.credit if credit else account.balance
    impact = margin_impact(kind, signed, account, levels)
    effects = (
        ("Free margin", impact.free_before, impact.free_after),
        ("Margin level", impact.level_before, impact.level_after),
    )
    warnings = _warnings(kind, abs(signed), account) + impact.warnings
    return Review(operation, figure, before, before + signed, warnings, effects)


def unlisted_login_text(login: int) -> str:
    """Said of a login that is not in the account list: the server will check it."""
    return f"Login {login} is not in the account list; the trade server will refuse it if it does not exist."


def _warnings(kind: BalanceKind, amount: Decimal, account: Account) -> tuple[str, ...]:
    if kind == BalanceKind.WITHDRAWAL and amount > account.free_margin:
        return (
            f"This is more than the free margin ({account.free_margin:,.2f}). "
            "The server will most likely refuse it (TradeNoMoney).",
        )
    if kind == BalanceKind.CREDIT_OUT and amount > account.credit:
        return (f"This is more than the account's credit ({account.credit:,.2f}).",)
    return ()

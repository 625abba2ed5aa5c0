"""The words of the balance dialog: review lines, receipts, refusals and unknown outcomes.

Pure functions from domain objects to text, so the wording can be tested without widgets.

Imports: the standard library, desktop.domain, desktop.ui.theme and desktop.ui.models.columns.
"""

from __future__ import annotations

from html import escape

from desktop.domain.errors import ApiFailure, AuthFailed, DesktopError, InvalidInput, ServerUnreachable
from desktop.domain.models import Account, BalanceKind, BalanceOperation, BalanceReceipt
from desktop.ui import theme
from desktop.ui.models.columns import NO_VALUE, format_money, format_signed_money

ARROW = "\u2192"

_EXPLANATIONS = {
    "TradeNoMoney": "Not enough money: the amount is more than the account's free margin. Nothing was applied.",
    "NotFound": "The server has no account with this login. Nothing was applied.",
    "InvalidAccount": "The server rejected the account. Nothing was applied.",
    "Validation": "The server rejected the request as invalid. Nothing was applied.",
    "Unauthorized": "The API credentials are not allowed to do this. Nothing was applied.",
    "Forbidden": "The API credentials are not allowed to do this. Nothing was applied.",
}


def definitely_not_applied(error: DesktopError) -> bool:
    """True only for a clear refusal; anything else (no answer, a bug) may have been applied."""
    if isinstance(error, ApiFailure):
        return not error.outcome_unknown
    return isinstance(error, AuthFailed | InvalidInput)


def review_texts(operation: BalanceOperation, account: Account | None) -> tuple[dict[str, str], str]:
    """The review page's values by field name, and a warning ('' when there is none)."""
    kind = operation.kind
    credit = kind.trade_command == "Credit"
    texts = {
        "operation": f"{kind.label}  ({kind.trade_command.lower()} {'in' if kind.sign > 0 else 'out'})",
        "account": _account_line(operation.login, account),
        "amount": format_signed_money(operation.signed_amount),
        "comment": operation.comment or "(no comment)",
        "before_after": _effect(operation, account, credit),
        "key": operation.idempotency_key,
    }
    return texts, _warning(operation, account)


def _account_line(login: int, account: Account | None) -> str:
    if account is None:
        return str(login)
    return f"{login} \u2014 {account.name}  ({account.group})"


def _effect(operation: BalanceOperation, account: Account | None, credit: bool) -> str:
    if account is None:
        return "Account figures unknown"
    name, now = ("Credit", account.credit) if credit else ("Balance", account.balance)
    after = now + operation.signed_amount
    return f"{name}  {format_money(now)}  {ARROW}  {format_money(after)}"


def unlisted_login_text(login: int) -> str:
    """Said of a login that is not in the account list: the server will check it."""
    return f"Login {login} is not in the account list; the trade server will refuse it if it does not exist."


def _warning(operation: BalanceOperation, account: Account | None) -> str:
    if account is None:
        return unlisted_login_text(operation.login)
    if operation.kind == BalanceKind.WITHDRAWAL and operation.amount > account.free_margin:
        return (
            f"This is more than the free margin ({format_money(account.free_margin)}). "
            "The server will most likely refuse it (TradeNoMoney)."
        )
    if operation.kind == BalanceKind.CREDIT_OUT and operation.amount > account.credit:
        return f"This is more than the account's credit ({format_money(account.credit)})."
    return ""


def receipt_details(receipt: BalanceReceipt) -> str:
    """Rich text: ticket, activity id, time and the account's figures after the operation."""
    op = receipt.operation
    lines = [
        ("Ticket", str(receipt.ticket)),
        ("Amount", format_signed_money(op.signed_amount)),
        ("Activity id", receipt.activity_id or NO_VALUE),
        ("Time (UTC)", f"{receipt.at:%Y-%m-%d %H:%M:%S}"),
    ]
    account = receipt.account
    if account is None:
        lines.append(("New balance", "not re-read yet; the grid shows it after the next refresh"))
    else:
        lines += [
            ("New balance", format_money(account.balance)),
            ("Credit", format_money(account.credit)),
            ("Free margin", format_money(account.free_margin)),
        ]
    return _table(lines)


def failure_details(error: DesktopError, operation: BalanceOperation | None) -> str:
    """Rich text: the server's message and references, and the operation concerned."""
    lines = [("Server says", str(error) if not isinstance(error, ApiFailure) else error.message or NO_VALUE)]
    if isinstance(error, ApiFailure):
        code = error.code if error.manager_code is None else f"{error.code} / {error.manager_code}"
        lines += [("Code", code), ("Activity id", error.activity_id or NO_VALUE)]
        if error.outcome:
            lines.append(("Outcome", error.outcome))
    elif isinstance(error, ServerUnreachable):
        lines.append(("Code", "no answer from the server"))
    if operation is not None:
        lines += [
            (
                "Operation",
                f"{operation.kind.label} {format_signed_money(operation.signed_amount)} on {operation.login}",
            ),
            ("Idempotency key", operation.idempotency_key),
        ]
    return _table(lines)


def refusal_text(error: DesktopError) -> str:
    """One plain sentence on why a refused operation was refused."""
    if isinstance(error, ApiFailure):
        for key in (str(error.manager_code), error.code):
            if key in _EXPLANATIONS:
                return _EXPLANATIONS[key]
    return "The server refused the operation. Nothing was applied."


def outcome_unknown_text() -> str:
    """What the operator must know when the server did not confirm either way."""
    return (
        "The server did not confirm the result: the operation may or may not have been applied. "
        "Check the account's balance before anything else, or send it again. Sending again is "
        "safe: it carries the same idempotency key, so the server applies it at most once."
    )


def _table(lines: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><td style='color:{theme.TEXT_DIM.name()}; padding-right:14px'>{escape(caption)}</td>"
        f"<td>{escape(value)}</td></tr>"
        for caption, value in lines
    )
    return f"<table cellspacing='2'>{rows}</table>"

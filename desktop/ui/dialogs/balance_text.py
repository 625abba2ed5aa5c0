"""The words of the balance dialog: review lines, results, refusals, unknown outcomes.

Pure functions from domain objects to text, so the wording can be tested without widgets.

Imports: the standard library, desktop.domain, desktop.ui.theme and desktop.ui.models.columns.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from desktop.domain.balance_ops import balance_kind
from desktop.domain.errors import DesktopError
from desktop.domain.models import Account
from desktop.domain.operations import Operation, Outcome, Review
from desktop.ui import theme
from desktop.ui.models.columns import NO_VALUE, format_money, format_percent, format_signed_money

ARROW = "\u2192"

_EXPLANATIONS = {
    "TradeNoMoney": "Not enough money: the amount is more than the account's free margin. Nothing was applied.",
    "NotFound": "The server has no account with this login. Nothing was applied.",
    "InvalidAccount": "The server rejected the account. Nothing was applied.",
    "Validation": "The server rejected the request as invalid. Nothing was applied.",
    "Unauthorized": "The API credentials are not allowed to do this. Nothing was applied.",
    "Forbidden": "The API credentials are not allowed to do this. Nothing was applied.",
}


def review_texts(review: Review, account: Account | None) -> tuple[dict[str, str], str]:
    """The review page's values by field name, and the warnings ('' when there are none)."""
    operation = review.operation
    kind = balance_kind(operation)
    signed = operation.expect.amount
    texts = {
        "operation": f"{kind.label}  ({kind.trade_command.lower()} {'in' if kind.sign > 0 else 'out'})",
        "account": _account_line(operation.login, account),
        "amount": format_signed_money(signed) if signed is not None else NO_VALUE,
        "comment": operation.comment,
        "before_after": _effect(review),
        "margin": _margin_effects(review),
        "reference": operation.reference,
        "key": operation.key if not operation.supersedes else f"{operation.key}  (replaces {operation.supersedes})",
        "request": request_text(operation),
    }
    return texts, " ".join(review.warnings)


def request_text(operation: Operation) -> str:
    """The body exactly as it goes out, one line of JSON."""
    return f"{operation.endpoint} " + json.dumps(dict(operation.body), ensure_ascii=True, separators=(", ", ": "))


def _account_line(login: int, account: Account | None) -> str:
    if account is None:
        return str(login)
    return f"{login} \u2014 {account.name}  ({account.group})"


def _effect(review: Review) -> str:
    if review.before is None or review.after is None:
        return "Account figures unknown"
    return f"{review.figure}  {format_money(review.before)}  {ARROW}  {format_money(review.after)}"


def _margin_effects(review: Review) -> str:
    """``Free margin 4,991.37 → 3,991.37``, then the margin level (``—`` without open positions)."""
    if not review.effects:
        return NO_VALUE
    lines = []
    for name, before, after in review.effects:
        if name == "Margin level":
            lines.append(f"{name}  {format_percent(before)}  {ARROW}  {format_percent(after)}")
        else:
            shown = (format_money(v) if v is not None else NO_VALUE for v in (before, after))
            lines.append(f"{name}  {f'  {ARROW}  '.join(shown)}")
    return "\n".join(lines)


def done_heading(operation: Operation) -> str:
    """E.g. ``Done: deposit of 250.00 on 100136``."""
    amount = operation.expect.amount
    shown = format_money(abs(amount)) if amount is not None else ""
    return f"Done: {balance_kind(operation).label.lower()} of {shown} on {operation.login}"


def applied_details(outcome: Outcome, operation: Operation, account: Account | None, at: datetime) -> str:
    """Rich text: ticket, activity id, time and the account's figures after the operation."""
    lines = [
        ("Ticket", str(outcome.ticket) if outcome.ticket else NO_VALUE),
        ("Amount", _amount(operation)),
        ("Activity id", outcome.activity_id or NO_VALUE),
        ("Time (UTC)", f"{at:%Y-%m-%d %H:%M:%S}"),
        ("Reference", operation.reference),
    ]
    if outcome.via == "history":
        lines.append(("Found", "in the account's history on the server"))
    if account is None:
        lines.append(("New balance", "not re-read yet; the grid shows it after the next refresh"))
    else:
        lines += [
            ("New balance", format_money(account.balance)),
            ("Credit", format_money(account.credit)),
            ("Free margin", format_money(account.free_margin)),
        ]
    return table(lines)


def outcome_details(outcome: Outcome, operation: Operation) -> str:
    """Rich text: the server's message and references, and the operation concerned."""
    lines = [("Server says", outcome.message or NO_VALUE)]
    if outcome.code:
        code = outcome.code if outcome.manager_code is None else f"{outcome.code} / {outcome.manager_code}"
        lines.append(("Code", code))
    if outcome.activity_id:
        lines.append(("Activity id", outcome.activity_id))
    lines += [
        ("Operation", f"{operation.summary}"),
        ("Reference", operation.reference),
        ("Idempotency key", operation.key),
    ]
    return table(lines)


def error_details(error: DesktopError, operation: Operation | None) -> str:
    """Rich text for an error raised before or around sending (journal, a bug)."""
    lines = [("Problem", str(error))]
    if operation is not None:
        lines += [("Operation", operation.summary), ("Idempotency key", operation.key)]
    return table(lines)


def refusal_text(outcome: Outcome) -> str:
    """One plain sentence on why a refused operation was refused."""
    for key in (str(outcome.manager_code), str(outcome.code)):
        if key in _EXPLANATIONS:
            return _EXPLANATIONS[key]
    return "The server refused the operation. Nothing was applied."


def unknown_text(outcome: Outcome) -> str:
    """What the operator must know when neither the server nor its history settled it."""
    return (
        f"{outcome.message} Do not enter it again as a new operation. \u201cCheck again\u201d asks the server: "
        "with the same key while the server still holds it, and in the account's history after that, "
        "so it never applies the operation twice."
    )


def not_applied_text(outcome: Outcome) -> str:
    """Said of an operation the server's history proves absent."""
    return outcome.message or "The server's history shows that this operation was not applied."


def _amount(operation: Operation) -> str:
    amount = operation.expect.amount
    return format_signed_money(amount) if amount is not None else NO_VALUE


def table(lines: list[tuple[str, str]]) -> str:
    """Caption/value lines as a two-column rich-text table."""
    rows = "".join(
        f"<tr><td style='color:{theme.TEXT_DIM.name()}; padding-right:14px'>{escape(caption)}</td>"
        f"<td>{escape(value)}</td></tr>"
        for caption, value in lines
    )
    return f"<table cellspacing='2'>{rows}</table>"

"""What a balance operation does to an account's margin: free margin and margin level after it.

Balance and credit both move equity by the signed amount; the margin in use stays as it is,
so free margin moves by the same amount and the margin level is ``equity / margin``. A
withdrawal or a credit out that would take the account under its group's margin-call or
stop-out level is warned about; the server's own check ("no money") still decides.

Levels in percent compare with the margin level, levels in money with equity (MT4's two
margin controlling types). An account without open positions uses no margin and cannot be
called, so it gets no margin warning.

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.models import Account, BalanceKind, GroupLevels

CENT = Decimal("0.01")


@dataclass(frozen=True)
class MarginImpact:
    """Free margin and margin level before and after; the warnings about the levels."""

    free_before: Decimal
    free_after: Decimal
    level_before: Decimal | None
    level_after: Decimal | None
    warnings: tuple[str, ...] = ()


def margin_impact(kind: BalanceKind, signed: Decimal, account: Account, levels: GroupLevels | None) -> MarginImpact:
    """The account's margin figures after ``signed`` reaches its balance or credit."""
    equity = account.equity + signed
    free = account.free_margin + signed
    level = margin_level(equity, account.margin)
    warnings: tuple[str, ...] = ()
    if signed < 0 and kind in (BalanceKind.WITHDRAWAL, BalanceKind.CREDIT_OUT) and levels is not None:
        warnings = _level_warnings(kind, equity, level, account, levels)
    return MarginImpact(account.free_margin, free, account.margin_level, level, warnings)


def margin_level(equity: Decimal, margin: Decimal) -> Decimal | None:
    """``equity / margin`` in percent, to the cent; ``None`` when no margin is in use."""
    return (equity / margin * 100).quantize(CENT) if margin > 0 else None


def _level_warnings(
    kind: BalanceKind, equity: Decimal, level: Decimal | None, account: Account, levels: GroupLevels
) -> tuple[str, ...]:
    if account.margin <= 0:
        return ()
    if levels.in_money:
        figure, value, unit = "equity", equity, f" {levels.currency}".rstrip()
    else:
        figure, value, unit = "margin level", level if level is not None else Decimal(0), " %"
    what = kind.label.lower()
    if value <= levels.stop_out:
        return (
            f"After this {what} the {figure} would be {value:,.2f}{unit}, at or under the stop-out level of "
            f"{levels.stop_out:,.2f}{unit} of group {levels.group}: the server would start closing positions.",
        )
    if value <= levels.margin_call:
        return (
            f"After this {what} the {figure} would be {value:,.2f}{unit}, at or under the margin-call level of "
            f"{levels.margin_call:,.2f}{unit} of group {levels.group}.",
        )
    return ()

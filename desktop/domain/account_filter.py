r"""Account filters beyond the quick text: an MT4 group mask and ranges on the money figures.

A group mask is MT4's: patterns separated by commas, ``*`` for any run of characters, a
leading ``!`` to exclude (``real*,!real\usd-pro``). Patterns are read left to right and the
last one that matches a group decides (included or excluded); a group no pattern matches is
left out, and so a mask of exclusions only (``!demo*``) means "everything else". Case does
not matter, as on the trade server.

A range bound is typed as money is (``1,234.50``), with an optional leading ``-``; a bound
that is not one exact number is refused with its reason, never read as something close.
Margin level ranges leave out accounts without open positions (they have no level).

Imports: the standard library and desktop.domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.amounts import parse_decimal
from desktop.domain.errors import InvalidInput
from desktop.domain.models import Account


@dataclass(frozen=True)
class GroupMask:
    """A parsed MT4 group mask."""

    patterns: tuple[tuple[bool, re.Pattern[str]], ...]  # (include, pattern)

    def matches(self, group: str) -> bool:
        """Whether ``group`` passes the mask."""
        decision = not any(include for include, _ in self.patterns)  # only exclusions: start included
        for include, pattern in self.patterns:
            if pattern.fullmatch(group.casefold()):
                decision = include
        return decision


def parse_group_mask(text: str) -> GroupMask | None:
    """The mask typed, or ``None`` for an empty one (every group).

    Raises:
        InvalidInput: a pattern is empty (``real*,,demo``) or is only ``!``.
    """
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        return None
    patterns = []
    for part in parts:
        include = not part.startswith("!")
        body = part if include else part[1:].strip()
        if not body:
            raise InvalidInput(f"'{text.strip()}' has an empty pattern: separate group patterns with single commas.")
        regex = ".*".join(re.escape(piece) for piece in body.casefold().split("*"))
        patterns.append((include, re.compile(regex, re.DOTALL)))
    return GroupMask(tuple(patterns))


def parse_bound(text: str) -> Decimal | None:
    """A range bound: ``None`` when empty, else the exact amount typed (``-`` allowed).

    Raises:
        InvalidInput: the text is not one amount (the same grammar as an operation's amount).
    """
    typed = text.strip()
    if not typed:
        return None
    negative = typed.startswith("-")
    value = parse_decimal(typed[1:] if negative else typed)
    return -value if negative else value


@dataclass(frozen=True)
class FigureRange:
    """``low <= figure <= high`` for one money figure of an account; a missing bound is open."""

    name: str
    read: Callable[[Account], Decimal | None]
    low: Decimal | None = None
    high: Decimal | None = None

    def accepts(self, account: Account) -> bool:
        """Whether the account's figure is inside the range (an absent figure never is)."""
        if self.low is None and self.high is None:
            return True
        value = self.read(account)
        if value is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


FIGURES: dict[str, Callable[[Account], Decimal | None]] = {
    "balance": lambda a: a.balance,
    "equity": lambda a: a.equity,
    "free_margin": lambda a: a.free_margin,
    "margin_level": lambda a: a.margin_level,
}
"""The figures a range can be set on, by column key."""


@dataclass(frozen=True)
class AccountFilter:
    """A group mask and figure ranges, all of which an account must pass."""

    mask: GroupMask | None = None
    ranges: tuple[FigureRange, ...] = ()

    @property
    def active(self) -> bool:
        """Whether it leaves anything out at all."""
        return self.mask is not None or any(r.low is not None or r.high is not None for r in self.ranges)

    def accepts(self, account: Account) -> bool:
        """Whether the account passes the mask and every range."""
        if self.mask is not None and not self.mask.matches(account.group):
            return False
        return all(r.accepts(account) for r in self.ranges)


def build_filter(mask: str, bounds: dict[str, tuple[str, str]]) -> AccountFilter:
    """The filter for a typed mask and typed ``{figure: (low, high)}`` bounds.

    Raises:
        InvalidInput: naming the figure whose bound cannot be read, or the mask's problem.
    """
    ranges = []
    for name, (low_text, high_text) in bounds.items():
        label = name.replace("_", " ").capitalize()
        try:
            low, high = parse_bound(low_text), parse_bound(high_text)
        except InvalidInput as exc:
            raise InvalidInput(f"{label}: {exc}") from exc
        if low is not None and high is not None and low > high:
            raise InvalidInput(f"{label}: the lower bound is above the upper one.")
        ranges.append(FigureRange(name, FIGURES[name], low, high))
    return AccountFilter(parse_group_mask(mask), tuple(ranges))

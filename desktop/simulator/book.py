"""The live set of accounts: look-ups, paging order, money at current prices, balance operations.

Imports: stdlib and ``desktop.simulator`` model modules. Used by the REST handlers and by
``control``. Balance and credit change only through ``apply_balance`` (integer cents);
equity, margin and levels are computed when read, never per tick.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from desktop.simulator.accounts import Account, Group, account_state, group_by_name
from desktop.simulator.generator import generate
from desktop.simulator.margin import MarginState, Prices


class UnknownLogin(LookupError):
    """No account has the login."""


class NotEnoughMoney(ValueError):
    """A withdrawal or credit-out exceeds what the account can give (MT4 ``TradeNoMoney``)."""


@dataclass(frozen=True)
class BalanceOp:
    """A balance or credit operation applied to an account.

    Attributes:
        ticket: Ticket MT4 assigned to the operation.
        login: Account.
        credit: True for a credit operation, False for balance.
        amount_cents: Signed amount in cents (positive = in).
        comment: Comment as given.
        time: Unix time it was applied.
    """

    ticket: int
    login: int
    credit: bool
    amount_cents: int
    comment: str
    time: float


class Book:
    """All accounts of the simulated server.

    Args:
        seed: Seed of the generated accounts.
        count: Number of generated accounts.
        first_login: Login of the first account.
        prices: Live price source used to value positions.
    """

    def __init__(self, seed: int, count: int, first_login: int, prices: Prices) -> None:
        self._seed = seed
        self._count = count
        self._first_login = first_login
        self.prices = prices
        self.accounts: dict[int, Account] = {}
        self.ledger: list[BalanceOp] = []
        self._logins: list[int] = []
        self._next_ticket = 0
        self.reset()

    def reset(self) -> None:
        """Restore the seeded accounts and forget every balance operation."""
        generated = generate(self._seed, self._count, self._first_login)
        self.accounts = generated.accounts
        self._logins = sorted(self.accounts)
        self._next_ticket = generated.next_ticket
        self.ledger = []

    def get(self, login: int) -> Account:
        """Return an account.

        Args:
            login: Its login.

        Returns:
            The account.

        Raises:
            UnknownLogin: No such account.
        """
        try:
            return self.accounts[login]
        except KeyError:
            raise UnknownLogin(login) from None

    def group_of(self, account: Account) -> Group:
        """Return the group record of an account.

        Args:
            account: The account.

        Returns:
            Its group.
        """
        return group_by_name(account.group)

    def page_after(self, after: int, limit: int | None) -> tuple[list[Account], bool]:
        """Return accounts with logins above ``after`` in ascending order.

        Args:
            after: Exclusive lower bound (0 for the first page).
            limit: Page size, or None for all.

        Returns:
            The page and whether more accounts follow it.
        """
        start = bisect.bisect_right(self._logins, after)
        stop = len(self._logins) if limit is None else min(len(self._logins), start + limit)
        page = [self.accounts[login] for login in self._logins[start:stop]]
        return page, stop < len(self._logins)

    def state(self, account: Account) -> MarginState:
        """Value an account at the current prices.

        Args:
            account: The account.

        Returns:
            Its money.
        """
        return account_state(self.prices, account, self.group_of(account))

    def add(self, account: Account) -> None:
        """Insert a new account (e.g. a test inserting during paging).

        Args:
            account: The account; its login must be free and its group known.

        Raises:
            ValueError: The login is taken.
        """
        if account.login in self.accounts:
            raise ValueError(f"login {account.login} exists")
        group_by_name(account.group)
        self.accounts[account.login] = account
        bisect.insort(self._logins, account.login)

    def apply_balance(self, login: int, amount_cents: int, credit: bool, comment: str, now: float) -> BalanceOp:
        """Deposit or withdraw balance, or give or take credit.

        Args:
            login: Account.
            amount_cents: Signed amount in cents; positive = in, negative = out; not 0.
            credit: True for credit, False for balance.
            comment: Comment stored with the operation.
            now: Unix time of the operation.

        Returns:
            The applied operation.

        Raises:
            UnknownLogin: No such account.
            NotEnoughMoney: The account cannot give that much; nothing changed.
        """
        account = self.get(login)
        if amount_cents < 0:
            self._check_out(account, -amount_cents, credit)
        if credit:
            account.credit_cents += amount_cents
        else:
            account.balance_cents += amount_cents
        op = BalanceOp(self._next_ticket, login, credit, amount_cents, comment, now)
        self._next_ticket += 1
        self.ledger.append(op)
        return op

    def _check_out(self, account: Account, cents: int, credit: bool) -> None:
        state = self.state(account)
        free_cents = int(state.free * 100 + 1e-6)
        if cents > free_cents:
            raise NotEnoughMoney(f"free margin {free_cents / 100:.2f} is less than {cents / 100:.2f}")
        held = account.credit_cents if credit else account.balance_cents
        if cents > held:
            kind = "credit" if credit else "balance"
            raise NotEnoughMoney(f"{kind} {held / 100:.2f} is less than {cents / 100:.2f}")

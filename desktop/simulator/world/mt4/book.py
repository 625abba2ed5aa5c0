"""The live set of accounts and everything that hangs off them: money, trades, history, sessions, journal.

Imports: stdlib and ``desktop.simulator`` model modules. Used by the REST handlers, ``trading``
and ``users`` (which change it), the hub streams and the margin monitor (which read it), and
``control``. Balance and credit change only through ``apply_balance``, closing trades or the
user-record writes (integer cents); equity, margin and levels are computed when read.

Read API for other parts of the simulator (stable):

* ``accounts`` (login → ``Account``, live objects), ``get(login)``, ``find(login)``,
  ``last_known(login)`` (also the last state of a deleted account), ``group_of(account)``,
  ``state(account)`` (money at current prices), ``page_after(login, limit)``;
* ``trades`` (``trades.TradeDesk``: open trades, orders and history as ``TradeRecord``);
* ``ledger`` (balance operations applied since the last reset), ``journal``, ``online``
  (login → ``Session``), ``modes`` (symbol trade modes).

Every change publishes on ``events``: ``UserChanged("Added"|"Updated"|"Deleted", login)``
for account creation, any account field or money change (balance/credit operations, closed
trades, patches, group operations; not password changes) and deletion. ``reset`` restores
the seeded state without events.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.simulator.world.events import EventBus, UserChanged
from desktop.simulator.world.market.feed import PriceFeed
from desktop.simulator.world.mt4.accounts import Account, Group, account_state, group_by_name
from desktop.simulator.world.mt4.generator import DATA_EPOCH, generate
from desktop.simulator.world.mt4.groups import GroupTable
from desktop.simulator.world.mt4.history import SeededHistory, balance_record
from desktop.simulator.world.mt4.journal import Journal
from desktop.simulator.world.mt4.mail import Mailroom
from desktop.simulator.world.mt4.margin import MarginState, Prices
from desktop.simulator.world.mt4.online import Session, seed_sessions
from desktop.simulator.world.mt4.rules import SymbolModes
from desktop.simulator.world.mt4.server_config import ServerSettings
from desktop.simulator.world.mt4.symbol_config import SymbolSettings
from desktop.simulator.world.mt4.trades import TradeDesk, TradeRecord


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


def seeded_password(login: int, investor: bool = False) -> str:
    """Return the password a generated account starts with (``Pw<login>``, investor ``Inv<login>``).

    Args:
        login: The account.
        investor: The investor (read-only) password instead of the main one.

    Returns:
        The password.
    """
    return f"Inv{login}" if investor else f"Pw{login}"


class Book:
    """All accounts of the simulated MT4 server.

    Args:
        seed: Seed of the generated accounts.
        count: Number of generated accounts.
        first_login: Login of the first account.
        prices: Live price source used to value positions.
        events: Bus the changes are published on (a private one when omitted).
        clock: Unix-time source (online sessions and the journal of a reset).
    """

    def __init__(
        self,
        seed: int,
        count: int,
        first_login: int,
        prices: Prices,
        events: EventBus | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._seed = seed
        self._count = count
        self._first_login = first_login
        self.prices = prices
        self.events = events if events is not None else EventBus()
        self.clock = clock
        self.trades = TradeDesk(self)
        self.journal = Journal()
        self.mail = Mailroom()  # mail, news and notifications sent (mail.py)
        self.modes = SymbolModes(self.events)
        self.groups = GroupTable()  # group configuration (groups.py)
        self.settings = ServerSettings()  # common settings, access hours, managers (server_config.py)
        self.symbol_config = SymbolSettings(self.events, self.modes)  # symbol changes (symbol_config.py)
        self.accounts: dict[int, Account] = {}
        self.ledger: list[BalanceOp] = []
        self._catalogue = PriceFeed(seed=0, tick_rate=0.0, start_time=float(DATA_EPOCH))
        self.seeded = SeededHistory(seed, {}, self._catalogue)
        self.recorded: dict[int, list[TradeRecord]] = {}
        self.closed: dict[int, TradeRecord] = {}
        self.amended: dict[int, TradeRecord | None] = {}  # admin edits of closed records (None = deleted)
        self.open_index: dict[int, int] = {}
        self.online: dict[int, Session] = {}
        self.deleted: dict[int, Account] = {}
        self._passwords: dict[int, list[str]] = {}
        self._logins: list[int] = []
        self._next_ticket = 0
        self.reset()

    def reset(self) -> None:
        """Restore the seeded accounts, history, sessions and journal; forget every operation."""
        generated = generate(self._seed, self._count, self._first_login)
        self.accounts = generated.accounts
        self._logins = sorted(self.accounts)
        self._next_ticket = generated.next_ticket
        self.ledger = []
        self.seeded = SeededHistory(self._seed, self.accounts, self._catalogue)
        self.recorded = {}
        self.closed = {}
        self.amended = {}
        self.open_index = {p.ticket: a.login for a in self.accounts.values() for p in a.positions}
        self._passwords = {login: [seeded_password(login), seeded_password(login, True)] for login in self._logins}
        self.deleted = {}
        self.modes.clear()
        self.groups.reset()
        self.settings.reset()
        self.symbol_config.reset(self.prices)
        self.journal.clear()
        self.mail.clear()
        now = self.clock()
        self.online = seed_sessions(self._seed, self.accounts, now)
        for session in sorted(self.online.values(), key=lambda s: s.since):
            message = f"'{session.login}': login (build {session.build}, {session.ip})"
            self.journal.add(session.since, "Logins", message, session.ip)

    # -- look-ups ------------------------------------------------------------------------

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

    def find(self, login: int) -> Account | None:
        """Return the live account with ``login``, or None."""
        return self.accounts.get(login)

    def last_known(self, login: int) -> Account | None:
        """Return the live account with ``login``, else the last state of a deleted one, else None."""
        return self.accounts.get(login) or self.deleted.get(login)

    def group_of(self, account: Account) -> Group:
        """Return the group record of an account.

        Args:
            account: The account.

        Returns:
            Its group.
        """
        return self.groups.get(account.group)

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

    def next_login(self) -> int:
        """Return the login ``UserRecordNew`` with login 0 would get (one above the highest ever used)."""
        highest = max(self._logins[-1] if self._logins else 0, max(self.deleted, default=0))
        return max(highest + 1, self._first_login)

    def next_ticket(self) -> int:
        """Allocate and return a ticket for a new order or balance operation."""
        ticket = self._next_ticket
        self._next_ticket += 1
        return ticket

    # -- account changes -----------------------------------------------------------------

    def add(self, account: Account) -> None:
        """Insert a new account and publish ``UserChanged("Added")``.

        Args:
            account: The account; its login must be free and its group known.

        Raises:
            ValueError: The login is taken.
        """
        if account.login in self.accounts:
            raise ValueError(f"login {account.login} exists")
        group_by_name(account.group)
        self.accounts[account.login] = account
        self.deleted.pop(account.login, None)
        self._passwords[account.login] = ["", ""]
        bisect.insort(self._logins, account.login)
        self.journal.add(self.clock(), "Standard", f"'{account.login}': account created in group '{account.group}'")
        self.events.publish(UserChanged("Added", account.login))

    def remove(self, login: int) -> None:
        """Delete an account (no open trades) and publish ``UserChanged("Deleted")``.

        Args:
            login: The account.

        Raises:
            UnknownLogin: No such account.
        """
        account = self.get(login)
        del self.accounts[login]
        self._logins.remove(login)
        self.deleted[login] = account
        self.online.pop(login, None)
        self._passwords.pop(login, None)
        self.journal.add(self.clock(), "Standard", f"'{login}': account deleted")
        self.events.publish(UserChanged("Deleted", login))

    def changed(self, login: int, what: str) -> None:
        """Record that an account's fields changed: journal entry and ``UserChanged("Updated")``.

        Args:
            login: The account.
            what: Short description for the journal.
        """
        self.journal.add(self.clock(), "Standard", f"'{login}': {what}")
        self.events.publish(UserChanged("Updated", login))

    def set_balance(self, login: int, cents: int) -> None:
        """Overwrite an account's balance without a ledger entry (tests, scenarios).

        Args:
            login: The account.
            cents: New balance in cents.
        """
        self.get(login).balance_cents = cents
        self.changed(login, f"balance set to {cents / 100:.2f}")

    # -- passwords -----------------------------------------------------------------------

    def set_password(self, login: int, password: str, investor: bool) -> None:
        """Set the main or investor password (not a user-visible change: no event).

        Args:
            login: The account.
            password: New password.
            investor: Set the investor password instead of the main one.
        """
        self.get(login)
        self._passwords.setdefault(login, ["", ""])[1 if investor else 0] = password
        kind = "investor password" if investor else "password"
        self.journal.add(self.clock(), "Standard", f"'{login}': {kind} changed")

    def check_password(self, login: int, password: str) -> bool:
        """Check the main password (an empty password never matches).

        Args:
            login: The account.
            password: Candidate.

        Returns:
            True when it matches.
        """
        self.get(login)
        stored = self._passwords.get(login, ["", ""])[0]
        return bool(stored) and stored == password

    # -- money ---------------------------------------------------------------------------

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
        op = BalanceOp(self.next_ticket(), login, credit, amount_cents, comment, now)
        self.ledger.append(op)
        self.record_closed(balance_record(op.ticket, login, credit, amount_cents, comment, int(now)))
        kind = ("credit " if credit else "") + ("in" if amount_cents > 0 else "out")
        self.journal.add(now, "Trades", f"'{login}': {kind} {amount_cents / 100:.2f} '{comment}' #{op.ticket}")
        self.events.publish(UserChanged("Updated", login))
        return op

    def record_closed(self, record: TradeRecord) -> None:
        """Add a closed trade, deleted order or balance record to the history.

        Args:
            record: The record (``close_time`` set).
        """
        self.recorded.setdefault(record.login, []).append(record)
        self.closed[record.order] = record

    def history_of(self, login: int) -> list[TradeRecord]:
        """Return an account's closed records: the seeded history, then what happened since.

        Args:
            login: The account.

        Returns:
            The records (seeded ones by close time, then recorded ones in order).
        """
        records = [*self.seeded.of(login), *self.recorded.get(login, [])]
        if not self.amended:
            return records
        return [edited for r in records if (edited := self.amended.get(r.order, r)) is not None]

    def closed_record(self, ticket: int) -> TradeRecord | None:
        """Return the closed record (seeded or recorded, as amended) with ``ticket``, or None."""
        if ticket in self.amended:
            return self.amended[ticket]
        return self.closed.get(ticket) or self.seeded.find(ticket)

    def _check_out(self, account: Account, cents: int, credit: bool) -> None:
        state = self.state(account)
        free_cents = int(state.free * 100 + 1e-6)
        if cents > free_cents:
            raise NotEnoughMoney(f"free margin {free_cents / 100:.2f} is less than {cents / 100:.2f}")
        held = account.credit_cents if credit else account.balance_cents
        if cents > held:
            kind = "credit" if credit else "balance"
            raise NotEnoughMoney(f"{kind} {held / 100:.2f} is less than {cents / 100:.2f}")

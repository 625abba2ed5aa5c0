"""Test doubles for the UI tests: a Workstation-like object with psygnal signals and a real QuoteBook."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Coroutine, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from psygnal import Signal

from desktop.client.set_aside import SetAside
from desktop.config import AppConfig
from desktop.domain.amounts import parse_amount
from desktop.domain.balance_ops import balance_review, balance_write
from desktop.domain.comments import check_operator_comment
from desktop.domain.errors import InvalidInput
from desktop.domain.models import (
    Account,
    BalanceKind,
    BalanceOperation,
    ConnectionState,
    ConnectionStatus,
    GroupLevels,
    SymbolSpec,
    TradePlatform,
)
from desktop.domain.operations import Operation, OperationState, Outcome, Review, new_key, renewed
from desktop.domain.quote_book import QuoteBook
from desktop.services.accounts import BalanceResult
from desktop.services.journal import JournalEntry
from desktop.services.operations import OperationsFilter, OperationsLog

SYMBOLS = (
    SymbolSpec("EURUSD", 5, "Euro vs US Dollar"),
    SymbolSpec("GBPUSD", 5, "Great Britain Pound vs US Dollar"),
    SymbolSpec("USDJPY", 3, "US Dollar vs Japanese Yen"),
    SymbolSpec("USDCHF", 5, "US Dollar vs Swiss Franc"),
    SymbolSpec("AUDUSD", 5, "Australian Dollar vs US Dollar"),
    SymbolSpec("XAUUSD", 2, "Gold vs US Dollar"),
    SymbolSpec("BTCUSD", 2, "Bitcoin vs US Dollar"),
    SymbolSpec("US30", 1, "Dow Jones Industrial Average"),
)
MIDS = {
    "EURUSD": 1.08512,
    "GBPUSD": 1.27140,
    "USDJPY": 151.208,
    "USDCHF": 0.88231,
    "AUDUSD": 0.65712,
    "XAUUSD": 2381.45,
    "BTCUSD": 67123.50,
    "US30": 39012.3,
}
PLATFORM = TradePlatform("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "Demo-MT4 Live", "MT4")
T0 = 1_790_000_000.0


def feed(book: QuoteBook, ticks_per_symbol: int, symbols: Iterable[SymbolSpec] = SYMBOLS, start: float = T0) -> None:
    """Deterministic wavy ticks, interleaved across symbols, 0.25 s apart per symbol."""
    specs = list(symbols)
    for i in range(ticks_per_symbol):
        for k, spec in enumerate(specs):
            point = 10.0**-spec.digits
            mid = MIDS.get(spec.name, 1.0) + point * (40 * math.sin(i / 37 + k) + 15 * math.sin(i / 5.3 + 2 * k))
            spread = point * (12 + (i + k) % 7)
            bid = round(mid - spread / 2, spec.digits)
            book.apply(spec.name, bid, round(bid + spread, spec.digits), start + i * 0.25 + k * 0.01)


def make_account(login: int, **changes: Any) -> Account:
    base = Account(
        login=login,
        name=f"Client {login}",
        group="demo\\retail",
        leverage=100,
        balance=Decimal("10000.00"),
        credit=Decimal("0.00"),
        equity=Decimal("10000.00"),
        margin=Decimal("0.00"),
        free_margin=Decimal("10000.00"),
        margin_level=None,
    )
    return replace(base, **changes)


def sample_accounts() -> list[Account]:
    names = [
        "Anna Kowalski",
        "Ben Okafor",
        "Chen Wei",
        "Dmitri Volkov",
        "Elena García",
        "Farid Haddad",
        "Grace Lee",
        "Hiro Tanaka",
        "Ivan Petrov",
        "Julia Schmidt",
        "Kofi Mensah",
        "Lena Novak",
    ]
    groups = ["real\\standard", "real\\vip", "real\\ecn", "demo\\retail"]
    accounts = []
    for i, name in enumerate(names):
        balance = Decimal(1000 + 7919 * i % 50000) + Decimal("0.45")
        margin = Decimal(0) if i % 4 == 3 else Decimal(300 + 211 * i)
        equity = balance + Decimal(-420 * (i % 5)) + Decimal("12.30")
        level = None if margin == 0 else (equity / margin * 100).quantize(Decimal("0.01"))
        if i == 5:
            equity, margin = Decimal("850.00"), Decimal("1000.00")
            level = Decimal("85.00")
        if i == 8:
            equity, margin = Decimal("1700.00"), Decimal("1000.00")
            level = Decimal("170.00")
        accounts.append(
            make_account(
                100_000 + 17 * i,
                name=name,
                group=groups[i % 4],
                leverage=(100, 200, 500, 50)[i % 4],
                balance=balance,
                credit=Decimal(500 * (i % 3)),
                equity=equity,
                margin=margin,
                free_margin=equity - margin,
                margin_level=level,
            )
        )
    return accounts


class FakeQuotes:
    status_changed = Signal(object)
    symbols_loaded = Signal(object)

    def __init__(self, book: QuoteBook) -> None:
        self.book = book
        self.symbols: tuple[SymbolSpec, ...] = ()
        self.status = ConnectionStatus(ConnectionState.DISCONNECTED)

    def load(self, symbols: tuple[SymbolSpec, ...] = SYMBOLS) -> None:
        self.symbols = symbols
        self.symbols_loaded.emit(symbols)

    def set_status(self, state: ConnectionState, detail: str = "") -> None:
        self.status = ConnectionStatus(state, detail)
        self.status_changed.emit(self.status)


class FakeAccounts:
    """Answers ``submit``/``reconcile`` from a queue: ``None`` (applied), an Outcome, or an exception to raise."""

    accounts_loaded = Signal(object)
    accounts_updated = Signal(object)
    refresh_failed = Signal(str)
    refresh_recovered = Signal()

    def __init__(self, accounts: Iterable[Account] = ()) -> None:
        self.max_amount = Decimal("1000000.00")
        self._accounts = {a.login: a for a in accounts}
        self.levels: dict[int, GroupLevels] = {}
        """The group levels a review uses, by login (none: no level warnings)."""
        self.submitted: list[Operation] = []
        self.reconciled: list[Operation] = []
        self.outcomes: list[BaseException | Outcome | None] = []
        self.ticket = 50_000

    def load(self, accounts: Iterable[Account] | None = None) -> None:
        if accounts is not None:
            self._accounts = {a.login: a for a in accounts}
        self.accounts_loaded.emit(tuple(self._accounts.values()))

    def all(self) -> tuple[Account, ...]:
        return tuple(self._accounts.values())

    def get(self, login: int) -> Account | None:
        return self._accounts.get(login)

    def __len__(self) -> int:
        return len(self._accounts)

    def prepare(self, login: int, kind: BalanceKind, amount_text: str, comment: str) -> Operation:
        amount = parse_amount(amount_text, self.max_amount)
        checked = check_operator_comment(comment)
        if login < 1:
            raise InvalidInput("Choose an account.")
        return balance_write(BalanceOperation(login, kind, amount, checked, new_key()))

    def review(self, operation: Operation) -> Review:
        return balance_review(operation, self.get(operation.login), self.levels.get(operation.login))

    def renew(self, operation: Operation) -> Operation:
        return renewed(operation)

    async def submit(self, operation: Operation) -> BalanceResult:
        self.submitted.append(operation)
        return await self._answer(operation)

    async def reconcile(self, operation: Operation) -> BalanceResult:
        self.reconciled.append(operation)
        return await self._answer(operation)

    async def _answer(self, operation: Operation) -> BalanceResult:
        await asyncio.sleep(0)
        at = datetime(2026, 11, 21, 12, 0, 5, tzinfo=UTC)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome is not None:
            return BalanceResult(outcome, self._accounts.get(operation.login), at)
        account = self._accounts[operation.login]
        field = "credit" if operation.expect.command == "Credit" else "balance"
        updated = replace(account, **{field: getattr(account, field) + (operation.expect.amount or 0)})
        self._accounts[operation.login] = updated
        self.accounts_updated.emit((updated,))
        self.ticket += 1
        applied = Outcome(
            operation.key,
            OperationState.APPLIED,
            ticket=self.ticket,
            activity_id="00-4bf92f3577b34da6a3ce929d0e0e4736-00",
        )
        return BalanceResult(applied, updated, at)


class ManualTasks:
    """A TaskOwner stand-in: keeps spawned coroutines until the test runs them."""

    failed = Signal(str, object)

    def __init__(self) -> None:
        self.pending: list[tuple[str, Coroutine[Any, Any, Any]]] = []
        self.errors: list[BaseException] = []

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        self.pending.append((name, coro))

    def run_all(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            while self.pending:
                name, coro = self.pending.pop(0)
                try:
                    loop.run_until_complete(coro)
                except Exception as exc:  # noqa: BLE001 (a task owner records every failure)
                    self.errors.append(exc)
                    self.failed.emit(name, exc)
        finally:
            loop.close()

    def close(self) -> None:
        for _, coro in self.pending:
            coro.close()
        self.pending.clear()


class FakeSession:
    def __init__(self) -> None:
        self.platform: TradePlatform | None = None
        self.now: datetime | None = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)

    def server_time(self) -> datetime | None:
        return self.now


class FakeOperations:
    """The Operations view's source, holding journal entries in a list."""

    changed = Signal(str)
    recovered = Signal(object)

    def __init__(self) -> None:
        self.rows: list[JournalEntry] = []

    def entries(self, where: OperationsFilter | None = None) -> list[JournalEntry]:
        return [e for e in self.rows if where is None or where.matches(e)]

    def entry(self, key: str) -> JournalEntry | None:
        return next((e for e in self.rows if e.key == key), None)

    def export_csv(self, entries: Iterable[JournalEntry], path: Path) -> int:
        return OperationsLog.export_csv(entries, path)


class FakeWorkstation:
    started = Signal(object)
    starting = Signal(str)

    def __init__(self, accounts: Iterable[Account] = (), config: AppConfig | None = None) -> None:
        self.config = config or AppConfig(frame_ms=20, chart_points=2_000, history=10_000)
        self.tasks = ManualTasks()
        self.book = QuoteBook(history=self.config.history)
        self.session = FakeSession()
        self.quotes = FakeQuotes(self.book)
        self.accounts = FakeAccounts(accounts)
        self.operations = FakeOperations()
        self.set_aside = SetAside()

    def start(self) -> None:
        """What Workstation.start does, minus the network: platform, symbols, accounts, started."""
        self.session.platform = PLATFORM
        self.quotes.load()
        self.quotes.set_status(ConnectionState.CONNECTED)
        self.accounts.load()
        self.started.emit(PLATFORM)

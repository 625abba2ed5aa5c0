"""Fixtures for the Qt tests: sample data, a fake workstation, and cleanup of un-run tasks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.domain.models import Account
from desktop.domain.quote_book import QuoteBook
from tests.ui.fakes import FakeAccounts, FakeWorkstation, ManualTasks, feed, sample_accounts


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/ui builds Qt objects: mark it ``gui``."""
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("ui/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def accounts() -> list[Account]:
    return sample_accounts()


@pytest.fixture
def fake_accounts(accounts: list[Account]) -> FakeAccounts:
    return FakeAccounts(accounts)


@pytest.fixture
def tasks() -> Iterator[ManualTasks]:
    owner = ManualTasks()
    yield owner
    owner.close()


@pytest.fixture
def workstation(accounts: list[Account]) -> Iterator[FakeWorkstation]:
    ws = FakeWorkstation(accounts)
    yield ws
    ws.tasks.close()


@pytest.fixture
def book_10k() -> QuoteBook:
    """A book with 10,000 flushed ticks of EURUSD (and of every other sample symbol)."""
    book = QuoteBook(history=10_000)
    feed(book, 10_000)
    book.flush()
    return book
